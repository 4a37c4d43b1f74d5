"""Sentence and paragraph segmentation on the hard cases of news text; every span is exact."""

from __future__ import annotations

from pathlib import Path

import pytest

from propscope.components.segment import SentenceSegmenter, segment_text
from propscope.document import Article, Segment
from propscope.options import AnalyzeOptions


def sentences(text: str) -> list[str]:
    paragraphs, spans = segment_text(text)
    check_spans(text, spans)
    check_spans(text, paragraphs)
    return [text[s.start : s.end] for s in spans]


def check_spans(text: str, spans: list[Segment]) -> None:
    previous_end = 0
    for span in spans:
        piece = text[span.start : span.end]
        assert piece and piece == piece.strip(), (span, piece)
        assert span.start >= previous_end  # ordered, never overlapping
        previous_end = span.end


def test_title_line_without_punctuation() -> None:
    text = "Bucha massacre was staged, officials say\nMOSCOW - The West lied again. Nobody believes it."
    assert sentences(text) == [
        "Bucha massacre was staged, officials say",
        "MOSCOW - The West lied again.",
        "Nobody believes it.",
    ]


def test_blank_lines_and_paragraphs() -> None:
    text = "Title here\n\n\nFirst paragraph. Still first.\n\n  Second paragraph!  \n"
    paragraphs, _ = segment_text(text)
    assert [text[p.start : p.end] for p in paragraphs] == ["Title here", "First paragraph. Still first.", "Second paragraph!"]
    assert sentences(text) == ["Title here", "First paragraph.", "Still first.", "Second paragraph!"]


def test_lines_are_paragraphs_without_blank_lines() -> None:
    text = "Title\nFirst paragraph here. Second sentence.\nAnother paragraph."
    paragraphs, _ = segment_text(text)
    assert [text[p.start : p.end] for p in paragraphs] == ["Title", "First paragraph here. Second sentence.", "Another paragraph."]


def test_quotes_stay_inside_the_sentence() -> None:
    text = (
        '"The massacre was staged," the spokeswoman said. "Who placed the bodies there?" she asked. '
        "“We will not be blackmailed.” Then he left. He called it “a lie.” Nobody answered."
    )
    assert sentences(text) == [
        '"The massacre was staged," the spokeswoman said.',
        '"Who placed the bodies there?" she asked.',
        "“We will not be blackmailed.”",
        "Then he left.",
        "He called it “a lie.”",
        "Nobody answered.",
    ]


def test_abbreviations_and_titles() -> None:
    text = (
        "Mr. Petrov and Mrs. Ivanova met Dr. Smith in St. Petersburg. Gen. Ivanov, Sen. Lee and Rep. Jones "
        "disagreed. The U.S. Army and the U.K. government objected. Weapons flow from the U.S. The Kremlin is angry."
    )
    assert sentences(text) == [
        "Mr. Petrov and Mrs. Ivanova met Dr. Smith in St. Petersburg.",
        "Gen. Ivanov, Sen. Lee and Rep. Jones disagreed.",
        "The U.S. Army and the U.K. government objected.",
        "Weapons flow from the U.S.",
        "The Kremlin is angry.",
    ]


def test_dates_numbers_examples_and_initials() -> None:
    text = (
        "The talks began on Jan. 5 and ended on Feb. 12, e.g. in Istanbul, i.e. in Turkey. "
        "Resolution No. 5 passed with 3.5 per cent, according to J. K. Rowling and George W. Bush. "
        "Prices rose by 2.75%. Apples, pears, etc. are cheaper."
    )
    assert sentences(text) == [
        "The talks began on Jan. 5 and ended on Feb. 12, e.g. in Istanbul, i.e. in Turkey.",
        "Resolution No. 5 passed with 3.5 per cent, according to J. K. Rowling and George W. Bush.",
        "Prices rose by 2.75%.",
        "Apples, pears, etc. are cheaper.",
    ]


def test_ellipses_questions_and_exclamations() -> None:
    text = "He waited... and waited. Then nothing… Why? Because they lied! Really?! Yes."
    assert sentences(text) == ["He waited... and waited.", "Then nothing…", "Why?", "Because they lied!", "Really?!", "Yes."]


def test_one_sentence_per_line_with_crlf() -> None:
    text = "Title line\r\n\r\nFirst sentence here\r\nSecond sentence, no full stop\r\nThird one.\r\n"
    assert sentences(text) == ["Title line", "First sentence here", "Second sentence, no full stop", "Third one."]


def test_line_that_continues_a_sentence_joins_it() -> None:
    text = "The Rev.\nRay Hurt spoke about the U.S.\nintervention and said:\n“Stop it!\n!” one wrote."
    assert sentences(text) == ["The Rev.\nRay Hurt spoke about the U.S.\nintervention and said:", "“Stop it!\n!” one wrote."]


def test_hard_wrapped_text() -> None:
    text = (
        "Russian officials said on Wednesday that the pictures from the town\n"
        "had been staged by Western media, and that the bodies appeared on the\n"
        "streets only after the troops had left. The ministry called it a\n"
        "provocation designed to derail the peace talks in Istanbul, which\n"
        "had seemed promising only a week ago. Nobody was convinced.\n"
    )
    result = sentences(text)
    assert len(result) == 3
    assert result[0].startswith("Russian officials") and result[0].endswith("had left.")
    assert result[2] == "Nobody was convinced."


def test_empty_and_whitespace() -> None:
    assert segment_text("") == ([], [])
    assert segment_text(" \n\n ") == ([], [])


def test_component_contract_and_pipe() -> None:
    segmenter = SentenceSegmenter(AnalyzeOptions())
    assert (segmenter.name, segmenter.version, segmenter.assigns) == ("segment", "1", ("sentences", "paragraphs"))
    articles = [Article(text="One. Two."), Article(text="Title\n\nBody text here.")]
    out = segmenter.pipe(articles)
    assert [a.sentence_texts() for a in out] == [["One.", "Two."], ["Title", "Body text here."]]
    assert [len(a.paragraphs) for a in out] == [1, 2]


def test_example_article() -> None:
    text = (Path(__file__).resolve().parents[1] / "examples" / "article.txt").read_text(encoding="utf-8")
    result = sentences(text)
    assert result[0] == 'Bucha "massacre" was staged to prolong the war, officials say'
    assert "Mr. Petrov also warned that the U.S. and the U.K. are pouring weapons into Ukraine to drag Europe into a catastrophe." in result
    assert '"The West wants this war to last until the last Ukrainian."' in result
    assert "Who placed them there?\"" in result


@pytest.mark.shared_data
def test_ptc_articles_keep_offsets(shared_data: Path) -> None:
    files = sorted((shared_data / "ptc-2020" / "train-articles").glob("*.txt"))[:40]
    assert files
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:  # PTC offsets assume newline=''
            text = handle.read()
        paragraphs, spans = segment_text(text)
        check_spans(text, spans)
        check_spans(text, paragraphs)
        # Every non-blank line of PTC starts a new sentence or continues one; none is lost.
        covered = sum(s.end - s.start for s in spans)
        assert covered >= len("".join(text.split())) * 0.95
        # The title line opens the first sentence (PTC sometimes breaks a title after "Dept.", and an
        # ellipsis in a headline may end a sentence, so only the start is fixed).
        assert spans[0].start == len(text) - len(text.lstrip())
