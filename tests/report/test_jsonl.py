"""JSON Lines: one record per input, ok records read back to equal articles."""

from __future__ import annotations

import json

from propscope.document import Article
from propscope.errors import UnsupportedLanguage
from propscope.report import render_json_lines
from propscope.schema import SCHEMA_VERSION, article_from_dict

from .sample import Outcome


def test_round_trip(article: Article) -> None:
    article.text += "\u2028line separator"
    lines = render_json_lines([Outcome("bucha.txt", article, None)]).splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["status"] == "ok" and record["source"] == "bucha.txt"
    assert record["schema_version"] == SCHEMA_VERSION
    assert article_from_dict(record) == article


def test_error_record_and_order(article: Article) -> None:
    outcomes = [
        Outcome("de.txt", None, UnsupportedLanguage("the article looks like 'de' text")),
        Outcome("bucha.txt", article, None),
    ]
    output = render_json_lines(outcomes)
    assert output.endswith("\n")
    first, second = (json.loads(line) for line in output.splitlines())
    assert first == {
        "schema_version": SCHEMA_VERSION,
        "status": "error",
        "source": "de.txt",
        "error": {"code": "E106", "message": "the article looks like 'de' text"},
    }
    assert second["status"] == "ok" and second["id"] == "bucha-demo"
