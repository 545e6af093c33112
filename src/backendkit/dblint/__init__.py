"""``db lint``: migrations that are safe on a live PostgreSQL."""

from backendkit.dblint.lint import Finding, LintReport, lint_migrations

__all__ = ["Finding", "LintReport", "lint_migrations"]
