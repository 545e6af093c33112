"""A template's ``_migrations``, run by ``update`` as ``copier update`` runs them.

Copier selects them (those whose ``version`` is above the project's version and at most the
new one, and the unversioned ones), renders their commands and ``when`` and runs them in the
project with ``$STAGE``, ``$VERSION_FROM``, ``$VERSION_TO``, ``$VERSION_PEP440_FROM``,
``$VERSION_PEP440_TO``, ``$VERSION_CURRENT``, ``$VERSION_PEP440_CURRENT`` and
``$COPIER_OPERATION`` (``update``) set: "before" ones before the merge, "after" ones after it.
As in Copier, a "before" command's Jinja context holds no answers; an "after" one's does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from backendkit.errors import UsageError
from backendkit.external.render import _describe, _import_copier

Stage = Literal["before", "after"]


@dataclass
class Migrations:
    """The migrations from one template version to another, ready to run in a project."""

    worker: Any
    old_template: Any
    answers: dict[str, Any]

    def tasks(self, stage: Stage) -> list[Any]:
        return list(self.worker.template.migration_tasks(stage, self.old_template))

    @property
    def pending(self) -> bool:
        return bool(self.tasks("before") or self.tasks("after"))

    def run(self, stage: Stage) -> None:
        """Run STAGE's migrations in the project (a failing command is one UsageError)."""
        copier = _import_copier()
        from copier._types import Phase

        tasks = self.tasks(stage)
        if not tasks:
            return
        token = copier._operation.set("update")
        try:
            if stage == "after":
                self.worker._ask()  # Copier's context holds the answers only after the render
            with Phase.use(Phase.MIGRATE):
                self.worker._execute_tasks(tasks)
        except Exception as exc:
            url = self.worker.template.url
            raise UsageError(
                f"template {url}: a {stage} migration failed: {_describe(exc)}"
            ) from None
        finally:
            copier._operation.reset(token)


@contextmanager
def open_migrations(
    url: str, project: Path, answers: dict[str, Any], old_commit: str, new_ref: str
) -> Iterator[Migrations]:
    """The template's migrations between OLD_COMMIT and NEW_REF, to run in PROJECT."""
    copier = _import_copier()
    from copier._template import Template

    with ExitStack() as stack:
        try:
            old = Template(url=url, ref=old_commit)
            stack.callback(old._cleanup)
            worker = stack.enter_context(
                copier.Worker(
                    src_path=url,
                    dst_path=project,
                    data=answers,
                    vcs_ref=new_ref,
                    defaults=True,
                    quiet=True,
                    unsafe=True,
                    overwrite=True,
                )
            )
            migrations = Migrations(worker, old, answers)
            migrations.tasks("before")  # the templates are read (cloned) here, errors too
        except Exception as exc:
            raise UsageError(f"template {url}: {_describe(exc)}") from None
        yield migrations
