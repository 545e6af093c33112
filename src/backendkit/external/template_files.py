"""A template's files as Copier would read them: a directory, or a git repository's commit at a
release tag (the latest one by default), without a work tree or a git process per file."""

from __future__ import annotations

import io
import os
import posixpath
import subprocess
import tarfile
from pathlib import Path


class Unsupported(Exception):
    """The template or the request needs Copier itself."""


class TemplateFiles(dict[str, tuple[bytes, bool]]):
    """Template files by path relative to the template root: content, and whether executable;
    with the template's directories and its symbolic links (path: the link's target)."""

    def __init__(self) -> None:
        super().__init__()
        self.dirs: set[str] = set()
        self.links: dict[str, str] = {}


def directory_files(root: Path) -> TemplateFiles:
    """Every file, directory and symbolic link under ROOT (links not followed)."""
    files = TemplateFiles()
    for directory, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            path = Path(directory, name)
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                files.links[relative] = os.readlink(path)
            elif name in dirnames:
                files.dirs.add(relative)
            else:
                files[relative] = (path.read_bytes(), os.access(path, os.X_OK))
    return files


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise Unsupported(f"git {args[0]} failed")
    return result.stdout


def checkout(
    root: Path, ref: str | None, *, bare: bool = False
) -> tuple[str, str, str, TemplateFiles]:
    """REF (default: the latest release tag) of the repository at ROOT: its commit, what
    `git describe` calls it, its version, and its files."""
    from packaging.version import InvalidVersion, Version

    if not bare and _git(root, "status", "--porcelain").strip():
        raise Unsupported("uncommitted changes in the template")
    if ref is None:
        versions = []
        for tag in _git(root, "tag", "--list").split():
            try:
                parsed = Version(tag)
            except InvalidVersion:
                continue
            if not parsed.is_prerelease:
                versions.append((parsed, tag))
        if not versions:
            raise Unsupported("no release tag")
        ref = max(versions)[1]
    commit = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
    describe = _git(root, "describe", "--tags", "--always", commit).strip()
    try:
        version = str(Version(describe))  # exactly at a version tag
    except InvalidVersion:
        raise Unsupported("not at a version tag") from None
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=root, capture_output=True, check=False
    )
    if archive.returncode != 0:
        raise Unsupported("git archive failed")
    files = TemplateFiles()
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        for member in tar:
            name = member.name.rstrip("/")
            if member.islnk():
                raise Unsupported("a hard link")
            if member.issym():
                files.links[name] = member.linkname
            elif member.isdir():
                files.dirs.add(name)
            elif member.isfile():
                extracted = tar.extractfile(member)
                assert extracted is not None
                files[member.name] = (extracted.read(), bool(member.mode & 0o111))
    return commit, describe, version, files


def followed_links(files: TemplateFiles) -> TemplateFiles:
    """FILES with each symbolic link to a file of the template replaced by that file, as Copier
    copies them when it does not preserve links (a link to a directory: Unsupported)."""
    if not files.links:
        return files
    followed = TemplateFiles()
    followed.update(files)
    followed.dirs = set(files.dirs)
    for name, link_target in files.links.items():
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), link_target))
        if link_target.startswith("/") or resolved.startswith("../") or resolved not in files:
            raise Unsupported("a symbolic link to a directory or outside the template")
        followed[name] = files[resolved]
    return followed


def loader_source(files: TemplateFiles, name: str) -> str | None:
    """NAME's text as Jinja's FileSystemLoader reads it (None: no such file)."""
    entry = files.get(name)
    if entry is None:
        return None
    # Text mode, universal newlines.
    return entry[0].decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
