"""Fuzz a running service with schemathesis, every check and phase; print a JSON summary.

Run with a generated project's interpreter (schemathesis is one of its dev dependencies):
``python live_fuzz.py BASE_URL MAX_EXAMPLES [ACCESS_TOKEN]``. It runs ``schemathesis run
--checks all`` through the examples, coverage, fuzzing and stateful phases, continuing past
each failure so that none hides another, then sorts what it found: a failure the service
documents (docs/hardening.md, "What the fuzzer may report") is counted, any other one is
listed. Exit 1 when any is listed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

# Rules JSON Schema cannot state, each answered 400 or 422 by design. Only a schema-valid
# request rejected (ST202) may be one of them; they are matched on the service's own answer.
DOCUMENTED: dict[str, re.Pattern[str]] = {
    # A cursor is signed by the service: a well-formed one it did not issue is refused.
    "forged cursor": re.compile(r'"field":"cursor","message":"not a cursor this API issued"'),
    # Offset and keyset paging are two ways to page: a request may not ask for both.
    "page with cursor": re.compile(r'"field":"page","message":"page and cursor do not mix'),
    # A ref must name an existing row; a well-formed id of none is a 422.
    "ref to a missing row": re.compile(r'"code":"UNPROCESSABLE".*"message":"no \w+ with this id"'),
    # Passwords are checked against common ones and trivial patterns (NIST SP 800-63B).
    "weak password": re.compile(r'"field":"(password|newPassword)","message":"Value error, '),
    # The fuzzer repeats header values: a key reused for another body is refused.
    "reused idempotency key": re.compile(r'"code":"IDEMPOTENCY_KEY_REUSED"'),
    # JSON text holding a lone surrogate is valid JSON but not Unicode: no database stores it.
    "unpaired surrogate in json": re.compile(r"must not contain NUL characters or unpaired"),
    # E-mail domains reserved for special use (RFC 6761: .test, .invalid, ...) take no mail.
    "special-use e-mail domain": re.compile(r"special-use or reserved name"),
}
_CASE = re.compile(r"^\d+\. Test Case ID: ", re.MULTILINE)
_CHECK = re.compile(r"^- (ST\d+) (.+)$", re.MULTILINE)


def classify(case: str) -> str | None:
    """The documented kind of one failing CASE, or None when it is not documented."""
    checks = _CHECK.findall(case)
    if not checks or any(code != "ST202" for code, _ in checks):
        return None
    return next((kind for kind, answer in DOCUMENTED.items() if answer.search(case)), None)


def summarize(report: Path) -> dict[str, Any]:
    """What the JUnit REPORT holds: operations, documented counts and undocumented failures."""
    summary: dict[str, Any] = {"operations": 0, "documented": {}, "failures": []}
    for testcase in ET.parse(report).getroot().iter("testcase"):
        summary["operations"] += 1
        for failure in testcase.iter("failure"):
            for case in _CASE.split(failure.text or "")[1:]:
                kind = classify(case)
                if kind is None:
                    summary["failures"].append(f"{testcase.get('name')}: {case.strip()}"[:4000])
                else:
                    summary["documented"][kind] = summary["documented"].get(kind, 0) + 1
    return summary


def main() -> int:
    base, examples = sys.argv[1], sys.argv[2]
    token = sys.argv[3] if len(sys.argv) > 3 else ""
    with tempfile.TemporaryDirectory() as reports:
        command = [
            *(sys.executable, "-m", "schemathesis.cli", "run", f"{base}/openapi.json"),
            *("--checks", "all", "--continue-on-failure", "--no-color"),
            *("--phases", "examples,coverage,fuzzing,stateful"),
            *("--max-examples", examples, "--seed", "1", "--generation-database", "none"),
            *("--request-timeout", "30", "--report", "junit", "--report-dir", reports),
            *(("-H", f"Authorization: Bearer {token}") if token else ()),
        ]
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        found = sorted(Path(reports).glob("*.xml"))
        if not found:
            print(run.stdout[-4000:], run.stderr[-4000:], file=sys.stderr)
            print(json.dumps({"operations": 0, "documented": {}, "failures": ["no report"]}))
            return 1
        summary = summarize(found[0])
    print(json.dumps(summary))
    return 1 if summary["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
