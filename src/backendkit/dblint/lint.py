"""Lint migrations one revision at a time: the PostgreSQL SQL each emits, squawk and our rules."""

from __future__ import annotations

import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from backendkit.dblint.ignores import ignored_rules, is_ignored, statement_spans
from backendkit.dblint.rules import SEVERITIES, Rule, Severity, rule_for
from backendkit.dblint.squawk import run_squawk
from backendkit.migrate.environment import ProjectPython

# Offline SQL needs only the dialect: nothing connects to this.
_LINT_URL = "postgresql+asyncpg://lint@localhost/lint"
_JSON = re.compile(r"\bJSON\b(?!B)", re.IGNORECASE)
_DDL = re.compile(r"^\s*(CREATE\s+TABLE|ALTER\s+TABLE)", re.IGNORECASE)
_CREATE_TABLE = re.compile(r"^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\S+)", re.IGNORECASE)
_ALTER_TABLE = re.compile(r"^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(\S+)", re.IGNORECASE)
_FOREIGN_KEY = re.compile(r"FOREIGN\s+KEY\s*\(([^)]*)\)", re.IGNORECASE)
_INDEX = re.compile(
    r"^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?"
    r"\S+\s+ON\s+(?:ONLY\s+)?(\S+)\s*(?:USING\s+\w+\s*)?\(([^)]*)\)",
    re.IGNORECASE,
)
_KEY = re.compile(r"(?:PRIMARY\s+KEY|UNIQUE)\s*\(([^)]*)\)", re.IGNORECASE)
_BARE_VARCHAR = re.compile(r"\b(?:VARCHAR|CHARACTER\s+VARYING)\b(?!\s*\()", re.IGNORECASE)
_TIMESTAMPS = ("created_at", "updated_at")


@dataclass(frozen=True)
class Finding:
    """One problem in one revision."""

    path: str
    line: int | None  # in the Python migration
    revision: str
    rule: str
    severity: Severity
    message: str
    why: str
    safe: str
    sql: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LintReport:
    """Every finding, and how many revisions were linted."""

    revisions: int
    findings: list[Finding]

    def failing(self, threshold: Severity) -> list[Finding]:
        """The findings at or above THRESHOLD."""
        floor = SEVERITIES.index(threshold)
        return [f for f in self.findings if SEVERITIES.index(f.severity) >= floor]


@dataclass(frozen=True)
class _Chunk:
    sql: str
    line: int | None
    first: int  # 0-based line in the SQL file
    last: int


def lint_migrations(env: ProjectPython, paths: list[Path] | None = None) -> LintReport:
    """Lint every revision (or only PATHS) of the project ENV runs in.

    The SQL of every revision is read, so that an index made by an earlier revision counts.
    """
    wanted = {str(p.resolve()) for p in paths or []}
    revisions = env.run("sql", url=_LINT_URL)["revisions"]
    findings: list[Finding] = []
    indexed: set[tuple[str, str]] = set()
    with tempfile.TemporaryDirectory(prefix="backendkit-lint-") as tmp:
        files: dict[str, tuple[dict[str, Any], list[_Chunk]]] = {}
        for index, revision in enumerate(revisions):
            chunks = _chunks(revision["chunks"])
            indexed |= _indexed_leading_columns(chunks)
            if wanted and revision["path"] not in wanted:
                continue
            findings.extend(_own_findings(revision, chunks, indexed))
            sql_path = Path(tmp, f"{index:05d}.sql")
            sql_path.write_text("\n".join(c.sql for c in chunks) + "\n")
            files[str(sql_path)] = (revision, chunks)
        for item in run_squawk([Path(p) for p in files]):
            revision, chunks = files[item.file]
            chunk = _chunk_at(chunks, item.line)
            rule = rule_for(item.rule, item.message, item.help)
            findings.append(_finding(revision, rule, item.message, chunk))
    sources: dict[str, tuple[dict[int, set[str]], list[tuple[int, int]]]] = {}
    findings = [f for f in findings if not _ignored(f, sources)]
    findings.sort(key=lambda f: (f.path, f.line or 0, f.rule))
    return LintReport(revisions=len(files), findings=findings)


def _chunks(raw: list[list[Any]]) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    line = 0
    for sql, python_line in raw:
        text = str(sql).strip()
        if not text or "alembic_version" in text:
            continue  # Alembic's own bookkeeping
        height = text.count("\n") + 1
        chunks.append(_Chunk(text, python_line, line, line + height - 1))
        line += height
    return chunks


def _chunk_at(chunks: list[_Chunk], line: int) -> _Chunk | None:
    return next((c for c in chunks if c.first <= line <= c.last), None)


def _finding(revision: dict[str, Any], rule: Rule, message: str, chunk: _Chunk | None) -> Finding:
    return Finding(
        path=revision["path"],
        line=chunk.line if chunk else None,
        revision=revision["revision"],
        rule=rule.code,
        severity=rule.severity,
        message=message,
        why=rule.why,
        safe=rule.safe,
        sql=chunk.sql if chunk else "",
    )


def _own_findings(
    revision: dict[str, Any], chunks: list[_Chunk], indexed: set[tuple[str, str]]
) -> list[Finding]:
    """Rules squawk does not have; INDEXED: what this and earlier revisions index."""
    found: list[Finding] = []
    for chunk in chunks:
        if not _DDL.match(chunk.sql):
            continue
        if _JSON.search(chunk.sql):
            found.append(_own(revision, "prefer-jsonb", "a json column: use jsonb", chunk))
        if _BARE_VARCHAR.search(chunk.sql):
            message = "a VARCHAR column without a length"
            found.append(_own(revision, "varchar-without-length", message, chunk))
        table = _table_of(chunk.sql)
        for columns in _FOREIGN_KEY.findall(chunk.sql):
            leading = _names(columns)[0]
            if (table, leading) not in indexed:
                message = f"foreign key column {table}.{leading} has no index"
                found.append(_own(revision, "foreign-key-without-index", message, chunk))
        created = _CREATE_TABLE.match(chunk.sql)
        if created:
            missing = [c for c in _TIMESTAMPS if not re.search(rf"\b{c}\b", chunk.sql)]
            if missing:
                message = f"table {table} has no {' or '.join(missing)}"
                found.append(_own(revision, "table-without-timestamps", message, chunk))
    return found


def _own(revision: dict[str, Any], code: str, message: str, chunk: _Chunk) -> Finding:
    return _finding(revision, rule_for(code, message, None), message, chunk)


def _names(columns: str) -> list[str]:
    return [c.strip().strip('"').split()[0] for c in columns.split(",") if c.strip()]


def _table_of(sql: str) -> str:
    match = _CREATE_TABLE.match(sql) or _ALTER_TABLE.match(sql)
    return match[1].strip('"').split(".")[-1] if match else ""


def _indexed_leading_columns(chunks: list[_Chunk]) -> set[tuple[str, str]]:
    """(table, column) pairs that lead an index, a primary key or a unique constraint."""
    indexed: set[tuple[str, str]] = set()
    for chunk in chunks:
        index = _INDEX.match(chunk.sql)
        if index:
            indexed.add((index[1].strip('"').split(".")[-1], _names(index[2])[0]))
        table = _table_of(chunk.sql)
        for columns in _KEY.findall(chunk.sql):
            indexed.add((table, _names(columns)[0]))
    return indexed


def _ignored(
    finding: Finding, sources: dict[str, tuple[dict[int, set[str]], list[tuple[int, int]]]]
) -> bool:
    if finding.path not in sources:
        source = Path(finding.path).read_text()
        sources[finding.path] = (ignored_rules(source), statement_spans(source))
    ignores, spans = sources[finding.path]
    return is_ignored(finding.rule, finding.line, ignores, spans)
