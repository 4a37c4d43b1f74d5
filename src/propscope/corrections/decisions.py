"""From the store's correction rows to training decisions with stable hashes.

A correction row says what a reviewer did to one item of one analysis (``before``/``after``); an
undone correction is deleted from the store, so every row read here stands. The effective state of an
item is its newest correction: a reviewer who accepted a span and then rejected it rejected it. An
item is a model span (analysis, index), an added span (each ``add`` is its own item), a claim's
check-worthiness, a claim's speaker, or one match of a claim.

Hashes (prodigy-style) make decisions mergeable across exports and stores:

- ``input_hash``: SHA-256 of the analysed text, first 16 hex characters;
- ``task_hash``: SHA-256 of ``input_hash:start:end:label`` (first 16), where ``label`` is the
  technique, ``checkworthy``, ``speaker`` or the KB id of a match;
- ``export_id``: the article's id in the exported files, the first 12 hex digits of ``input_hash``
  as a decimal number (digits, like PTC ids), the same in every store that holds the text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from propscope.document import Article

HASH_LENGTH = 16


def input_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def task_hash(input_digest: str, start: int, end: int, label: str) -> str:
    return hashlib.sha256(f"{input_digest}:{start}:{end}:{label}".encode()).hexdigest()[:HASH_LENGTH]


def export_id(input_digest: str) -> str:
    return str(int(input_digest[:12], 16))


def iso_utc(created: str) -> str:
    """The store's naive UTC time as ISO 8601 with its offset and microseconds, so that times from
    SQLite and PostgreSQL compare and sort as strings."""
    value = dt.datetime.fromisoformat(created)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _item(correction: dict[str, Any]) -> tuple[Any, ...]:
    target, action = correction["target"], correction["action"]
    if target == "technique":
        if action == "add":
            return ("add", correction["id"])
        return ("technique", correction["analysis_id"], correction["index"])
    if target == "claim":
        aspect = "speaker" if action == "speaker" else "checkworthy"
        return ("claim", correction["analysis_id"], correction["index"], aspect)
    return ("match", correction["analysis_id"], correction["index"], correction["match_index"])


def in_order(corrections: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Corrections in the order they were made (time, then id): the order :func:`effective` folds them in."""
    return sorted(corrections, key=lambda c: (iso_utc(c["created"]), c["id"]))


def fold_span(model: dict[str, Any], history: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A model span as its corrections leave it (``history`` in order): a relabel sets its technique,
    a resize its bounds, and both stand through later accepts and rejects.

    This is the one fold of a span's corrections: the web page draws the span so and the export
    trains on it, so that what a reviewer accepts is what the page showed them (a relabel, then an
    accept, accepts the relabelled span). The store records a resize with the model's technique and
    a relabel with the model's bounds, so neither ``after`` alone is the span."""
    span = {key: model[key] for key in ("technique", "start", "end", "text") if key in model}
    for correction in history:
        after = correction["after"]
        if correction["action"] == "relabel":
            span["technique"] = after["technique"]
        elif correction["action"] == "resize":
            span["start"], span["end"] = after["start"], after["end"]
            if "text" in after:
                span["text"] = after["text"]
    return span


def effective(corrections: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The newest correction of each item, in the order they were made; a model span's newest
    (unless a reject) carries in ``after`` the span as all its corrections leave it (:func:`fold_span`)."""
    latest: dict[tuple[Any, ...], dict[str, Any]] = {}
    histories: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for correction in in_order(corrections):
        item = _item(correction)
        latest[item] = correction
        if correction["target"] == "technique" and correction["action"] != "add":
            histories.setdefault(item, []).append(correction)
    out = []
    for item, correction in latest.items():
        if item in histories and correction["action"] != "reject":
            correction = {**correction, "after": fold_span(correction.get("before") or {}, histories[item])}
        out.append(correction)
    return in_order(out)


def newest_per_task(records: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One record per ``task_hash``: the newest (ties broken by the record itself, so the choice
    does not depend on the order records come in)."""
    chosen: dict[str, dict[str, Any]] = {}
    for record in records:
        key = record["task_hash"]
        held = chosen.get(key)
        if held is None or _rank(record) > _rank(held):
            chosen[key] = record
    return chosen


def _rank(record: dict[str, Any]) -> tuple[str, str]:
    return record["created"], json.dumps(record, sort_keys=True, ensure_ascii=False)


# -- one builder per kind: (correction, analysed article, export id) -> records --------------------
def technique_records(correction: dict[str, Any], article: Article, article_id: str) -> list[dict[str, Any]]:
    """accept / reject / add decisions; a relabel or resize rejects the old span and adds the new one."""
    if correction["target"] != "technique":
        return []
    digest = input_hash(article.text)

    def record(span: dict[str, Any], decision: str) -> dict[str, Any]:
        start, end, technique = int(span["start"]), int(span["end"]), str(span["technique"])
        return {
            "kind": "technique", "article": article_id, "input_hash": digest,
            "task_hash": task_hash(digest, start, end, technique), "start": start, "end": end,
            "technique": technique, "decision": decision, "author": correction["author"],
            "created": iso_utc(correction["created"]), "excerpt": article.text[start:end],
        }

    before, after, action = correction["before"], correction["after"], correction["action"]
    if action == "add":
        return [record(after, "add")]
    if action == "reject":
        return [record(before, "reject")]
    # accept, relabel or resize: ``after`` is the folded span (:func:`effective`)
    if _span_key(before) == _span_key(after):  # unchanged, relabelled to its own label, resized to its bounds
        return [record(after, "accept")]
    return [record(before, "reject"), record(after, "add")]


def _span_key(span: dict[str, Any]) -> tuple[int, int, str]:
    return int(span["start"]), int(span["end"]), str(span["technique"])


def claim_records(correction: dict[str, Any], article: Article, article_id: str) -> list[dict[str, Any]]:
    """Check-worthy (label 1) or not (label 0) sentences."""
    if correction["target"] != "claim" or correction["action"] == "speaker":
        return []
    digest = input_hash(article.text)
    before = correction["before"]
    start, end = int(before["start"]), int(before["end"])
    label = 1 if correction["action"] == "checkworthy" else 0
    return [{
        "kind": "claim", "article": article_id, "input_hash": digest,
        "task_hash": task_hash(digest, start, end, "checkworthy"), "sentence": article.text[start:end],
        "label": label, "start": start, "end": end, "decision": correction["action"],
        "author": correction["author"], "created": iso_utc(correction["created"]),
    }]


def attribution_records(correction: dict[str, Any], article: Article, article_id: str) -> list[dict[str, Any]]:
    """The attribution fixture's record (``tests/fixtures/attribution``) for a corrected speaker.

    The reviewer names the speaker only; ``verb`` and ``voice`` are the analysis' (``voice_reviewed``
    false), except that a sentence the model gave its own voice is ``reported`` once a speaker is
    named: the guideline's voice for a claim attributed without a quoted statement.
    """
    if correction["target"] != "claim" or correction["action"] != "speaker":
        return []
    digest = input_hash(article.text)
    claim = article.claims[correction["index"]]
    context = [article.text[s.start : s.end] for s in article.sentences if s.end <= claim.start][-2:]
    return [{
        "article_id": article_id, "sentence": article.text[claim.start : claim.end], "context": context,
        "speaker": correction["after"]["speaker"], "voice": "reported" if claim.voice == "own" else claim.voice,
        "verb": claim.verb, "voice_reviewed": False, "split": "workspace", "input_hash": digest,
        "task_hash": task_hash(digest, claim.start, claim.end, "speaker"), "start": claim.start, "end": claim.end,
        "author": correction["author"], "created": iso_utc(correction["created"]),
    }]


def match_records(correction: dict[str, Any], article: Article, article_id: str) -> list[dict[str, Any]]:
    """A labelled (sentence, KB claim) pair of ``eval/news_pairs/pairs.jsonl``: a confirmed match is
    ``same``, a rejected one ``different`` (the news pairs' rule: when unsure, the weaker label; a
    reviewer's reject does not say whether the pair was on the same topic). ``split`` comes from the
    task hash, so a pair keeps its half in every export."""
    if correction["target"] != "match":
        return []
    digest = input_hash(article.text)
    claim = article.claims[correction["index"]]
    before = correction["before"]
    sentence = article.text[claim.start : claim.end]
    key = task_hash(digest, claim.start, claim.end, str(before["kb_id"]))
    return [{
        "id": hashlib.sha1(f"{sentence}\t{before['kb_id']}".encode()).hexdigest()[:12], "corpus": "workspace",
        "article": article_id, "title": article.title or "", "sentence": sentence, "kb_id": before["kb_id"],
        "kb_claim": before["kb_claim"], "cosine": float(before["similarity"]), "rank": int(correction["match_index"]) + 1,
        "label": "same" if correction["action"] == "confirm" else "different",
        "split": "calibration" if int(key, 16) % 2 == 0 else "held_out", "decision": correction["action"],
        "input_hash": digest, "task_hash": key, "start": claim.start, "end": claim.end,
        "author": correction["author"], "created": iso_utc(correction["created"]),
    }]


Builder = Callable[[dict[str, Any], Article, str], list[dict[str, Any]]]
BUILDERS: dict[str, tuple[str, Builder]] = {  # kind -> (correction target, builder)
    "techniques": ("technique", technique_records),
    "claims": ("claim", claim_records),
    "attribution": ("claim", attribution_records),
    "matches": ("match", match_records),
}
