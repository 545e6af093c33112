"""``db analyze``: read-only performance analysis of a live PostgreSQL database."""

from backendkit.dbanalyze.analyze import analyze_database
from backendkit.dbanalyze.report import AnalysisReport, Finding

__all__ = ["AnalysisReport", "Finding", "analyze_database"]
