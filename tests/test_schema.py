"""JSON is the public interface: reading a document back from its JSON gives an equal document."""

from __future__ import annotations

import json

import pytest

from propscope.document import (
    Article,
    Citation,
    Claim,
    ComponentRun,
    KnownClaimMatch,
    Link,
    HiddenTechnique,
    Segment,
    TechniqueReport,
    TechniqueSpan,
    text_hash,
)
from propscope.errors import BadRecord
from propscope.schema import SCHEMA_VERSION, article_from_dict, article_to_dict, dumps, loads

TEXT = "Officials said the massacre was staged.\nWhat about Raqqa? The neo-Nazis in Kyiv lie."


def full_article() -> Article:
    return Article(
        text=TEXT,
        id="a1",
        title="Title",
        url="https://example.org/a",
        outlet="Example",
        date="2022-04-05",
        language="en",
        metadata={"source": "test", "n": 3},
        links=[Link(0, 9, "https://example.org/officials")],
        sentences=[Segment(0, 39), Segment(40, 57), Segment(58, 84)],
        paragraphs=[Segment(0, 39), Segment(40, 84)],
        techniques=[
            TechniqueSpan("Doubt", 19, 38, 0.71, ["staged", "massacre"]),
            TechniqueSpan("Whataboutism,Straw_Men,Red_Herring", 40, 57, 0.66),
            TechniqueSpan("Name_Calling,Labeling", 62, 71, 0.9),
        ],
        technique_report=TechniqueReport("precision", 0.6, 0.48, [HiddenTechnique("Repetition", "at best 38% precise")]),
        claims=[
            Claim(
                0,
                39,
                TEXT[0:39],
                0.81,
                speaker="Officials",
                verb="said",
                voice="reported",
                speaker_start=0,
                speaker_end=9,
                matches=[KnownClaimMatch("euvsdisinfo:1", "Bucha was staged", "EUvsDisinfo", "https://x", "2022-04-04", 0.8)],
            )
        ],
        citations=[Citation("Fars News", "farsnews.ir", 0.2, 0, 9)],
        components=[ComponentRun("segment", "1")],
    )


def test_round_trip_gives_an_equal_document() -> None:
    article = full_article()
    assert loads(dumps(article)) == article
    assert article_from_dict(json.loads(json.dumps(article_to_dict(article)))) == article


def test_json_has_the_documented_field_names() -> None:
    data = article_to_dict(full_article())
    assert data["schema_version"] == SCHEMA_VERSION
    for key in ("text", "title", "language", "sentences", "techniques", "claims", "citations", "components"):
        assert key in data
    assert set(data["techniques"][0]) == {"technique", "start", "end", "score", "triggers"}
    assert data["technique_report"] == {
        "operating_point": "precision",
        "target_precision": 0.6,
        "measured_precision": 0.48,
        "hidden": [{"technique": "Repetition", "reason": "at best 38% precise"}],
    }
    claim = data["claims"][0]
    for key in ("start", "end", "text", "score", "speaker", "verb", "voice", "matches"):
        assert key in claim
    assert set(claim["matches"][0]) >= {"kb_id", "claim", "source", "url", "date", "similarity"}
    assert set(data["citations"][0]) >= {"name", "domain", "reliability", "start", "end"}
    assert data["components"] == [{"name": "segment", "version": "1", "fingerprint": None}]


def test_a_1_0_record_without_fingerprints_is_still_read() -> None:
    data = article_to_dict(full_article())
    data["schema_version"] = "1.0"
    for run in data["components"]:
        del run["fingerprint"]
    assert article_from_dict(data).components[0].fingerprint is None


def test_offsets_of_the_fixture_point_at_their_words() -> None:
    article = full_article()
    assert article.span_text(*_range(article.techniques[2])) == "neo-Nazis"
    assert article.claims[0].text == article.span_text(article.claims[0].start, article.claims[0].end)


def _range(span: TechniqueSpan) -> tuple[int, int]:
    return span.start, span.end


def test_id_defaults_to_a_stable_text_hash() -> None:
    assert Article(text="abc").id == text_hash("abc") == Article(text="abc").id
    assert Article(text="abc").id != Article(text="abd").id


def test_unknown_major_schema_version_is_refused() -> None:
    with pytest.raises(BadRecord):
        article_from_dict({"schema_version": "99.0", "text": "x"})


def test_record_without_text_is_refused() -> None:
    with pytest.raises(BadRecord) as info:
        article_from_dict({"schema_version": SCHEMA_VERSION})
    assert info.value.code == "E108"


def test_a_1_3_record_without_the_technique_fields_of_1_4_still_reads() -> None:
    data = article_to_dict(full_article())
    data["schema_version"] = "1.3"
    del data["technique_report"]
    for span in data["techniques"]:
        del span["triggers"]
    article = article_from_dict(data)
    assert article.technique_report is None
    assert [s.triggers for s in article.techniques] == [[], [], []]
