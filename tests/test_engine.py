"""The long-lived analyser: models load once, settings change per call, outcomes carry provenance."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from propscope.components.segment import SentenceSegmenter
from propscope.document import Article
from propscope.engine import Analyzer, Outcome, default_analyzer
from propscope.errors import ComponentUnavailable, ModelError, UnsupportedLanguage
from propscope.ingest import IngestResult, article_from_text
from propscope.models import cache
from propscope.options import AnalyzeOptions, EngineConfig, IngestOptions, RunSettings
from propscope.pipeline import Component
from propscope.runner import analyze_text

TEXT = (
    "The minister said on Tuesday that 40 percent of the budget was spent on defence. "
    "Critics called the plan a disaster for ordinary families. "
    "According to Reuters, the vote is expected next week.\n"
)


def test_second_call_with_other_settings_loads_nothing() -> None:
    analyzer = Analyzer(EngineConfig())
    first = analyzer.analyze_text(TEXT, RunSettings())
    loaded = cache.loaded_count()
    every_sentence = analyzer.analyze_text(TEXT, RunSettings(claim_threshold=0.0, technique_threshold_shift=-0.3, kb_top_k=1))
    assert cache.loaded_count() == loaded
    assert len(every_sentence.claims) == len(every_sentence.sentences) >= len(first.claims)
    assert len(every_sentence.techniques) >= len(first.techniques)
    assert all(len(claim.matches) <= 1 for claim in every_sentence.claims)


def test_analysers_with_one_config_share_their_models() -> None:
    one, two = Analyzer(EngineConfig()), Analyzer(EngineConfig())
    assert one.components["techniques"].model is two.components["techniques"].model  # type: ignore[attr-defined]
    assert default_analyzer() is default_analyzer(EngineConfig())


def test_runs_record_fingerprints_that_follow_files_and_settings() -> None:
    analyzer = Analyzer(EngineConfig())
    article = analyzer.analyze_text(TEXT, RunSettings(components=("segment", "techniques")))
    runs = {run.name: run for run in article.components}
    assert set(runs) == {"segment", "techniques"}
    assert all(run.fingerprint and len(run.fingerprint) == 16 for run in runs.values())
    base = analyzer.fingerprints()
    shifted = analyzer.fingerprints(RunSettings(technique_threshold_shift=0.1))
    from propscope.components.techniques import TechniqueTagger

    expected = {"version": TechniqueTagger.version, "fingerprint": runs["techniques"].fingerprint}
    assert base["components"]["techniques"] == expected
    assert shifted["components"]["techniques"] != base["components"]["techniques"]
    assert shifted["components"]["claims"] == base["components"]["claims"]
    assert shifted["signature"] != base["signature"] == analyzer.signature(RunSettings())


def test_fingerprint_changes_when_model_files_change(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from propscope.components.techniques import TechniqueTagger

    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text('{"a": 1}')
    tagger = TechniqueTagger(EngineConfig(technique_model=model))
    before = tagger.fingerprint(RunSettings())
    (model / "config.json").write_text('{"a": 2}')
    assert tagger.fingerprint(RunSettings()) != before


class Failing(Component):
    name = "failing"
    requires = ("sentences",)

    def pipe(self, articles: Sequence[Article], settings: RunSettings | None = None) -> list[Article]:
        raise ModelError("the model ran out of memory")


def test_outcomes_are_ok_partial_or_error() -> None:
    ingest = IngestOptions()
    results = [
        IngestResult("a.txt", article_from_text(TEXT, ingest), None),
        IngestResult("missing.txt", None, ComponentUnavailable("stand-in ingest error")),
        IngestResult("de.txt", article_from_text("Die Regierung hat gestern beschlossen, dass die Steuern steigen werden. " * 3, ingest), None),
    ]
    ok = list(Analyzer(EngineConfig(), [SentenceSegmenter()]).run(results, RunSettings()))
    assert [o.status for o in ok] == ["ok", "error", "error"]
    assert isinstance(ok[2].error, UnsupportedLanguage) and ok[2].article is None and ok[2].reason
    assert ok[0].article is not None and ok[0].article.sentences and ok[0].timings["segment"] >= 0
    assert ok[0].timings["total"] >= ok[0].timings["segment"]

    broken = Analyzer(EngineConfig(), [SentenceSegmenter(), Failing()])
    partial = list(broken.run([IngestResult("a.txt", article_from_text(TEXT, ingest), None)], RunSettings()))
    assert len(partial) == 1 and isinstance(partial[0], Outcome)
    assert partial[0].status == "partial" and not partial[0].ok
    assert partial[0].reason is not None and "failing" in partial[0].reason
    assert partial[0].article is not None and partial[0].article.sentences  # what ran before is kept
    assert [run.name for run in partial[0].article.components] == ["segment"]
    with pytest.raises(ModelError):
        broken.analyze_text(TEXT)


def test_a_requested_component_that_cannot_run_makes_the_outcome_partial(tmp_path) -> None:  # type: ignore[no-untyped-def]
    analyzer = Analyzer(EngineConfig(kb_path=tmp_path / "absent.sqlite"))
    settings = RunSettings(components=("segment", "claims", "matching"))
    (outcome,) = analyzer.run([IngestResult("a.txt", article_from_text(TEXT, IngestOptions()), None)], settings)
    assert outcome.status == "partial" and isinstance(outcome.error, ComponentUnavailable)
    assert outcome.article is not None and outcome.article.has_run("claims")
    with pytest.raises(ComponentUnavailable):
        analyzer.analyze_text(TEXT, settings)


def test_runner_functions_delegate_to_the_default_analyser() -> None:
    article = analyze_text(TEXT, AnalyzeOptions(components=("segment", "claims"), claim_threshold=0.0))
    assert len(article.claims) == len(article.sentences)
    assert [run.name for run in article.components] == ["segment", "claims"]


def test_an_articles_analysis_does_not_depend_on_its_batch_mates() -> None:
    """The int8 models quantise activations with one scale per model run: every model run holds one
    article's windows, sentences or claims, so the same article gives the same report alone or batched."""
    import json
    from pathlib import Path

    from propscope.schema import article_to_dict

    examples = Path(__file__).resolve().parents[1] / "examples"
    texts = [json.loads(line)["text"] for line in (examples / "batch.jsonl").read_text(encoding="utf-8").splitlines()]
    texts.append((examples / "article.txt").read_text(encoding="utf-8"))
    analyzer = Analyzer(EngineConfig())
    settings = RunSettings(technique_all_spans=True, claim_threshold=0.0)

    def analysed(batch: list[str]) -> list[dict[str, object]]:
        results = [IngestResult(f"t{i}", article_from_text(t, IngestOptions()), None) for i, t in enumerate(batch)]
        outcomes = list(analyzer.run(results, settings, batch_size=len(batch)))
        return [{k: v for k, v in article_to_dict(o.article).items() if k != "components"} for o in outcomes if o.ok]

    texts = [text for text in texts if analysed([text])]  # batch.jsonl holds a German text, refused
    assert len(texts) >= 3
    alone = [analysed([text])[0] for text in texts]
    together = analysed(texts)
    assert together == alone
    assert any(a["techniques"] for a in alone) and any(c["matches"] or c["related"] for a in alone for c in a["claims"])
