# mypy: ignore-errors
"""Run inside the generated project's Python: autogenerate, compare, and emit SQL per revision.

This file is executed by path with the project's interpreter (which has Alembic, SQLAlchemy and
the project's ``app``) and never imported by backendkit, whose own environment has neither.
It may use only the standard library, Alembic, SQLAlchemy and the project.

Usage: python in_project.py REQUEST.json RESULT.json
The result is ``{"ok": ...}`` or ``{"error": "one line"}`` for a problem the user must fix.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any


class ProblemError(Exception):
    """A problem with the user's project or database: reported as one line."""


def _config(url: str | None = None) -> Any:
    from alembic.config import Config

    if not Path("alembic.ini").is_file():
        raise ProblemError("no alembic.ini in the project")
    config = Config("alembic.ini", stdout=io.StringIO())
    config.attributes["configure_logger"] = False
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _settings_url() -> str:
    from app.core.config import get_settings

    return get_settings().database_url


def _sqlite_copy(url: str, scratch_dir: Path) -> str | None:
    """A copy of the SQLite database (None when there is none): comparing never changes it."""
    from sqlalchemy.engine import make_url

    database = make_url(url).database or ""
    if not database or database == ":memory:" or not Path(database).is_file():
        return None
    copy = scratch_dir / "copy.db"
    shutil.copyfile(database, copy)
    return f"sqlite+aiosqlite:///{copy}"


def _with_database(url: str, work: Any) -> Any:
    """Run WORK(config) with a config pointing at a database at the migrations' head.

    That is the project's database when it is at head (SQLite: a copy of it). Nothing is
    ever written to it: an empty database, or one behind head (say, just before the
    ``alembic upgrade head`` that follows ``migrate``), is compared through a scratch SQLite
    database brought to head instead.
    """
    from alembic import command
    from sqlalchemy.engine import make_url

    with tempfile.TemporaryDirectory(prefix="backendkit-migrate-") as scratch_dir:
        target: str | None = url
        if make_url(url).get_backend_name() == "sqlite":
            target = _sqlite_copy(url, Path(scratch_dir))
        tables, current = _inspect(target) if target else (set(), set())
        heads = _heads()
        if current != heads or not tables:
            unknown = current - _known_revisions()
            if unknown or (tables and not current):
                at = ", ".join(sorted(current)) or "no revision"
                raise ProblemError(
                    f"the database is at {at}, which these migrations do not lead to "
                    f"(head: {', '.join(sorted(heads))}): point DATABASE_URL at this "
                    "project's database"
                )
            target = f"sqlite+aiosqlite:///{Path(scratch_dir) / 'head.db'}"
            with contextlib.redirect_stdout(io.StringIO()):
                command.upgrade(_config(target), "head")
        return work(_config(target))


def _heads() -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(_config()).get_heads())


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()}


def _inspect(url: str) -> tuple[set[str], set[str]]:
    """The database's tables (but Alembic's) and its current revisions."""
    import sqlalchemy as sa
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    def inspect(connection: Any) -> tuple[set[str], set[str]]:
        tables = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
        current = set(MigrationContext.configure(connection).get_current_heads())
        return tables, current

    async def main() -> tuple[set[str], set[str]]:
        engine = create_async_engine(url, poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(inspect)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except Exception as exc:
        if isinstance(exc, OSError | ConnectionError) or _is_connect(exc):
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ProblemError(f"cannot reach the database at {_safe(url)}: {message}") from None
        raise


def _is_connect(exc: BaseException) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return any(
        word in text
        for word in ("connect", "does not exist", "password", "refused", "timeout", "resolve")
    )


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def compare(request: dict[str, Any]) -> dict[str, Any]:
    """The differences between the models and the migrations, as Alembic describes them."""
    from alembic import command
    from alembic.util import AutogenerateDiffsDetected

    def work(config: Any) -> dict[str, Any]:
        try:
            command.check(config)
        except AutogenerateDiffsDetected as exc:
            return {"differences": _diff_lines(exc)}
        return {"differences": []}

    return _with_database(request.get("url") or _settings_url(), work)


def _diff_lines(exc: Any) -> list[str]:
    diffs = getattr(exc, "diffs", None)
    if diffs:
        return [_describe(diff) for diff in diffs]
    text = str(exc).split(":", 1)[-1]
    return [line.strip() for line in text.splitlines() if line.strip()]


def _describe(diff: Any) -> str:
    """One readable line per Alembic diff: ``add_column products.barcode``."""
    if isinstance(diff, list):
        return "; ".join(_describe(d) for d in diff)
    kind, *rest = diff
    if kind.startswith("modify_"):
        # (kind, schema, table, column, existing options, old value, new value)
        _, table, column, _, old, new = rest
        return f"{kind} {table}.{column}: {_value(old)} -> {_value(new)}"
    for item in rest:
        table = getattr(getattr(item, "table", None), "name", None)
        name = getattr(item, "name", None)
        if kind.endswith("_column") and table:
            return f"{kind} {table}.{name}"
        if table and name:
            return f"{kind} {name} on {table}"
        if name:
            return f"{kind} {name}"
    return " ".join(str(part) for part in diff)


def _value(value: Any) -> str:
    if hasattr(value, "compile"):
        try:
            return str(value.compile())
        except Exception:
            return repr(value)
    return repr(value)


def revision(request: dict[str, Any]) -> dict[str, Any]:
    """Write an autogenerated revision; None when the models and migrations agree."""
    from alembic import command

    def work(config: Any) -> dict[str, Any]:
        config.attributes["skip_empty"] = not request["empty"]
        # The revision id already carries the name: the file is named after it alone.
        config.set_main_option("file_template", "%%(rev)s")
        with contextlib.redirect_stdout(io.StringIO()):
            script = command.revision(
                config,
                message=request["message"],
                autogenerate=not request["empty"],
                rev_id=request["rev_id"],
            )
        if script is None or isinstance(script, list):
            return {"path": None}
        _format(script.path)
        return {"path": str(Path(script.path).resolve())}

    if request["empty"]:  # nothing is compared: no database is needed
        return work(_config())
    return _with_database(request.get("url") or _settings_url(), work)


def _format(path: str) -> None:
    """Lay the new file out the way the project's ruff does, when the project has ruff."""
    import subprocess

    for command in (["check", "--fix", "--quiet", "--select", "I,UP,F401"], ["format", "--quiet"]):
        subprocess.run(
            [sys.executable, "-m", "ruff", *command, path], capture_output=True, check=False
        )


def sql(request: dict[str, Any]) -> dict[str, Any]:
    """The PostgreSQL SQL of every revision on its own, each statement with its Python line."""
    from alembic import command
    from alembic.ddl.impl import DefaultImpl
    from alembic.script import ScriptDirectory

    config = _config(request["url"])
    script_dir = ScriptDirectory.from_config(config)
    revisions = list(reversed(list(script_dir.walk_revisions())))
    results = []
    current: dict[str, Any] = {}
    original = DefaultImpl.static_output

    def static_output(self: Any, text: str) -> None:
        current["chunks"].append([text, _caller_line(current["path"])])

    DefaultImpl.static_output = static_output
    try:
        for script in revisions:
            path = str(Path(script.path).resolve())
            down = script.down_revision
            if isinstance(down, tuple | list):
                down = "+".join(down) if len(down) > 1 else down[0]
            current.update(path=path, chunks=[])
            span = f"{down}:{script.revision}" if down else script.revision
            with contextlib.redirect_stdout(io.StringIO()):
                command.upgrade(config, span, sql=True)
            results.append({"revision": script.revision, "path": path, "chunks": current["chunks"]})
    finally:
        DefaultImpl.static_output = original
    return {"revisions": results}


def _caller_line(path: str) -> int | None:
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename and str(Path(frame.f_code.co_filename).resolve()) == path:
            return frame.f_lineno
        frame = frame.f_back
    return None


ACTIONS = {"compare": compare, "revision": revision, "sql": sql}


def main() -> int:
    request = json.loads(Path(sys.argv[1]).read_text())
    logging.disable(logging.CRITICAL)
    try:
        result = {"ok": ACTIONS[request["action"]](request)}
    except ProblemError as exc:
        result = {"error": str(exc)}
    except Exception as exc:
        where = ""
        tb = exc.__traceback__
        while tb is not None:
            if "/migrations/" in tb.tb_frame.f_code.co_filename:
                where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}: "
            tb = tb.tb_next
        result = {"error": f"{where}{type(exc).__name__}: {exc}".splitlines()[0]}
    Path(sys.argv[2]).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
