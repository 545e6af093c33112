"""`backendkit new DEST --template SRC@REF` against `copier copy` on the same template and answers.

The template is a git repository with a tag, made here from a directory of files: by default
a synthesised tree the size of full-stack-fastapi-template's backend (64 files, ~320 KB), or
the real one with --files DIR (e.g. that repository's backend/ at tag 0.10.0). A few files
become Jinja templates; every other file is copied as is, as in that template.

Run: .venv/bin/python benchmarks/external_template.py [--files DIR] [--runs 7]
Target: backendkit ≤ 0.25 x Copier's wall time.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import interleaved_medians, print_table

TARGET_RATIO = 0.25
COPIER_YML = """\
project_name:
  type: str
  default: FastAPI Project
stack_name:
  type: str
  default: fastapi-project
secret_key:
  type: str
  default: changethis
"""


def _synthesise(root: Path) -> None:
    body = "".join(
        f"def handler_{i}(value: int) -> int:\n    return value + {i}\n\n" for i in range(90)
    )
    for number in range(64):
        path = root / f"app/module_{number // 8}/file_{number}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)


def build_template(repo: Path, files: Path | None) -> None:
    template = repo / "template"
    if files is None:
        template.mkdir(parents=True)
        _synthesise(template)
    else:
        shutil.copytree(files, template, ignore=shutil.ignore_patterns(".git", "__pycache__"))
    (repo / "copier.yml").write_text(COPIER_YML + "_subdirectory: template\n")
    (template / "README.md.jinja").write_text("# {{ project_name }}\n\nStack {{ stack_name }}.\n")
    (template / ".env.jinja").write_text("SECRET_KEY={{ secret_key }}\n")
    (template / "{{ _copier_conf.answers_file }}.jinja").write_text(
        "{{ _copier_answers|to_nice_yaml }}"
    )
    git = ["git", "-c", "user.email=b@example.com", "-c", "user.name=b"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "t"], ["tag", "1.0.0"]):
        subprocess.run([*git, *args], cwd=repo, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=Path, help="Directory whose files make the template.")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        repo = cwd / "service-template"
        build_template(repo, args.files)
        count = sum(1 for p in (repo / "template").rglob("*") if p.is_file())
        data = ["--data", "project_name=Shop", "--data", "stack_name=shop"]

        def clean_copier() -> None:
            shutil.rmtree(cwd / "by-copier", ignore_errors=True)

        def clean_backendkit() -> None:
            shutil.rmtree(cwd / "by-backendkit", ignore_errors=True)

        def tree(root: Path) -> dict[str, bytes]:
            return {
                p.relative_to(root).as_posix(): p.read_bytes()
                for p in root.rglob("*")
                if p.is_file() and ".backendkit" not in p.relative_to(root).parts
            }

        medians = interleaved_medians(
            {
                "python -c pass": ([sys.executable, "-c", "pass"], None),
                "copier copy": (
                    [
                        str(bin_dir / "copier"),
                        "copy",
                        "-q",
                        "--defaults",
                        "--vcs-ref",
                        "1.0.0",
                        *data,
                        str(repo),
                        "by-copier",
                    ],
                    clean_copier,
                ),
                "backendkit new --template": (
                    [
                        str(bin_dir / "backendkit"),
                        "new",
                        "by-backendkit",
                        "--template",
                        f"{repo}@1.0.0",
                        *data,
                        "--no-git",
                    ],
                    clean_backendkit,
                ),
            },
            cwd,
            args.runs,
        )
        ours, theirs = tree(cwd / "by-backendkit"), tree(cwd / "by-copier")
        differing = sorted(p for p in ours.keys() | theirs.keys() if ours.get(p) != theirs.get(p))
    print(f"same files, byte for byte: {'NO: ' + ', '.join(differing) if differing else 'yes'}")
    print(f"{count} template files, {args.runs} interleaved runs each")
    print_table(medians, "python -c pass")
    ratio = medians["backendkit new --template"].wall / medians["copier copy"].wall
    verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
    print(f"backendkit / copier (wall): {ratio:.2f}   target ≤ {TARGET_RATIO}: {verdict}")


if __name__ == "__main__":
    main()
