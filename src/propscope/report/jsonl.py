"""JSON Lines output: one line per input, so batches stream and a single article is plain JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from propscope.report.common import language_warnings
from propscope.schema import SCHEMA_VERSION, article_to_dict

if TYPE_CHECKING:  # reports sit below the runner: they read outcomes and never run anything
    from propscope.runner import Outcome


def outcome_to_dict(outcome: Outcome) -> dict[str, Any]:
    """The record of one input: the article with ``status: ok``; the article so far and the error
    that stopped the rest with ``status: partial``; or only the coded error (``status: error``)."""
    status = getattr(outcome, "status", "ok" if outcome.error is None else "error")
    if outcome.article is not None and outcome.error is None:
        record = {"status": "ok", "source": outcome.source, **article_to_dict(outcome.article)}
        record["warnings"] = language_warnings(outcome.article)
        return record
    record: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "status": "error", "source": outcome.source}
    if outcome.article is not None and status == "partial":
        record = {"status": "partial", "source": outcome.source, **article_to_dict(outcome.article)}
        record["warnings"] = language_warnings(outcome.article)
    error = outcome.error
    record["error"] = {
        "code": getattr(error, "code", "E000"),
        "message": getattr(error, "message", str(error) if error is not None else "no article and no error"),
    }
    return record


def render_json_lines(outcomes: list[Outcome]) -> str:
    """One JSON object per line, in input order."""
    return "".join(_line(outcome_to_dict(o)) + "\n" for o in outcomes)


def _line(record: dict[str, Any]) -> str:
    # ensure_ascii=False keeps non-Latin articles readable. U+2028/U+2029 are left raw by json but
    # split lines for str.splitlines() and some JSONL readers, so they are escaped too.
    return json.dumps(record, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
