"""Outlets and domains an article leans on, and their published reliability ratings."""

from propscope.sources.table import Resolution, SourceTable, registrable_host

__all__ = ["Resolution", "SourceTable", "registrable_host"]
