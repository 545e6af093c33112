"""Render an external Copier template with Copier itself, in a scratch directory.

Copier is the engine here (imported lazily: the built-in path never loads it), so a project
is byte for byte what ``copier copy`` writes for the same answers. Tasks never run in the
scratch render: they run once, in the project, and only when the user trusts the template.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backendkit.engine import RenderedFile
from backendkit.engine.template import Ownership
from backendkit.errors import UsageError
from backendkit.external.source import TemplateSource


@dataclass(frozen=True)
class ExternalRender:
    """The files Copier rendered, and what reproduces them: answers, commit, version."""

    files: list[RenderedFile]
    answers: dict[str, Any]  # as Copier remembers them: no secrets, no hidden questions
    commit: str | None  # full hash (None: a template directory outside git)
    describe: str | None  # ``git describe``: the tag, or tag-N-gHASH
    version: str  # PEP 440, from the tag; "0" when untagged
    has_tasks: bool = False
    has_migrations: bool = False  # the template declares _migrations (update runs them)
    secrets: dict[str, Any] = field(default_factory=dict)
    directories: list[str] = field(default_factory=list)  # every directory, empty ones too
    symlinks: dict[str, str] = field(default_factory=dict)  # kept links: path -> target
    # Data Copier's answers file does not keep, though the render saw it: keys that answer no
    # question, and answers to questions a `when` hid (secrets never: they are not stored).
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def recorded_answers(self) -> dict[str, Any]:
        """What the state file keeps to render the project again: the answers, and data
        answering no question (without it, check would see its files drift)."""
        return {**self.answers, **self.extra}


def render_template(
    source: TemplateSource,
    data: dict[str, Any],
    *,
    ref: str | None = None,
    defaults: bool = True,
    trust: bool = False,
    folder_name: str = "project",
) -> ExternalRender:
    """Render SOURCE at REF (default: its own ref, else Copier's choice) with DATA answered.

    Questions DATA leaves open take their defaults, or are asked on a terminal when DEFAULTS
    is false. FOLDER_NAME is the project directory's name (Copier's ``_folder_name``). Any
    failure is one UsageError and nothing is left behind.
    """
    if defaults and not trust:
        from backendkit.external.fast_render import fast_render

        try:
            return ExternalRender(**fast_render(source.url, data, ref or source.ref, folder_name))
        except Exception:  # Copier renders instead, or reports the error in its own words
            pass
    copier = _import_copier()
    scratch = Path(tempfile.mkdtemp(prefix="backendkit-copier-"))
    destination = scratch / folder_name
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with copier.Worker(
                src_path=source.url,
                dst_path=destination,
                data=data,
                vcs_ref=ref or source.ref,
                defaults=defaults,
                quiet=True,
                unsafe=trust,
                skip_tasks=True,
                overwrite=True,
            ) as worker:
                worker.run_copy()
                template = worker.template
                answers = _remembered(worker)
                secrets = {
                    k: v
                    for k, v in worker.answers.combined.items()
                    if k in template.secret_questions and k in template.questions_data
                }
                files, directories, symlinks = _read_tree(
                    destination, list(template.skip_if_exists)
                )
                render = ExternalRender(
                    files=files,
                    directories=directories,
                    symlinks=symlinks,
                    answers=answers,
                    commit=template.commit_hash,
                    describe=template.commit,
                    version=str(template.version) if template.version else "0",
                    has_tasks=bool(template.tasks),
                    has_migrations=bool(template._raw_config.get("_migrations")),
                    extra={
                        k: v
                        for k, v in data.items()
                        if k not in answers and k not in template.secret_questions
                    },
                    secrets=secrets,
                )
    except UsageError:
        raise
    except Exception as exc:
        raise UsageError(f"template {source.url}: {_describe(exc)}") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return render


def run_tasks(
    source: TemplateSource,
    project: Path,
    answers: dict[str, Any],
    commit: str | None,
    operation: str = "copy",
) -> None:
    """Run the template's ``_tasks`` in PROJECT, as ``copier copy`` (or ``update``: OPERATION)
    does after rendering."""
    copier = _import_copier()
    try:
        with copier.Worker(
            src_path=source.url, dst_path=project, data=answers,
            vcs_ref=commit or source.ref, defaults=True, quiet=True, unsafe=True,
        ) as worker:  # fmt: skip
            token = copier._operation.set(operation)  # what run_copy sets around its tasks
            try:
                worker._ask()
                worker._execute_tasks(worker.template.tasks)
            finally:
                copier._operation.reset(token)
    except Exception as exc:
        raise UsageError(f"template {source.url}: a task failed: {_describe(exc)}") from None


def _remembered(worker: Any) -> dict[str, Any]:
    """The answers Copier writes to its answers file (secrets and hidden questions left out)."""
    template = worker.template
    return {
        str(k): v
        for k, v in worker.answers.combined.items()
        if not str(k).startswith("_")
        and k not in worker.answers.hidden
        and k not in template.secret_questions
        and k in template.questions_data
    }


def _read_tree(
    root: Path, seeded_patterns: list[str]
) -> tuple[list[RenderedFile], list[str], dict[str, str]]:
    """The files, directories and symbolic links (path: target) Copier wrote under ROOT."""
    import pathspec

    from backendkit.external.target_paths import pathspec_style

    seeded = pathspec.PathSpec.from_lines(pathspec_style(), seeded_patterns)
    files: list[RenderedFile] = []
    directories: list[str] = []
    symlinks: dict[str, str] = {}
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in [*dirnames, *filenames]:
            path = Path(directory, name)
            if path.is_symlink():
                symlinks[path.relative_to(root).as_posix()] = os.readlink(path)
            elif name in dirnames:
                directories.append(path.relative_to(root).as_posix())
        for filename in sorted(filenames):
            path = Path(directory, filename)
            if path.is_symlink():
                continue
            relative = path.relative_to(root).as_posix()
            ownership: Ownership = "seeded" if seeded.match_file(relative) else "managed"
            files.append(
                RenderedFile(relative, path.read_bytes(), ownership, os.access(path, os.X_OK))
            )
    return files, sorted(directories), symlinks


def _describe(exc: BaseException) -> str:
    name = type(exc).__name__
    if name == "UnsafeTemplateError":
        return "it runs tasks or loads Jinja extensions; pass --trust to allow that"
    if name == "InteractiveSessionError":
        return "a question has no answer: give it with --data KEY=VALUE or --data-file"
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if name == "ProcessExecutionError":
        stderr = getattr(exc, "stderr", "") or ""
        last = [line.strip() for line in str(stderr).splitlines() if line.strip()]
        return f"git failed: {last[-1] if last else lines[0] if lines else name}"
    return lines[0] if lines else name


def _import_copier() -> Any:
    try:
        # The Worker gives the answers and commit a run used; pinned to Copier 9 in pyproject.
        from copier import _main as copier
    except ImportError:
        raise UsageError("external templates need Copier: pip install 'copier>=9.4,<10'") from None
    return copier
