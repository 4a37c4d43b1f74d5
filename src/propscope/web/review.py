"""The analysis as its reviewers left it: drawn on the article page and exported by default.

Corrections never change the stored analysis (:meth:`propscope.store.Store.add_correction`); the
page draws a copy in which each span is as its corrections leave it
(:func:`propscope.corrections.decisions.fold_span`, the fold the training export uses too: a span
both relabelled and resized keeps both, through later accepts and rejects) and every span a reviewer added is a highlight like the model's.
Rejected spans stay in the page's copy (struck through, with their undo) and the page's script takes
them out of the text. The copy keeps the analysis' span positions (corrections name spans by them)
and appends the added spans after them.

What stands of each item is its newest correction, as the training export reads it
(:func:`propscope.corrections.decisions.effective`): a span accepted and then rejected is rejected,
a claim's check-worthiness and its speaker are separate items, each match is one.

:func:`reviewed_copy` is what the HTML report and the CSV files export: rejected spans, claims marked
not check-worthy and rejected matches left out, fixed speakers in place. :func:`reviewed_document`
is the JSON export: every item kept, each corrected one with a ``review`` field.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from propscope.corrections.decisions import effective, fold_span, in_order, iso_utc
from propscope.document import Article, TechniqueSpan
from propscope.report.common import technique_info
from propscope.schema import article_to_dict

# the score of a span a reviewer added: shown at any slider position (a person, not a model, found it)
ADDED_SCORE = 1.0

Review = dict[str, Any]  # {status, by, at, corrections: [{id, action, by, at}], model?}


@dataclasses.dataclass(frozen=True, slots=True)
class Reviewed:
    article: Article  # the page's copy: every span kept, relabels and resizes applied, added spans last
    added: dict[int, int]  # position in article.techniques -> id of the correction that added it
    spans: dict[int, Review]  # position in article.techniques -> its review (reviewed spans only)
    claims: dict[int, Review]  # position in article.claims -> its review
    matches: dict[tuple[int, int], Review]  # (claim position, match position) -> its review
    corrections: int  # how many corrections stand (an undone one is deleted)

    @property
    def rejected(self) -> set[int]:
        return {i for i, r in self.spans.items() if r["status"] == "rejected"}


def of_analysis(corrections: list[dict[str, Any]], analysis_id: int) -> list[dict[str, Any]]:
    """The corrections of one analysis (those of an older one name other positions)."""
    return [c for c in corrections if c["analysis_id"] == analysis_id]


def reviewed(article: Article, corrections: list[dict[str, Any]]) -> Reviewed:
    """``article`` with the corrections of its analysis applied (``corrections`` as the store lists
    them, oldest first), and the review of each corrected item."""
    ordered = in_order(corrections)
    newest = effective(ordered)
    spans = list(article.techniques)
    added: dict[int, int] = {}
    extra: list[TechniqueSpan] = []
    span_history: dict[int, list[dict[str, Any]]] = {}
    size = len(article.text)
    for c in ordered:
        if c["target"] != "technique":
            continue
        after = c["after"]
        if c["action"] == "add":
            if after and 0 <= after["start"] < after["end"] <= size:  # what no longer fits the text is dropped
                added[len(spans) + len(extra)] = c["id"]
                extra.append(TechniqueSpan(after["technique"], after["start"], after["end"], ADDED_SCORE))
            continue
        if c["index"] is None or not 0 <= c["index"] < len(spans):
            continue
        if c["action"] == "reject" or (after and 0 <= after["start"] < after["end"] <= size):
            span_history.setdefault(c["index"], []).append(c)  # bounds that no longer fit are dropped

    span_reviews: dict[int, Review] = {}
    for index, history in span_history.items():
        span = spans[index]
        folded = fold_span({"technique": span.technique, "start": span.start, "end": span.end}, history)
        if (folded["start"], folded["end"]) != (span.start, span.end):
            # the model's trigger words were of its own words: they would explain words no longer in the span
            span = dataclasses.replace(span, start=folded["start"], end=folded["end"], triggers=[])
        spans[index] = dataclasses.replace(span, technique=folded["technique"])
        last = next(c for c in reversed(newest) if c["target"] == "technique" and c["index"] == index and c["action"] != "add")
        changes = [a for a in ("relabel", "resize") if any(c["action"] == a for c in history)]
        if last["action"] == "reject":
            status = "rejected"
        elif changes:
            status = "_".join({"relabel": "relabelled", "resize": "resized"}[a] for a in changes)
        else:
            status = "accepted"
        model = article.techniques[index]
        span_reviews[index] = _review(status, history, {
            "technique": model.technique, "start": model.start, "end": model.end, "score": model.score,
            "text": article.text[model.start : model.end]} if changes else None)
    for position, correction_id in added.items():
        span_reviews[position] = _review("added", [next(c for c in ordered if c["id"] == correction_id)])

    claim_reviews: dict[int, Review] = {}
    match_reviews: dict[tuple[int, int], Review] = {}
    for index, claim in enumerate(article.claims):
        mine = [c for c in ordered if c["target"] == "claim" and c["index"] == index]
        if mine:
            worthy = next((c for c in reversed(newest) if c in mine and c["action"] != "speaker"), None)
            speaker = next((c for c in reversed(newest) if c in mine and c["action"] == "speaker"), None)
            status = worthy["action"] if worthy else "speaker_fixed"
            review = _review(status, mine, {"speaker": claim.speaker} if speaker else None)
            if worthy:
                review["checkworthy"] = worthy["action"] == "checkworthy"
            if speaker:
                review["speaker"] = speaker["after"]["speaker"]
            claim_reviews[index] = review
        for m in range(len(claim.matches)):
            history = [c for c in ordered if c["target"] == "match" and c["index"] == index and c["match_index"] == m]
            if history:
                match_reviews[(index, m)] = _review("confirmed" if history[-1]["action"] == "confirm" else "rejected", history)
    return Reviewed(dataclasses.replace(article, techniques=spans + extra), added, span_reviews, claim_reviews,
                    match_reviews, len(ordered))




def _review(status: str, history: list[dict[str, Any]], model: dict[str, Any] | None = None) -> Review:
    last = history[-1]
    review: Review = {
        "status": status, "by": last["author"], "at": iso_utc(last["created"]),
        "corrections": [{"id": c["id"], "action": c["action"], "by": c["author"], "at": iso_utc(c["created"])}
                        for c in history],
    }
    if model is not None:
        review["model"] = model
    return review


def reviewed_document(shown: Reviewed) -> dict[str, Any]:
    """The JSON document of the reviewed copy: every span, claim and match kept (rejected ones
    too), fixed speakers in place, each corrected item with its ``review``."""
    document = article_to_dict(shown.article)
    for index, review in shown.spans.items():
        document["techniques"][index]["review"] = review
    for index, review in shown.claims.items():
        claim = document["claims"][index]
        if "speaker" in review:
            claim["speaker"] = review["speaker"]
        claim["review"] = review
    for (index, m), review in shown.matches.items():
        document["claims"][index]["matches"][m]["review"] = review
    return document


@dataclasses.dataclass(frozen=True, slots=True)
class Copy:
    """The reviewed copy as the HTML report and the CSV files show it, and where its items came from."""

    article: Article
    spans: list[tuple[int | None, Review | None]]  # per span: its analysis position (None: added), its review
    claims: list[tuple[int, Review | None, list[Review | None]]]  # per claim: position, review, its matches' reviews
    left_out: dict[str, int]  # rejected spans, claims not check-worthy, rejected matches


def reviewed_copy(shown: Reviewed) -> Copy:
    article = copy.deepcopy(shown.article)
    n_model = len(shown.article.techniques) - len(shown.added)
    spans, kept_spans = [], []
    for i, span in enumerate(article.techniques):
        if i in shown.rejected:
            continue
        kept_spans.append(span)
        spans.append((i if i < n_model else None, shown.spans.get(i)))
    claims, kept_claims = [], []
    left_out = {"spans": len(shown.rejected), "claims": 0, "matches": 0}
    for i, claim in enumerate(article.claims):
        review = shown.claims.get(i)
        if review and review.get("checkworthy") is False:
            left_out["claims"] += 1
            continue
        if review and "speaker" in review:
            claim.speaker = review["speaker"]
        matches, match_reviews = [], []
        for m, match in enumerate(claim.matches):
            match_review = shown.matches.get((i, m))
            if match_review and match_review["status"] == "rejected":
                left_out["matches"] += 1
                continue
            matches.append(match)
            match_reviews.append(match_review)
        claim.matches = matches
        kept_claims.append(claim)
        claims.append((i, review, match_reviews))
    article.techniques, article.claims = kept_spans, kept_claims
    return Copy(article, spans, claims, left_out)


_WORDS = {"accepted": "accepted", "rejected": "rejected", "added": "added", "relabelled": "relabelled",
          "resized": "resized", "relabelled_resized": "relabelled and resized", "checkworthy": "check-worthy",
          "not_checkworthy": "not check-worthy", "speaker_fixed": "speaker fixed", "confirmed": "confirmed"}


def describe(review: Review) -> str:
    """One line for a person: 'relabelled (the model said Doubt) by rita, 2026-12-02 06:10 UTC'."""
    words = _WORDS.get(review["status"], review["status"])
    model = review.get("model")
    said = []
    if model and "technique" in model:
        if "relabelled" in review["status"]:
            said.append(technique_info(model["technique"]).title)
        if "resized" in review["status"]:
            said.append(f"\u201c{' '.join(model['text'].split())}\u201d")
    elif model and "speaker" in model:
        said.append(model["speaker"] or "no speaker")
    if said:
        words += f" (the model said {', '.join(said)})"
    return f"{words} by {review['by']}, {review['at'][:16].replace('T', ' ')} UTC"
