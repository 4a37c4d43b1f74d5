"""Shared test fixtures. Tests never need ../shared/data; those that use it are marked and skipped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(os.environ.get("PROPSCOPE_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def shared_data() -> Path:
    """The research data folder; the test is skipped where it is absent (users and CI may lack it)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
