"""Fixtures for report tests; the articles themselves are built in :mod:`sample`."""

from __future__ import annotations

import pytest

from propscope.document import Article

from .sample import build_article


@pytest.fixture
def article() -> Article:
    return build_article()

