"""Two versions of a small template, for check and update tests."""

from __future__ import annotations

from pathlib import Path

from backendkit.config import ServiceConfig
from backendkit.engine import Template, load_template
from backendkit.generate import Generation, new_service
from tests.helpers import build_file_tree

_COPIER = """\
_subdirectory: project
_envops: {{trim_blocks: true, lstrip_blocks: true, keep_trailing_newline: true}}
_backendkit:
  name: demo
  version: "{version}"
  seeded: ["NOTES.md"]
  local: [".env"]
"""

_SETTINGS = "".join(f"setting_{i} = {i}\n" for i in range(1, 21))
_README = "".join(f"Line {i} of the readme.\n" for i in range(1, 21))

V1 = {
    "copier.yml": _COPIER.format(version="1.0.0"),
    "project/README.md.jinja": "# {{ project_title }}\n" + _README,
    "project/settings.py.jinja": "DB = '{{ db }}'\n" + _SETTINGS,
    "project/NOTES.md": "Notes for the team.\n",
    "project/legacy.txt": "dropped in v2\n",
    "project/.env.jinja": "SECRET_KEY={{ secret_key }}\n",
    "resource/app/{{ resource.name }}/model.py.jinja": "class {{ resource.class_name }}: ...\n",
}
# v2: the settings change at the top, the readme at the end, legacy.txt goes, VERSION arrives.
V2 = {
    **{k: v for k, v in V1.items() if k != "project/legacy.txt"},
    "copier.yml": _COPIER.format(version="2.0.0"),
    "project/settings.py.jinja": "DB = '{{ db }}'\nTIMEOUT = 30\n" + _SETTINGS,
    "project/README.md.jinja": "# {{ project_title }}\n" + _README + "Upgraded to v2.\n",
    "project/VERSION": "2\n",
}


def make_template(root: Path, files: dict[str, str]) -> Template:
    build_file_tree(root, files)
    return load_template(root)


def generate(tmp_path: Path, template: Template, name: str = "svc") -> Generation:
    config = ServiceConfig.model_validate(
        {"name": name, "resources": [{"name": "order", "fields": "total:int"}]}
    )
    return new_service(config, tmp_path / name, template=template)
