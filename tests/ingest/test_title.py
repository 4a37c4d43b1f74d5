"""Headline detection for plain-text articles (the text itself is never changed)."""

from __future__ import annotations

from pathlib import Path

from propscope.ingest import load_inputs
from propscope.ingest.dispatch import guess_title
from propscope.options import IngestOptions


def test_headline_line_becomes_the_title() -> None:
    assert guess_title("Bucha massacre was staged, officials say\n\nMOSCOW - Officials said...") == (
        "Bucha massacre was staged, officials say"
    )


def test_sentence_or_single_line_is_no_title() -> None:
    assert guess_title("Officials said the massacre was staged. Others disagree.\nMore text.") is None
    assert guess_title("Just one line without a break") is None
    assert guess_title("Word\nrest of the text") is None


def test_txt_file_keeps_text_and_gets_title(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    text = "West prolongs the war, minister says\n\nThe minister said the West prolongs the war.\n"
    path.write_text(text, encoding="utf-8")
    [result] = list(load_inputs([str(path)], IngestOptions()))
    assert result.article is not None
    assert result.article.text == text
    assert result.article.title == "West prolongs the war, minister says"
