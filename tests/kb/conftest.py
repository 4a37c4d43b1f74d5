"""Fixtures of the knowledge-base tests: small files written for these tests, and KBs built from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from propscope.kb.importers import read_source
from propscope.kb.search import KnowledgeBase

KB_FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def kb_fixtures() -> Path:
    return KB_FIXTURES


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read or write the user's real KB."""
    home = tmp_path / "home"
    monkeypatch.setenv("PROPSCOPE_HOME", str(home))
    return home


@pytest.fixture
def small_kb(tmp_path: Path) -> Path:
    """A KB with every fixture importer's records, embedded with the shipped embedder."""
    path = tmp_path / "small.sqlite"
    with KnowledgeBase.open(path, readonly=False) as kb:
        kb.import_rows(read_source("euvsdisinfo", KB_FIXTURES / "posts.csv"))
        kb.import_rows(read_source("checkthat2020", KB_FIXTURES / "verified_claims.docs.tsv"))
        kb.import_rows(read_source("checkthat2022", KB_FIXTURES / "vclaims"))
        kb.import_rows(read_source("claimreview", KB_FIXTURES / "feed"))
        kb.import_rows(
            read_source(
                "csv", KB_FIXTURES / "claims.csv", {"map": {"id": "Link", "claim": "Claim", "url": "Link"}}
            )
        )
    return path
