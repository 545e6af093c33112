"""Fuzz a running service from its OpenAPI document with schemathesis; print a JSON summary.

Run with a generated project's interpreter (schemathesis is one of its dev dependencies):
``python live_fuzz.py BASE_URL MAX_EXAMPLES [ACCESS_TOKEN]``. Exit 1 when any operation
answered with a server error or not as documented.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

CHECKS = [not_a_server_error, response_schema_conformance]


def fuzz_operation(operation: Any, base: str, headers: dict[str, str], examples: int) -> int:
    """Run up to EXAMPLES generated cases against OPERATION; the number of calls made."""
    calls = 0

    @given(case=operation.as_strategy())
    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        nonlocal calls
        # Derandomized examples repeat keys: most POSTs would be 422s for a reused key.
        case.headers.pop("Idempotency-Key", None)
        calls += 1
        case.call_and_validate(base_url=base, headers=headers, checks=CHECKS)

    run()
    return calls


def main() -> int:
    base, examples = sys.argv[1], int(sys.argv[2])
    token = sys.argv[3] if len(sys.argv) > 3 else ""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    summary: dict[str, Any] = {"operations": 0, "calls": 0, "failures": []}
    for result in schema.get_all_operations():
        operation = result.ok()
        summary["operations"] += 1
        try:
            summary["calls"] += fuzz_operation(operation, base, headers, examples)
        except Exception as error:  # one operation's failure must not hide the others'
            label = f"{operation.method.upper()} {operation.path}"
            summary["failures"].append(f"{label}: {error}"[:4000])
    print(json.dumps(summary))
    return 1 if summary["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
