"""What an analysis found: findings with evidence and fix, the top statements, notes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["warning", "error"]
SEVERITIES: tuple[Severity, ...] = ("warning", "error")


@dataclass(frozen=True)
class Finding:
    """One problem: the rule, the object it is about, the numbers that show it, the fix."""

    rule: str
    severity: Severity
    subject: str  # schema-qualified table, index or session
    message: str
    why: str
    fix: str  # SQL, or a command
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Statement:
    """One normalized statement from pg_stat_statements, with its plan."""

    queryid: int
    query: str
    calls: int
    total_ms: float
    mean_ms: float
    rows: int
    plan: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class AnalysisReport:
    """Everything one run of ``db analyze`` saw."""

    database: str
    server_version: str
    stats_reset: str | None
    findings: list[Finding] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extensions: dict[str, bool] = field(default_factory=dict)
    seconds: float = 0.0

    def failing(self, threshold: Severity) -> list[Finding]:
        """The findings at or above THRESHOLD."""
        floor = SEVERITIES.index(threshold)
        return [f for f in self.findings if SEVERITIES.index(f.severity) >= floor]

    def to_dict(self, failing: int) -> dict[str, Any]:
        return {
            "database": self.database,
            "server_version": self.server_version,
            "stats_reset": self.stats_reset,
            "extensions": self.extensions,
            "seconds": round(self.seconds, 3),
            "failing": failing,
            "findings": [f.to_dict() for f in self.findings],
            "statements": [s.to_dict() for s in self.statements],
            "notes": self.notes,
        }
