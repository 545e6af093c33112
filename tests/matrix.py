"""The option matrix: projects across db x auth x cache x deploy x ci x a second resource, each
checked as its own CI would (ruff, mypy, its tests on every database it targets).

    scripts/matrix                  pairwise: every pair of option values meets in some project
    scripts/matrix --full           the 48 combinations of db x auth x cache x deploy x ci
    scripts/matrix --every-variant  all 120 valid combinations, every second resource with each
    --list prints the plan only; --jobs N checks N projects at once (default 2); --keep DIR
    keeps the generated projects there.

deploy and ci change no Python file, so projects whose Python files are identical are checked
once (their deploy and CI files are validated by tests/deploy for every combination).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import subprocess
import sys
import tempfile
import time
import typing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from tests.conftest import POSTGRES_URL, REDIS_URL
from tests.e2e.projects import run_tool
from tests.e2e.venv import Venv, ensure_venv, requirements_of

OPTIONS: dict[str, tuple[str, ...]] = {
    "db": ("sqlite", "postgres"),
    "auth": ("jwt", "none"),
    "cache": ("redis", "none"),
    "deploy": ("docker,k8s", "docker", "none"),
    "ci": ("github", "none"),
}
# The second resource, added to the first (a widget) after `new`.
SECOND_RESOURCE: dict[str, tuple[str, ...]] = {
    "owned": ("note", "title:str", "--owned"),
    "soft-deleted": ("note", "title:str:unique", "--soft-delete"),
    "ref": ("note", "title:str", "widget:ref(widget)"),
}
NEW = ("new", "widget", "--crud", "--fields", "name:str count:int:optional")


@dataclass(frozen=True)
class Combination:
    """One project of the matrix."""

    db: str
    auth: str
    cache: str
    deploy: str
    ci: str
    variant: str

    @property
    def valid(self) -> bool:
        return self.variant != "owned" or self.auth == "jwt"  # owning needs accounts

    @property
    def databases(self) -> tuple[str, ...]:
        """What its CI tests on: SQLite projects on SQLite, then PostgreSQL (deploy runs it)."""
        return ("sqlite", "postgresql") if self.db == "sqlite" else ("postgresql",)

    @property
    def primary_database(self) -> str:
        return "sqlite" if self.db == "sqlite" else "postgresql"

    @property
    def python_key(self) -> tuple[str, str, str, str]:
        """The answers that shape its Python files (deploy and ci only add other files)."""
        return (self.db, self.auth, self.cache, self.variant)

    @property
    def slug(self) -> str:
        return "-".join(value.replace(",", "+") for value in astuple(self))

    def __str__(self) -> str:
        return " ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))

    def pairs(self) -> set[tuple[tuple[str, str], tuple[str, str]]]:
        named = [(f.name, getattr(self, f.name)) for f in fields(self)]
        return set(itertools.combinations(named, 2))


def every_combination() -> list[Combination]:
    """Every valid combination of the options and the second-resource variants."""
    every = (
        Combination(*values) for values in itertools.product(*OPTIONS.values(), SECOND_RESOURCE)
    )
    return [c for c in every if c.valid]


def _all_pairs(candidates: list[Combination]) -> list[Combination]:
    """Few CANDIDATES that still hold every pair of values they hold (greedy all-pairs)."""
    uncovered = set().union(*(c.pairs() for c in candidates))
    chosen: list[Combination] = []
    while uncovered:
        best = max(candidates, key=lambda c: len(c.pairs() & uncovered))
        chosen.append(best)
        uncovered -= best.pairs()
    return chosen


def pairwise() -> list[Combination]:
    """Every valid pair of values in some project, with as few distinct Python trees as can be.

    First the pairs of the answers that shape the Python code (db, auth, cache, the second
    resource); then deploy and ci, which only add files, are spread over those same trees, so
    the extra projects are generated and checked for free (their Python files are identical).
    """
    every = every_combination()
    shaping = _all_pairs(
        [c for c in every if (c.deploy, c.ci) == (OPTIONS["deploy"][0], OPTIONS["ci"][0])]
    )
    keys = {c.python_key for c in shaping}
    return _all_pairs([c for c in every if c.python_key in keys])


def full() -> list[Combination]:
    """The 48 option combinations, each with the second-resource variant that brings the most
    (variant, option value) pairs not seen yet, so every variant meets every option value."""
    unseen = {(name, getattr(c, name), c.variant) for c in every_combination() for name in OPTIONS}
    used: dict[str, int] = dict.fromkeys(SECOND_RESOURCE, 0)
    chosen = []

    def gain(c: Combination) -> tuple[int, int]:
        fresh = sum((name, getattr(c, name), c.variant) in unseen for name in OPTIONS)
        return fresh, -used[c.variant]

    for values in itertools.product(*OPTIONS.values()):
        candidates = [Combination(*values, v) for v in SECOND_RESOURCE]
        best = max((c for c in candidates if c.valid), key=gain)
        unseen.difference_update((name, getattr(best, name), best.variant) for name in OPTIONS)
        used[best.variant] += 1
        chosen.append(best)
    return chosen


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> typing.NoReturn:  # one line, exit 2, no usage dump
        self.exit(2, f"{self.prog}: {message}\n")


@dataclass(frozen=True)
class Outcome:
    """What checking one combination found: None when everything passed."""

    combination: Combination
    failure: str | None
    seconds: float


def backendkit(*args: str, cwd: Path | None = None) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "backendkit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"backendkit {' '.join(args)}: {result.stdout}{result.stderr}")


def generate(combination: Combination, parent: Path) -> Path:
    """The project of COMBINATION, in PARENT/<its slug>."""
    root = parent / combination.slug
    options = {name: getattr(combination, name) for name in OPTIONS}
    flags = [arg for name, value in options.items() for arg in (f"--{name}", value)]
    backendkit(*NEW, *flags, "--output", str(root), "--no-git", "--defaults")
    backendkit("add", "resource", *SECOND_RESOURCE[combination.variant], cwd=root)
    return root


def python_fingerprint(project: Path) -> str:
    """A hash of every file that ruff, mypy and pytest read (deploy and CI files are not)."""
    digest = hashlib.sha256()
    for path in sorted(project.rglob("*")):
        if path.suffix in {".py", ".toml", ".ini"} and path.is_file():
            digest.update(str(path.relative_to(project)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def checks(
    combination: Combination, venv: Venv, every_database: bool = True
) -> Iterator[tuple[str, tuple[str, ...], dict[str, str]]]:
    """(name, python arguments, environment) of each check, in the order CI runs them; the
    tests on each database the project's CI targets, or on the one it runs on."""
    yield "ruff check", ("-m", "ruff", "check", "--no-cache", "."), {}
    yield "ruff format", ("-m", "ruff", "format", "--check", "--no-cache", "."), {}
    yield "mypy", ("-m", "mypy", "--cache-dir", str(venv.mypy_cache)), {}
    pytest_args = ("-m", "pytest", "-q", "-p", "no:cacheprovider", "-x")
    postgres = POSTGRES_URL.replace("postgresql://", "postgresql+asyncpg://", 1)
    databases = combination.databases if every_database else (combination.primary_database,)
    for database in databases:
        env = {"REDIS_URL": REDIS_URL}
        if database == "postgresql":
            env["TEST_DATABASE_URL"] = postgres
        yield f"pytest on {database}", pytest_args, env


def check(
    combination: Combination, project: Path, venv: Venv, every_database: bool = True
) -> Outcome:
    """Run COMBINATION's checks in PROJECT; the first failure ends it."""
    started = time.monotonic()
    for name, args, env in checks(combination, venv, every_database):
        result = run_tool(venv, project, *args, timeout=900, **env)
        if result.returncode != 0:
            output = (result.stdout + result.stderr)[-3000:]
            return Outcome(combination, f"{name} failed:\n{output}", time.monotonic() - started)
    return Outcome(combination, None, time.monotonic() - started)


def run(
    plan: Iterable[Combination],
    parent: Path,
    jobs: int = 2,
    progress: Callable[[Outcome], object] = lambda _: None,
    every_database: bool = True,
) -> list[Outcome]:
    """Generate every combination of PLAN under PARENT and check each distinct project;
    PROGRESS hears of each check as it ends. EVERY_DATABASE false tests each project on the
    database it runs on only."""
    first_of: dict[str, tuple[Combination, Path]] = {}
    same_as: dict[Combination, str] = {}
    for combination in plan:
        project = generate(combination, parent)
        fingerprint = python_fingerprint(project)
        first_of.setdefault(fingerprint, (combination, project))
        same_as[combination] = fingerprint
    venvs = {fp: ensure_venv(requirements_of(project)) for fp, (_, project) in first_of.items()}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        checked = dict(
            zip(
                first_of,
                pool.map(
                    lambda fp: _told(progress, check(*first_of[fp], venvs[fp], every_database)),
                    first_of,
                ),
                strict=True,
            )
        )
    outcomes = []
    for combination, fingerprint in same_as.items():
        outcome = checked[fingerprint]
        if outcome.combination != combination:  # the same Python files as a checked one
            outcome = Outcome(combination, outcome.failure, 0.0)
        outcomes.append(outcome)
    return outcomes


def _told(progress: Callable[[Outcome], object], outcome: Outcome) -> Outcome:
    progress(outcome)
    return outcome


def report(outcomes: list[Outcome]) -> str:
    lines = []
    for outcome in outcomes:
        status = "FAILED" if outcome.failure else "ok"
        timing = f"{outcome.seconds:5.0f} s" if outcome.seconds else " same Python as above"
        lines.append(f"{status:6} {timing}  {outcome.combination}")
    for outcome in outcomes:
        if outcome.failure and outcome.seconds:
            lines.append(f"\n--- {outcome.combination}\n{outcome.failure}")
    return "\n".join(lines)


def _progress(outcome: Outcome) -> None:
    status = "FAILED" if outcome.failure else "ok"
    print(
        f"{status} in {outcome.seconds:.0f} s: {outcome.combination}", file=sys.stderr, flush=True
    )


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(
        prog="scripts/matrix", description=__doc__.splitlines()[0] if __doc__ else None
    )
    plans = parser.add_mutually_exclusive_group()
    plans.add_argument("--full", action="store_true", help="the 48 option combinations")
    plans.add_argument(
        "--every-variant", action="store_true", help="every option and second-resource variant"
    )
    parser.add_argument("--list", action="store_true", help="print the plan and stop")
    parser.add_argument("--jobs", type=int, default=2, help="projects checked at once")
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    plan = every_combination() if args.every_variant else full() if args.full else pairwise()
    if args.list:
        print("\n".join(map(str, plan)))
        return 0
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        outcomes = run(plan, args.keep, args.jobs, _progress)
    else:
        with tempfile.TemporaryDirectory(prefix="backendkit-matrix-") as scratch:
            outcomes = run(plan, Path(scratch), args.jobs, _progress)
    print(report(outcomes))
    failed = sum(1 for o in outcomes if o.failure)
    print(f"\n{len(outcomes) - failed} of {len(outcomes)} combinations passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
