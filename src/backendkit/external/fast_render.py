"""Copier's render, done by backendkit for the common case: exact, and without Copier's costs.

Copier spends most of a render importing itself, starting a git process per file and
compiling every path as a template. For a template that uses only the features below, this
module produces the same files and answers as Copier 9 without any of that; anything else
raises ``Unsupported`` and Copier renders (render.py). Byte-for-byte equality with
``copier copy`` is tested on fixture templates.

Supported: a local directory; a local git repository without uncommitted changes, or a git
URL ending in .git, at a release tag (the latest one by default); ``copier.yml`` with
questions of type str, int, float or bool (``default``, ``choices`` as a list,
``validator``, ``when``, ``secret``, ``help``); literal ``_subdirectory``, ``_exclude``,
``_skip_if_exists``, ``_answers_file``, ``_templates_suffix``, ``_envops``; answers from
data or defaults (no prompting, no tasks).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import ChainMap
from collections.abc import Callable, Mapping
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

import yaml

from backendkit.engine import RenderedFile
from backendkit.engine.template import Ownership
from backendkit.external.target_paths import pathspec_style, target_path
from backendkit.external.template_files import (
    TemplateFiles,
    Unsupported,
    checkout,
    directory_files,
    followed_links,
    loader_source,
)

_QUESTION_KEYS = {"type", "help", "default", "choices", "validator", "when", "secret",
                  "placeholder", "qmark"}  # fmt: skip
_SETTINGS = {"subdirectory", "exclude", "skip_if_exists", "answers_file", "templates_suffix",
             "envops", "min_copier_version", "migrations", "preserve_symlinks"}  # fmt: skip
_LITERAL_SETTINGS = ("subdirectory", "answers_file", "templates_suffix")
_TYPES = {"str", "int", "float", "bool"}
_DEFAULT_EXCLUDE = ("copier.yaml", "copier.yml", "~*", "*.py[co]", "__pycache__", ".git",
                    ".DS_Store", ".svn")  # fmt: skip
_MISSING = object()
# URLs Copier hands to git unchanged (it rewrites gh:, gl: and others first).
_CLONED_AS_IS = re.compile(r"^(?:https?|ssh|git|file)://\S+\.git$|^git@[\w.-]+:\S+\.git$")
_ENVOPS = {"keep_trailing_newline", "trim_blocks", "lstrip_blocks", "autoescape"}


def fast_render(
    url: str, data: Mapping[str, Any], ref: str | None, folder_name: str
) -> dict[str, Any]:
    """The render as ExternalRender's fields, or Unsupported."""
    if _user_settings_exist():
        raise Unsupported("a Copier settings file may set defaults")
    if os.environ.get("BACKENDKIT_COPIER_ENGINE") == "copier":
        raise Unsupported("Copier asked for")
    if _CLONED_AS_IS.match(url):
        with tempfile.TemporaryDirectory(prefix="backendkit-template-") as clone:
            cloned = subprocess.run(
                ["git", "clone", "--bare", "--quiet", "--", url, clone],
                capture_output=True, check=False,
            )  # fmt: skip
            if cloned.returncode != 0:
                raise Unsupported("git clone failed")
            tagged = checkout(Path(clone), ref, bare=True)
        return _render(tagged[3], url, dict(data), *tagged[:3], folder_name)
    root = Path(url)
    if not root.is_dir():
        raise Unsupported(url)
    if (root / ".git").exists():
        tagged = checkout(root, ref)
        return _render(tagged[3], url, dict(data), *tagged[:3], folder_name)
    if ref is not None:
        raise Unsupported("a ref of a directory outside git")
    return _render(directory_files(root), url, dict(data), None, None, "0", folder_name)


def _user_settings_exist() -> bool:
    if os.environ.get("COPIER_SETTINGS_PATH"):
        return True
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config, "copier", "settings.yml").exists()


def _load_config(files: TemplateFiles) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    found = [name for name in ("copier.yml", "copier.yaml") if name in files]
    if len(found) != 1:
        raise Unsupported("no single copier.yml")
    try:
        data = yaml.safe_load(files[found[0]][0].decode("utf-8")) or {}
    except yaml.YAMLError as exc:  # !include and other tags among them
        raise Unsupported(str(exc)) from None
    settings: dict[str, Any] = {}
    questions: dict[str, dict[str, Any]] = {}
    for key, value in data.items():
        if key.startswith("_"):
            name = key[1:]
            if name not in _SETTINGS and not name.startswith("message_"):
                raise Unsupported(f"setting {key}")
            settings[name] = value
        else:
            if not isinstance(value, dict) or not set(value) <= _QUESTION_KEYS:
                raise Unsupported(f"question {key}")
            if value.get("type") not in _TYPES:
                raise Unsupported(f"question {key} type")
            choices = value.get("choices")
            if choices is not None and (
                not isinstance(choices, list) or any(isinstance(c, dict | list) for c in choices)
            ):
                raise Unsupported(f"question {key} choices")
            questions[key] = value
    for name in _LITERAL_SETTINGS:
        if _templated(settings.get(name)):
            raise Unsupported(f"templated _{name}")
    for name in ("exclude", "skip_if_exists"):
        if any(_templated(p) for p in settings.get(name, [])):
            raise Unsupported(f"templated _{name}")
    envops = settings.get("envops", {})
    # Other options (delimiters, line statements) change what counts as a template.
    if not isinstance(envops, dict) or not set(envops) <= _ENVOPS:
        raise Unsupported("_envops")
    return settings, questions


def _templated(value: Any) -> bool:
    return isinstance(value, str) and ("{{" in value or "{%" in value or "{#" in value)


def _cast_bool(value: Any) -> bool:
    try:
        return bool(float(value))
    except (TypeError, ValueError):
        pass
    if isinstance(value, str):
        lower = value.strip().lower()
        if not lower:
            return False
        if lower in {"y", "yes", "t", "true", "on"}:
            return True
        if lower in {"n", "no", "f", "false", "off", "~", "null", "none"}:
            return False
    return bool(value)


def _cast_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float | int):
        return str(value)
    raise Unsupported("a str answer of another type")


_CAST: dict[str, Callable[[Any], Any]] = {
    "bool": _cast_bool, "float": float, "int": int, "str": _cast_str,
}  # fmt: skip


def _render(
    template_files: TemplateFiles,
    url: str,
    init: dict[str, Any],
    commit: str | None,
    describe: str | None,
    version: str,
    folder_name: str,
) -> dict[str, Any]:
    import pathspec
    from jinja2 import FunctionLoader
    from jinja2.sandbox import SandboxedEnvironment

    settings, questions = _load_config(template_files)
    preserve_symlinks = settings.get("preserve_symlinks", False)
    if not isinstance(preserve_symlinks, bool):
        raise Unsupported("_preserve_symlinks")
    if not preserve_symlinks:
        template_files = followed_links(template_files)
    suffix = settings.get("templates_suffix")
    suffix = ".jinja" if suffix is None else str(suffix)
    if not suffix:
        raise Unsupported("empty _templates_suffix")
    answers_relpath = Path(str(settings.get("answers_file", ".copier-answers.yml")))
    subdirectory = PurePosixPath(str(settings.get("subdirectory", "") or ""))
    if subdirectory.is_absolute() or ".." in subdirectory.parts:
        raise Unsupported("_subdirectory outside the template")
    prefix = "" if str(subdirectory) == "." else f"{subdirectory}/"
    env = SandboxedEnvironment(
        loader=FunctionLoader(lambda name: loader_source(template_files, name)),
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
        **{"keep_trailing_newline": True, **settings.get("envops", {})},
    )
    env.globals["pathjoin"] = lambda *parts, mode="posix": str(PurePath(*parts))

    user: dict[str, Any] = {}
    hidden: set[str] = set()
    metadata: dict[str, Any] = {"_src_path": url}
    if describe:
        metadata["_commit"] = describe
    secret_names = {k for k, q in questions.items() if q.get("secret")}

    def remembered(combined: Mapping[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key in ("_commit", "_src_path"):
            if key in metadata:
                result[key] = metadata[key]
        result.update(
            (k, v)
            for k, v in combined.items()
            if not k.startswith("_") and k not in hidden and k not in secret_names
            and k in questions
        )  # fmt: skip
        return result

    conf = {
        "src_path": PurePath(url), "dst_path": PurePath("."), "answers_file": answers_relpath,
        "vcs_ref": describe, "vcs_ref_hash": commit, "data": init, "exclude": (),
        "skip_if_exists": (), "defaults": True, "overwrite": True, "pretend": False,
        "quiet": True, "unsafe": False, "skip_answered": False, "skip_tasks": True,
        "sep": os.sep, "os": "linux" if sys.platform.startswith("linux") else sys.platform,
    }  # fmt: skip

    def context(phase: str) -> dict[str, Any]:
        combined = dict(ChainMap(user, init, metadata, {}, {}, {"_external_data": {}}))
        return {
            **combined,
            "_copier_answers": remembered(combined),
            "_copier_conf": conf,
            "_folder_name": folder_name,
            "_copier_python": sys.executable,
            "_copier_phase": phase,
        }

    def render_value(value: Any, ctx: Mapping[str, Any]) -> Any:
        if isinstance(value, str):
            return env.from_string(value).render(ctx)
        if isinstance(value, list):
            return [render_value(item, ctx) for item in value]
        return value

    for name, question in questions.items():
        ctx = context("prompt")
        cast = _CAST[question["type"]]

        def parse(answer: Any, question: dict[str, Any] = question, ctx: dict[str, Any] = ctx,
                  cast: Callable[[Any], Any] = cast) -> Any:  # fmt: skip
            if answer is None:
                raise Unsupported("a None answer")
            value = cast(answer)
            choices = question.get("choices")
            if choices is not None:
                valid = [cast(render_value(c, ctx)) for c in choices]
                if value not in valid:
                    raise Unsupported("an answer outside the choices")
            return value

        def validate(answer: Any, name: str = name, question: dict[str, Any] = question,
                     ctx: dict[str, Any] = ctx) -> None:  # fmt: skip
            message = render_value(question.get("validator", ""), {**ctx, name: answer})
            if str(message).strip():
                raise Unsupported("an invalid answer")

        when = _cast_bool(render_value(question.get("when", True), ctx))
        secret = bool(question.get("secret"))

        def default(name: str = name, question: dict[str, Any] = question,
                    ctx: dict[str, Any] = ctx, check: bool = when and not secret,
                    ) -> Any:  # fmt: skip
            if name in init:
                result = init[name]
            elif "default" not in question:
                return _MISSING
            else:
                result = render_value(question["default"], ctx)
            result = parse(result)
            if check:
                validate(result)
            return result

        if not when:
            hidden.add(name)
            if "default" not in question and name not in init:
                continue
        if name in init:
            answer = parse(init[name])
            validate(answer)
            user[name] = answer
            continue
        answer = default()
        if answer is _MISSING:
            raise Unsupported("a question without an answer")
        user[name] = answer

    final = context("render")
    excluded = pathspec.PathSpec.from_lines(
        pathspec_style(),
        (unicodedata.normalize("NFD", p) for p in settings.get(
            "exclude", _DEFAULT_EXCLUDE if not prefix else [])),
    )  # fmt: skip
    seeded = pathspec.PathSpec.from_lines(
        pathspec_style(),
        (unicodedata.normalize("NFD", p) for p in settings.get("skip_if_exists", [])),
    )
    files: list[RenderedFile] = []
    for name in sorted(template_files):
        if not name.startswith(prefix):
            continue
        content, executable = template_files[name]
        relative = PurePosixPath(name[len(prefix) :])
        target = target_path(relative, prefix, template_files, suffix, answers_relpath, env, final)
        if target is None or excluded.match_file(target.as_posix()):
            continue
        if relative.name.endswith(suffix):
            content = env.get_template(name).render(final).encode()
        path = target.as_posix()
        ownership: Ownership = "seeded" if seeded.match_file(path) else "managed"
        files.append(RenderedFile(path, content, ownership, executable))
    directories: list[str] = []
    for name in sorted(template_files.dirs):
        if not name.startswith(prefix):
            continue
        relative = PurePosixPath(name[len(prefix) :])
        if any(part.endswith(suffix) for part in relative.parts):
            raise Unsupported("a directory named like a template")
        target = target_path(relative, prefix, template_files, suffix, answers_relpath, env, final)
        if target is not None and not excluded.match_file(target.as_posix()):
            directories.append(target.as_posix())
    symlinks: dict[str, str] = {}
    for name, link_target in sorted(template_files.links.items()):
        if not name.startswith(prefix):
            continue
        relative = PurePosixPath(name[len(prefix) :])
        target = target_path(relative, prefix, template_files, suffix, answers_relpath, env, final)
        if target is None or excluded.match_file(target.as_posix()):
            continue
        is_template = relative.name.endswith(suffix)
        symlinks[target.as_posix()] = (
            env.from_string(link_target).render(final) if is_template else link_target
        )
    combined = dict(ChainMap(user, init, metadata))
    answers = {k: v for k, v in remembered(combined).items() if not k.startswith("_")}
    return {
        "files": files,
        "directories": sorted(directories),
        "symlinks": symlinks,
        "answers": answers,
        "commit": commit,
        "describe": describe,
        "version": version,
        "has_tasks": bool(settings.get("tasks")),
        "has_migrations": bool(settings.get("migrations")),
        "extra": {k: v for k, v in init.items() if k not in answers and k not in secret_names},
        "secrets": {k: user[k] for k in secret_names if k in user},
    }
