from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import ServiceConfig, new_service
from backendkit.baseline import BASELINE_PATH, load_baseline
from backendkit.errors import TargetExistsError
from backendkit.state import STATE_PATH, ProjectState, sha256
from tests.helpers import build_file_tree, tree


def _config() -> ServiceConfig:
    return ServiceConfig.model_validate(
        {"name": "shop", "resources": [{"name": "product", "fields": "name:str price:decimal"}]}
    )


def test_state_file_records_every_generated_file(tmp_path: Path) -> None:
    target = tmp_path / "shop"
    new_service(_config(), target)
    state = ProjectState.load(target)
    assert state.template.name == "fastapi"
    assert state.answers["name"] == "shop"
    assert state.resources[0].fields == ["name:str", "price:decimal"]
    on_disk = tree(target) - {STATE_PATH, BASELINE_PATH, ".env"}
    assert set(state.files) == on_disk
    for path, record in state.files.items():
        assert record.sha256 == sha256((target / path).read_bytes())


def test_state_holds_no_secret(tmp_path: Path) -> None:
    target = tmp_path / "shop"
    new_service(_config(), target)
    secret = (target / ".env").read_text().split("SECRET_KEY=", 1)[1].split()[0]
    assert len(secret) >= 32
    assert secret not in (target / STATE_PATH).read_text()
    assert ".env" not in ProjectState.load(target).files


def test_secret_differs_per_project(tmp_path: Path) -> None:
    new_service(_config(), tmp_path / "a")
    new_service(_config(), tmp_path / "b")
    assert (tmp_path / "a/.env").read_text() != (tmp_path / "b/.env").read_text()


def test_renders_identically_apart_from_the_secret(tmp_path: Path) -> None:
    first = new_service(_config(), tmp_path / "a", dry_run=True)
    second = new_service(_config(), tmp_path / "b", dry_run=True)
    assert first.state.files == second.state.files


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    generation = new_service(_config(), tmp_path / "shop", dry_run=True)
    assert generation.files
    assert not (tmp_path / "shop").exists()


def test_non_empty_target_is_refused(tmp_path: Path) -> None:
    build_file_tree(tmp_path / "shop", {"notes.txt": "mine\n"})
    with pytest.raises(TargetExistsError):
        new_service(_config(), tmp_path / "shop")
    assert tree(tmp_path / "shop") == {"notes.txt"}


def test_force_touches_only_template_files(tmp_path: Path) -> None:
    target = tmp_path / "shop"
    build_file_tree(target, {"notes.txt": "mine\n", ".env": "SECRET_KEY=mine\n"})
    generation = new_service(_config(), target, force=True)
    assert (target / "notes.txt").read_text() == "mine\n"
    assert (target / ".env").read_text() == "SECRET_KEY=mine\n"
    assert generation.skipped == [".env"]
    assert (target / STATE_PATH).is_file()


def test_baseline_holds_exactly_what_was_written(tmp_path: Path) -> None:
    target = tmp_path / "shop"
    new_service(_config(), target)
    baseline = load_baseline(target, ProjectState.load(target))
    assert set(baseline) == set(ProjectState.load(target).files)
    for path, content in baseline.items():
        assert (target / path).read_bytes() == content


def test_project_files_do_not_depend_on_the_resources() -> None:
    """What lets `add resource` add files and edit none: only resource files vary."""
    from backendkit.context import service_context
    from backendkit.generate import PROJECT_SUBDIRECTORY, sequential_migrations
    from backendkit.templates import get_template

    template = get_template()
    bare = ServiceConfig.model_validate({"name": "shop"})
    full = ServiceConfig.model_validate(
        {"name": "shop", "resources": [{"name": "product"}, {"name": "status_update"}]}
    )
    renders = []
    for config in (bare, full):
        migrations = sequential_migrations([r.names for r in config.resources])
        context = service_context(config, migrations, template_version="x", secret_key="s")
        renders.append({f.path: f.content for f in template.render(PROJECT_SUBDIRECTORY, context)})
    assert renders[0] == renders[1]
