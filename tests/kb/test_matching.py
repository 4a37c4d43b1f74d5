"""The matching component fills claim.matches from the KB, batching every claim of a pipe call."""

from __future__ import annotations

from pathlib import Path

from propscope.components.matching import KnownClaimMatcher
from propscope.document import Article, Claim
from propscope.options import AnalyzeOptions


def article(*sentences: str) -> Article:
    text = " ".join(sentences)
    doc = Article(text=text)
    start = 0
    for sentence in sentences:
        doc.claims.append(Claim(start=start, end=start + len(sentence), text=sentence, score=0.9))
        start += len(sentence) + 1
    return doc


def test_matches_filled_above_threshold(small_kb: Path) -> None:
    matcher = KnownClaimMatcher(AnalyzeOptions(kb_path=small_kb, kb_top_k=2))
    assert matcher.available()
    docs = [
        article("Officials say the chemical attack in Douma was staged by the White Helmets.",
                "The bakery opens at nine on Sundays."),
        article("Moscow claims Western intelligence services poisoned Navalny."),
    ]
    matcher.pipe(docs)
    staged, bakery = docs[0].claims
    assert staged.matches and staged.matches[0].kb_id == "euvsdisinfo:white-helmets-staged-chemical-attack"
    assert staged.matches[0].url and staged.matches[0].source == "EUvsDisinfo"
    assert all(m.similarity >= matcher.threshold for m in staged.matches) and len(staged.matches) <= 2
    assert bakery.matches == []
    assert docs[1].claims[0].matches[0].kb_id == "euvsdisinfo:navalny-poisoning-is-a-western-provocation"


def test_threshold_from_options_and_from_the_model(small_kb: Path) -> None:
    strict = KnownClaimMatcher(AnalyzeOptions(kb_path=small_kb, kb_min_similarity=0.999))
    doc = article("The White Helmets staged a chemical attack in Douma.")
    strict.pipe([doc])
    assert doc.claims[0].matches == []
    calibrated = KnownClaimMatcher(AnalyzeOptions(kb_path=small_kb))
    assert 0.3 < calibrated.threshold < 0.9


def test_unavailable_without_kb(tmp_path: Path) -> None:
    assert not KnownClaimMatcher(AnalyzeOptions(kb_path=tmp_path / "absent.sqlite")).available()


def test_articles_without_claims_are_untouched(small_kb: Path) -> None:
    doc = Article(text="Nothing to check here.")
    assert KnownClaimMatcher(AnalyzeOptions(kb_path=small_kb)).pipe([doc]) == [doc]
