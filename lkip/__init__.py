"""LKIP pipeline: SIMDA / SIENCANG exports -> validated DuckDB warehouse -> LKIP tables."""

__version__ = "0.1.0"
