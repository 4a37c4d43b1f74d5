"""``propscope reanalyze``: a tiny trained model re-analyses stored articles; the new analysis is
stored beside the old one and the command reports which spans changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from propscope.cli.main import main
from propscope.components.techniques import TechniqueTagger
from propscope.corrections import reanalyze
from propscope.document import Article, Claim, ComponentRun, Segment, TechniqueSpan
from propscope.options import AnalyzeOptions, RunSettings
from propscope.store import CorrectionRequest, Store
from tests.techniques.test_overfitting import ARTICLES

ALL_SPANS = RunSettings(technique_all_spans=True)


def old_analysis(text: str) -> Article:
    """What an earlier model said: one span on the first word, a wrong one over the second line, a claim."""
    first_line = text.index("\n\n") + 2
    second = text.index("\n", first_line)
    return Article(
        text=text, title=text[: text.index("\n")], sentences=[Segment(first_line, second)],
        techniques=[TechniqueSpan("Loaded_Language", 0, 8, 0.6), TechniqueSpan("Doubt", first_line, second, 0.5)],
        claims=[Claim(first_line, second, text[first_line:second], 0.9, speaker="officials", voice="reported")],
        components=[ComponentRun("segment", "1", "aaaa"), ComponentRun("techniques", "2", "bbbb"), ComponentRun("claims", "1", "cccc")],
    )


def spans(article: Article) -> set[tuple[int, int, str]]:
    return {(s.start, s.end, s.technique) for s in article.techniques}


def test_reanalysis_is_stored_beside_the_old_analysis_and_says_what_changed(store: Store, tiny_technique_model: Path) -> None:
    ids = [store.save(old_analysis(text), "old-model").article_id for text in ARTICLES.values()]
    store.add_correction(ids[0], CorrectionRequest("technique", "reject", index=1), author="ana")
    report = reanalyze(store, tiny_technique_model, settings=ALL_SPANS)
    tagger = TechniqueTagger(AnalyzeOptions(technique_model=tiny_technique_model, technique_all_spans=True))
    # one article at a time, as reanalyze runs them (an int8 model's spans depend on what shares the batch)
    expected = [tagger(Article(text=text)) for text in ARTICLES.values()]
    assert [a.article_id for a in report.articles] == ids and all(a.stored for a in report.articles)
    for change, text, new in zip(report.articles, ARTICLES.values(), expected, strict=True):
        stored = store.get(change.article_id)
        assert [a["id"] for a in stored.analyses] == [change.new_analysis, change.old_analysis]
        assert stored.analysis["id"] == change.new_analysis and stored.analysis["current"]
        old = store.get(change.article_id, change.old_analysis).article
        assert spans(old) == spans(old_analysis(text))  # the old analysis is kept as it was
        assert spans(stored.article) == spans(new)  # the new one is the new model's
        assert stored.article.claims == old.claims  # only the techniques were recomputed
        assert [c.name for c in stored.article.components] == ["segment", "techniques", "claims"]
        assert stored.article.components[1].fingerprint == report.fingerprint != "bbbb"
        # the report accounts for every old and every new span exactly once
        gone = set(change.removed) | {o for o, _ in change.relabelled + change.resized}
        came = set(change.added) | {n for _, n in change.relabelled + change.resized}
        assert gone == spans(old) - spans(stored.article) and came == spans(stored.article) - spans(old)
        assert change.unchanged == len(spans(old) & spans(stored.article))
    assert report.totals()["changed"] == 2  # the tiny model never predicts the old analysis' Doubt line
    assert store.corrections(ids[0])[0]["analysis_id"] == report.articles[0].old_analysis
    again = reanalyze(store, tiny_technique_model, settings=ALL_SPANS)
    assert not any(a.stored for a in again.articles)
    assert [a.new_analysis for a in again.articles] == [a.new_analysis for a in report.articles]
    assert len(store.get(ids[0]).analyses) == 2


def test_reanalyze_command(sqlite_store: Store, tiny_technique_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = (sqlite_store.save(old_analysis(text), "old-model").article_id for text in ARTICLES.values())
    base = ["reanalyze", "--store", sqlite_store.url, "--model", str(tiny_technique_model)]
    assert main([*base, "--all-spans", "--article", str(second)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"article {second}: analysis ") and "\ntotal: 1 articles (1 new analyses, 1 changed)" in out
    assert len(sqlite_store.get(first).analyses) == 1 and len(sqlite_store.get(second).analyses) == 2
    assert main([*base, "--article", "999"]) == 2
    assert capsys.readouterr().err.startswith("propscope: error E502: no stored article 999")
    assert main(["reanalyze", "--store", sqlite_store.url, "--model", str(tmp_path / "none")]) == 3
    assert capsys.readouterr().err.startswith("propscope: error E201:")


def test_an_articles_reanalysis_does_not_depend_on_the_others_reanalysed(sqlite_store: Store, tiny_technique_model: Path, tmp_path: Path) -> None:
    """The int8 models quantise activations with one scale per model run; the tagger runs one window a
    run, so an article's spans are the same alone, batched, or re-analysed with other articles."""
    tagger = TechniqueTagger(AnalyzeOptions(technique_model=tiny_technique_model, technique_all_spans=True))
    texts = list(ARTICLES.values())
    single = tagger(Article(text=texts[1]))
    assert spans(tagger.pipe([Article(text=t) for t in texts])[1]) == spans(single)
    ids = [sqlite_store.save(old_analysis(text), "old-model").article_id for text in texts]
    alone = Store.open(f"sqlite:///{tmp_path / 'alone.db'}", migrate=True)
    try:
        only = alone.save(old_analysis(texts[1]), "old-model").article_id
        reanalyze(alone, tiny_technique_model, [only], ALL_SPANS)
        by_itself = alone.get(only).article
    finally:
        alone.close()
    reanalyze(sqlite_store, tiny_technique_model, settings=ALL_SPANS)
    together = sqlite_store.get(ids[1]).article
    assert spans(together) == spans(by_itself) == spans(single)
