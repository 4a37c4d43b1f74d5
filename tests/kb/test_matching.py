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


def test_by_default_cosine_alone_never_makes_a_same_claim_match(small_kb: Path) -> None:
    """On news, similarity says 'same topic', not 'same claim': without a re-ranker or a threshold the
    user chose, close hits are only related, with no verdict."""
    matcher = KnownClaimMatcher(AnalyzeOptions(kb_path=small_kb, kb_top_k=2))
    assert matcher.threshold is None
    doc = article("Officials say the chemical attack in Douma was staged by the White Helmets.",
                  "The bakery opens at nine on Sundays.")
    matcher.pipe([doc])
    staged, bakery = doc.claims
    assert staged.matches == [] and bakery.matches == []
    assert staged.related and staged.related[0].kb_id == "euvsdisinfo:white-helmets-staged-chemical-attack"
    assert all(not m.same_claim and m.verdict is None for m in staged.related)
    assert bakery.related == []


def test_matches_filled_above_threshold(small_kb: Path) -> None:
    matcher = KnownClaimMatcher(AnalyzeOptions(kb_path=small_kb, kb_top_k=2, kb_min_similarity=0.57))
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
    assert 0.3 < calibrated.related_floor(None) < 0.9


def test_unavailable_without_kb(tmp_path: Path) -> None:
    assert not KnownClaimMatcher(AnalyzeOptions(kb_path=tmp_path / "absent.sqlite")).available()


def test_articles_without_claims_are_untouched(small_kb: Path) -> None:
    doc = Article(text="Nothing to check here.")
    assert KnownClaimMatcher(AnalyzeOptions(kb_path=small_kb)).pipe([doc]) == [doc]


def attributed(*claims: Claim) -> Article:
    from propscope.document import ComponentRun

    doc = Article(text=" ".join(c.text for c in claims), date="2023-05-01")
    doc.claims.extend(claims)
    doc.components.append(ComponentRun("attribution", "1"))
    return doc


def test_match_carries_verdict_relation_and_the_kb_coverage(small_kb: Path) -> None:
    reported = "Officials say the chemical attack in Douma was staged by the White Helmets."
    doc = attributed(Claim(0, len(reported), reported, 0.9, speaker="Officials", verb="say", voice="reported"))
    KnownClaimMatcher(AnalyzeOptions(kb_path=small_kb, kb_top_k=1, kb_min_similarity=0.57)).pipe([doc])
    match = doc.claims[0].matches[0]
    assert (match.verdict, match.relation, match.same_claim) == ("disinformation case", "reports", True)
    info = doc.knowledge_base
    assert info is not None and info.kind == "file" and info.path == str(small_kb)
    euvsdisinfo = next(s for s in info.sources if s.name == "EUvsDisinfo")
    assert (euvsdisinfo.records, euvsdisinfo.first_date, euvsdisinfo.last_date) == (3, "2016-05-02", "2020-10-08")
    assert info.records == sum(s.records for s in info.sources)


def test_without_attribution_no_relation_is_claimed(small_kb: Path) -> None:
    doc = article("The White Helmets staged the chemical attack in Douma.")
    KnownClaimMatcher(AnalyzeOptions(kb_path=small_kb, kb_min_similarity=0.57)).pipe([doc])
    assert doc.claims[0].matches and doc.claims[0].matches[0].relation is None


def test_the_rerankers_decision_overrides_the_similarity_threshold(small_kb: Path, monkeypatch) -> None:
    """Contract with the re-ranker: a hit with same_claim False is at most related, never a match."""
    from propscope.kb.search import KnowledgeBase

    original = KnowledgeBase.search_many

    def judged(self, texts, k=5, vectors=None):  # type: ignore[no-untyped-def]
        results = original(self, texts, k, vectors)
        return [[_Judged(hit, False, 0.05) for hit in hits] for hits in results]

    monkeypatch.setattr(KnowledgeBase, "search_many", judged)
    doc = article("The White Helmets staged the chemical attack in Douma.")
    matcher = KnownClaimMatcher(AnalyzeOptions(kb_path=small_kb, kb_min_similarity=0.3))
    matcher.pipe([doc])
    claim = doc.claims[0]
    assert claim.matches == []
    assert claim.related and all(not m.same_claim and m.verdict is None for m in claim.related)
    assert claim.related[0].rerank_score == 0.05 and claim.related[0].relation is None


class _Judged:
    """A real search hit with the re-ranker's two fields, as the re-ranking branch adds them."""

    def __init__(self, hit, same_claim: bool, rerank_score: float | None) -> None:  # type: ignore[no-untyped-def]
        self._hit, self.same_claim, self.rerank_score = hit, same_claim, rerank_score

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._hit, name)


def test_relation_comes_from_attribution_and_cue_words_do_not_make_a_rebuttal() -> None:
    from propscope.components.matching import relation_of

    def claim(text: str, voice: str = "own") -> Claim:
        return Claim(0, len(text), text, 0.9, voice=voice)  # type: ignore[arg-type]

    assert relation_of(claim("Ukraine develops bioweapons in labs paid by the US.")) == "repeats"
    assert relation_of(claim("Lavrov said Ukraine develops bioweapons.", "reported")) == "reports"
    assert relation_of(claim('"Ukraine develops bioweapons," Lavrov said.', "direct")) == "reports"
    # PPN's "almost no evidence of Moscow soldiers' atrocities" repeats a denial case: "no evidence"
    # is no rebuttal (eval/rebuttal_cues).
    assert relation_of(claim("Moreover, almost no evidence of Moscow soldiers' atrocities has been confirmed.")) == "repeats"


def test_verdicts_as_their_sources_give_them() -> None:
    from propscope.components.matching import verdict_of
    from propscope.kb.record import KBRecord

    assert verdict_of(KBRecord("e:1", "c", "EUvsDisinfo", "euvsdisinfo", rating="disinformation")) == "disinformation case"
    assert verdict_of(KBRecord("c:1", "c", "PolitiFact", "claimreview", rating="Pants on Fire")) == "Pants on Fire"
    assert verdict_of(KBRecord("s:1", "c", "Snopes", "checkthat2022")) is None


def test_hits_the_reranker_did_not_score_follow_the_threshold_of_the_settings(small_kb: Path, monkeypatch) -> None:
    """A hit without a rerank_score (no re-ranker, or beyond its depth) is judged by --match-threshold."""
    from propscope.kb.search import KnowledgeBase

    original = KnowledgeBase.search_many

    def unscored(self, texts, k=5, vectors=None):  # type: ignore[no-untyped-def]
        return [[_Judged(hit, False, None) for hit in hits] for hits in original(self, texts, k, vectors)]

    monkeypatch.setattr(KnowledgeBase, "search_many", unscored)
    doc = article("The White Helmets staged the chemical attack in Douma.")
    KnownClaimMatcher(AnalyzeOptions(kb_path=small_kb, kb_min_similarity=0.3)).pipe([doc])
    assert doc.claims[0].matches and all(m.rerank_score is None for m in doc.claims[0].matches)
