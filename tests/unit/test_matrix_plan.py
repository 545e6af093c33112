"""The option matrix's plans (tests/matrix.py): which projects scripts/matrix generates."""

from __future__ import annotations

import itertools

from tests.matrix import OPTIONS, SECOND_RESOURCE, Combination, every_combination, full, pairwise


def covered(plan: list[Combination]) -> set[tuple[tuple[str, str], tuple[str, str]]]:
    return set().union(*(c.pairs() for c in plan))


def test_pairwise_plan_meets_every_valid_pair_of_values_in_some_project() -> None:
    assert covered(pairwise()) == covered(every_combination())


def test_pairwise_plan_is_a_small_fraction_of_every_combination() -> None:
    assert len(pairwise()) <= 12
    assert len(every_combination()) == 120


def test_pairwise_plan_spreads_deploy_and_ci_over_few_python_trees() -> None:
    """deploy and ci add no Python file: their projects reuse the checks of a tree."""
    assert len({c.python_key for c in pairwise()}) <= 8


def test_pairwise_plan_is_the_same_every_time() -> None:
    assert pairwise() == pairwise()


def test_full_plan_is_every_combination_of_the_five_options_once() -> None:
    plan = full()
    options = [tuple(getattr(c, name) for name in OPTIONS) for c in plan]
    assert len(plan) == 48
    assert sorted(options) == sorted(itertools.product(*OPTIONS.values()))


def test_full_plan_meets_every_variant_with_every_value_of_every_option() -> None:
    plan = full()
    for name, values in OPTIONS.items():
        for value, variant in itertools.product(values, SECOND_RESOURCE):
            if Combination(**{**vars(plan[0]), name: value, "variant": variant}).valid:
                assert any(getattr(c, name) == value and c.variant == variant for c in plan), (
                    name,
                    value,
                    variant,
                )


def test_an_owned_second_resource_comes_only_with_accounts() -> None:
    assert all(c.auth == "jwt" for c in every_combination() if c.variant == "owned")
    assert all(c.valid for c in [*pairwise(), *full()])


def test_sqlite_projects_are_tested_on_sqlite_then_postgresql_as_their_ci_does() -> None:
    sqlite, postgres = (
        Combination(db, "jwt", "none", "none", "none", "ref") for db in OPTIONS["db"]
    )
    assert sqlite.databases == ("sqlite", "postgresql")
    assert postgres.databases == ("postgresql",)
