"""Ranking sanity: a paraphrase of a fixture claim finds it first, in every mode."""

from __future__ import annotations

from pathlib import Path

import pytest

from propscope.kb.search import KnowledgeBase, SearchSettings, claim_key
from propscope.kb.text import clean_query, query_terms

PARAPHRASES = [
    ("Western spies were behind the poisoning of Alexei Navalny", "euvsdisinfo:navalny-poisoning-is-a-western-provocation"),
    ("the gas attack in Douma was faked by the White Helmets", "euvsdisinfo:white-helmets-staged-chemical-attack"),
    ("Apollo 11 never went to the moon, it was filmed in a studio", "vclaim-sno-moon-landing"),
    ("Obama outlawed the pledge of allegiance in schools", "1"),
    ("you can see the great wall of china from the moon", "https://checks.example.org/great-wall"),
]


@pytest.mark.parametrize("mode", ["hybrid", "lexical", "dense"])
def test_paraphrase_ranks_its_claim_first(small_kb: Path, mode: str) -> None:
    with KnowledgeBase.open(small_kb, settings=SearchSettings(mode=mode)) as kb:
        for text, expected in PARAPHRASES:
            hits = kb.search(text, k=3)
            assert hits[0].record.id == expected, (mode, text, [h.record.id for h in hits])


def test_hits_carry_similarity_and_record_fields(small_kb: Path) -> None:
    with KnowledgeBase.open(small_kb) as kb:
        hits = kb.search("Navalny was poisoned by Western intelligence", k=3)
        unrelated = kb.search("a recipe for lemon cake with poppy seeds", k=1)
    match = hits[0].to_match()
    assert match.source == "EUvsDisinfo"
    assert match.url == "https://euvsdisinfo.eu/report/navalny-poisoning-is-a-western-provocation/"
    assert match.date == "2020-10-08" and match.rating == "disinformation"
    assert hits[0].similarity > 0.6 > unrelated[0].similarity
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_duplicate_claims_collapse_to_the_first_imported(small_kb: Path) -> None:
    # Fixture records 0 and 4 differ only in the case of one letter.
    with KnowledgeBase.open(small_kb) as kb:
        hits = kb.search("giant ammonite fossil found in British Columbia", k=5)
        ids = [h.record.id for h in hits]
        assert ids[0] == "0" and "4" not in ids
        kb.settings = SearchSettings(collapse_duplicates=False)
        assert {"0", "4"} <= {h.record.id for h in kb.search("giant ammonite fossil found in British Columbia", k=5)}


def test_search_many_matches_search(small_kb: Path) -> None:
    # int8 activations are quantised per batch, so vectors move slightly with the batch: compare loosely.
    texts = [p for p, _ in PARAPHRASES]
    with KnowledgeBase.open(small_kb) as kb:
        batch = kb.search_many(texts, k=1)
        single = [kb.search(t, k=1) for t in texts]
    assert [hits[0].record.id for hits in batch] == [hits[0].record.id for hits in single]
    for a, b in zip(batch, single, strict=True):
        assert abs(a[0].similarity - b[0].similarity) < 0.05


@pytest.mark.parametrize("mode", ["hybrid", "dense"])
def test_queries_ranked_in_cosine_blocks_give_the_hits_of_one_block(small_kb: Path, mode: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # a long article's claims are ranked a block of queries at a time, to bound the cosine matrix
    from propscope.kb import search

    texts = [p for p, _ in PARAPHRASES] * 3
    with KnowledgeBase.open(small_kb, settings=SearchSettings(mode=mode)) as kb:
        vectors = kb.embedder.encode([clean_query(t) for t in texts])
        whole = kb.search_many(texts, k=3, vectors=vectors)
        monkeypatch.setattr(search, "COSINE_BLOCK", 4)
        blocks = kb.search_many(texts, k=3, vectors=vectors)
    assert len(blocks) == len(texts)
    for a, b in zip(whole, blocks, strict=True):
        assert [h.record.id for h in a] == [h.record.id for h in b]
        assert [h.similarity for h in a] == pytest.approx([h.similarity for h in b], abs=1e-6)
        assert [h.score for h in a] == pytest.approx([h.score for h in b], abs=1e-6)


def test_query_cleaning() -> None:
    tweet = "Look at this #AustralianFires pic.twitter.com/abc https://t.co/x — Jane Doe (@jdoe) January 14, 2020"
    cleaned = clean_query(tweet)
    assert "pic.twitter" not in cleaned and "https" not in cleaned and "2020" not in cleaned
    assert cleaned.endswith("— Jane Doe") and "AustralianFires" in cleaned
    assert query_terms("The the moon, and THE Moon landing") == ["moon", "landing"]
    assert claim_key("A “quoted” Claim!") == claim_key("a quoted claim")


def test_one_statement_bm25_equals_per_query_bm25(small_kb: Path) -> None:
    from propscope.kb.store import KBStore

    texts = [p for p, _ in PARAPHRASES] + ["", "zzzz qqqq"]
    weights = (1.0, 1.0, 0.5)
    with KBStore(small_kb, readonly=True) as store:
        terms = [query_terms(clean_query(t)) for t in texts]
        batched = store.lexical_search_many(terms, 20, weights, per_statement=3)
        single = [store.lexical_search(t, 20, weights) for t in terms]
    assert [[r for r, _ in rows] for rows in batched] == [[r for r, _ in rows] for rows in single]
    assert any(batched) and batched[-2] == []
