"""Property: whatever the user edits, update loses none of it and touches nothing else."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backendkit.project import Project
from backendkit.update import apply_update
from backendkit.update_plan import plan_update
from tests.helpers import tree
from tests.unit.template_versions import V1, V2, generate, make_template

BACKENDKIT_FILES = {".backendkit/state.yml", ".backendkit/baseline.zip"}
EDITABLE = ["README.md", "settings.py", "NOTES.md", "legacy.txt", "app/order/model.py"]

edit = st.tuples(
    st.sampled_from(EDITABLE),
    st.sampled_from(["insert", "replace", "delete-file"]),
    st.integers(min_value=0, max_value=25),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(edit, max_size=6), new_db=st.sampled_from(["sqlite", "postgres"]))
def test_update_never_loses_an_edit(edits: list[tuple[str, str, int]], new_db: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        v1 = make_template(base / "v1", V1)
        v2 = make_template(base / "v2", V2)
        generation = generate(base, v1)
        root = generation.target
        (root / "mine.txt").write_text("the user's own file\n")
        added: dict[str, list[str]] = {}
        deleted: set[str] = set()
        for number, (path, kind, position) in enumerate(edits):
            if path in deleted:
                continue
            if kind == "delete-file":
                (root / path).unlink()
                deleted.add(path)
                added.pop(path, None)
                continue
            lines = (root / path).read_text().splitlines(keepends=True)
            marker = f"user edit {number}\n"
            index = min(position, len(lines))
            if kind == "replace" and lines:
                lines[min(index, len(lines) - 1)] = marker
            else:
                lines.insert(index, marker)
            (root / path).write_text("".join(lines))
            added.setdefault(path, []).append(marker)

        # The lines the user wrote that are still in their version of each file.
        generated = {f.path: f.content.decode() for f in generation.files if f.path in EDITABLE}
        user_lines = {
            path: set((root / path).read_text().splitlines()) - set(generated[path].splitlines())
            for path in added
        }

        plan = plan_update(Project.find(root), {"db": new_db}, v2)
        rendered = Project.find(root).render(plan.config, v2)
        apply_update(plan)

        for path, lines in user_lines.items():
            text = (root / path).read_text().splitlines()
            for line in lines:
                assert line in text, f"{line!r} lost from {path}"
        for path in deleted:
            assert not (root / path).exists(), f"{path} came back"
        for path, file in rendered.items():
            if path not in added and path not in deleted:
                assert (root / path).read_bytes() == file.content, f"{path} is not the new render"
        assert (root / "mine.txt").read_text() == "the user's own file\n"
        expected_paths = set(rendered) | set(added) | {"mine.txt", ".env"} | BACKENDKIT_FILES
        backups = {p for p in tree(root) if p.startswith(".backendkit/backups/")}
        assert tree(root) - backups <= expected_paths
