"""Every importer on a small fixture: records, fields, and bad rows with their line."""

from __future__ import annotations

from pathlib import Path

import pytest

from propscope.errors import InputNotFound, KnowledgeBaseError
from propscope.kb.importers import read_source
from propscope.kb.importers.csv import parse_map
from propscope.kb.record import BadRow, KBRecord


def split(rows) -> tuple[list[KBRecord], list[BadRow]]:
    rows = list(rows)
    return [r for r in rows if isinstance(r, KBRecord)], [r for r in rows if isinstance(r, BadRow)]


def test_euvsdisinfo(kb_fixtures: Path) -> None:
    records, bad = split(read_source("euvsdisinfo", kb_fixtures / "posts.csv"))
    assert [r.id for r in records] == [
        "euvsdisinfo:white-helmets-staged-chemical-attack",
        "euvsdisinfo:navalny-poisoning-is-a-western-provocation",
        "euvsdisinfo:ukraine-is-run-by-neo-nazis",
    ]
    first = records[0]
    assert first.claim == "The White Helmets staged the chemical attack in Douma"
    assert first.url == "https://euvsdisinfo.eu/report/white-helmets-staged-chemical-attack/"
    assert first.source == "EUvsDisinfo" and first.importer == "euvsdisinfo"
    assert first.date == "2019-04-25"
    assert first.outlets == ["RT Arabic", "Sputnik"]
    assert "White Helmets" in first.keywords and "country:Syria" in first.keywords
    assert records[2].claim == "Ukraine is run by neo-Nazis, the West supports them"
    assert [(b.where, b.reason) for b in bad] == [
        ("line 4", "no case URL in column 'id'"),
        ("line 5", "empty title"),
    ]


def test_euvsdisinfo_wrong_header(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    records, bad = split(read_source("euvsdisinfo", path))
    assert records == [] and bad[0].where == "line 1"


def test_checkthat2020_quoted_multiline_claims(kb_fixtures: Path) -> None:
    records, bad = split(read_source("checkthat2020", kb_fixtures / "verified_claims.docs.tsv"))
    assert [r.id for r in records] == ["0", "1", "2", "4"]
    assert records[1].claim == "Barack Obama banned the pledge of allegiance in all public schools."
    assert records[0].title == "Is This Giant Fossil Real?"
    assert {r.source for r in records} == {"Snopes"}
    assert [b.where for b in bad] == ["line 5", "line 7"]
    assert "not numeric" in bad[0].reason and "empty vclaim" in bad[1].reason


def test_checkthat2022(kb_fixtures: Path) -> None:
    records, bad = split(read_source("checkthat2022", kb_fixtures / "vclaims"))
    by_id = {r.id: r for r in records}
    assert set(by_id) == {"vclaim-sno-lady-gaga-oreo", "vclaim-sno-moon-landing"}
    oreo = by_id["vclaim-sno-lady-gaga-oreo"]
    assert oreo.date == "2021-01-29"
    assert oreo.title == "Did Oreo Release Lady Gaga Cookies?"
    assert oreo.summary == "The pink cookies went on sale in January 2021."
    assert sorted(b.where for b in bad) == ["vclaim-sno-broken.json", "vclaim-sno-no-claim.json"]
    # The parent folder of vclaims/ works too.
    assert len(split(read_source("checkthat2022", kb_fixtures))[0]) == 2


def test_claimreview_single_object(kb_fixtures: Path) -> None:
    records, bad = split(read_source("claimreview", kb_fixtures / "claimreview_single.json"))
    assert bad == [] and len(records) == 1
    review = records[0]
    assert review.claim == "COVID-19 vaccines make people's arms magnetic."
    assert review.rating == "False"
    assert review.source == "Example Fact Check"
    assert review.date == "2021-05-20"
    assert review.language == "en"
    assert review.keywords == ["vaccines", "covid-19"]
    assert review.outlets == ["Viral video"]
    assert review.id.startswith("claimreview:")


def test_claimreview_list_and_graph(kb_fixtures: Path) -> None:
    records, bad = split(read_source("claimreview", kb_fixtures / "claimreview_list.json"))
    assert [r.claim for r in records] == ["5G towers spread the coronavirus."]
    assert records[0].rating == "1/5"
    assert [(b.where, b.reason) for b in bad] == [("claimreview_list.json item 2", "ClaimReview without claimReviewed")]
    records, bad = split(read_source("claimreview", kb_fixtures / "claimreview_graph.json"))
    assert bad == [] and records[0].source == "Other Checker" and records[0].rating == "Pants on fire"


def test_claimreview_datafeed_pages(kb_fixtures: Path) -> None:
    records, bad = split(read_source("claimreview", kb_fixtures / "feed"))
    assert [r.claim for r in records] == [
        "Drinking bleach cures COVID-19.",
        "The Eiffel Tower was sold for scrap in 2020.",
        "Ukraine's president fled Kyiv in February 2022.",
    ]
    assert [b.where for b in bad] == ["page-2.jsonl line 2", "page-2.jsonl line 3"]


def test_csv_with_column_map(kb_fixtures: Path) -> None:
    mapping = parse_map("claim=Claim,url=Link,rating=Verdict,date=Published,keywords=Tags")
    records, bad = split(read_source("csv", kb_fixtures / "claims.csv", {"map": mapping, "source": "Checks"}))
    assert len(records) == 1
    wall = records[0]
    assert wall.url == "https://checks.example.org/great-wall"
    assert wall.rating == "False" and wall.source == "Checks" and wall.keywords == ["space", "myths"]
    assert wall.id.startswith("csv:")
    assert [b.where for b in bad] == ["line 3", "line 4"]
    assert "empty claim" in bad[0].reason and "cells" in bad[1].reason


def test_csv_map_errors(kb_fixtures: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="claim"):
        parse_map("url=Link")
    with pytest.raises(KnowledgeBaseError, match="unknown field"):
        parse_map("claim=Claim,colour=Red")
    with pytest.raises(KnowledgeBaseError, match="no column"):
        list(read_source("csv", kb_fixtures / "claims.csv", {"map": {"claim": "Nope"}}))


def test_unknown_kind_and_missing_path(kb_fixtures: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="unknown importer"):
        read_source("nope", kb_fixtures / "posts.csv")
    with pytest.raises(InputNotFound):
        read_source("csv", kb_fixtures / "absent.csv")


@pytest.mark.shared_data
def test_real_files_import_cleanly(shared_data: Path) -> None:
    counts = {}
    for kind, relative in [
        ("euvsdisinfo", "euvsdisinfo/posts.csv"),
        ("checkthat2020", "checkthat-2020-t2/verified_claims.docs.tsv"),
        ("checkthat2022", "checkthat-2022-t2a/vclaims"),
    ]:
        records, bad = split(read_source(kind, shared_data / relative))
        counts[kind] = (len(records), len(bad), len({r.id for r in records}))
    # Sizes stated in shared/data/SOURCES.md; every id unique.
    assert counts == {
        "euvsdisinfo": (10892, 0, 10892),
        "checkthat2020": (10375, 0, 10375),
        "checkthat2022": (14231, 0, 14231),
    }
