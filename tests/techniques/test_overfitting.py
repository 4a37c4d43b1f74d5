"""spaCy-style overfitting test: a tiny randomly initialised BERT learns two hand-written articles through
the real training code (``train_techniques``), is exported to ONNX, saved, reloaded through
``load_model_dir`` and ``TechniqueTagger``, and gives the spans back. The CLI commands run on it too."""

from __future__ import annotations

from pathlib import Path

import pytest

from propscope.cli.main import main
from propscope.components import build_pipeline
from propscope.components.techniques import TechniqueModel, TechniqueTagger
from propscope.document import Article
from propscope.errors import ModelNotFound
from propscope.models import load_model_dir
from propscope.options import AnalyzeOptions
from propscope.ptc import read_labels
from tests.techniques.tiny import TINY_BERT

pytest.importorskip("torch")
pytest.importorskip("transformers")

ARTICLES = {
    "1001": (
        "Traitors in Washington betray us\n\n"
        "The corrupt elites in Washington want to destroy our great nation.\n"
        "They are nothing but traitors and thugs.\n"
        "Make America great again!\n"
        "Experts agree that the plan is a disaster.\n"
    ),
    "1002": (
        "A quiet day at the market\n\n"
        "The farmers sold apples and pears on Tuesday.\n"
        "Prices were stable, the council said.\n"
        "But the radical mob of so-called activists spread terrifying lies.\n"
        "Is the mayor really telling the truth?\n"
    ),
}
GOLD = [
    ("1001", "corrupt elites", "Name_Calling,Labeling"),
    ("1001", "destroy", "Loaded_Language"),
    ("1001", "traitors and thugs", "Name_Calling,Labeling"),
    ("1001", "Make America great again", "Slogans"),
    ("1001", "Experts agree", "Appeal_to_Authority"),
    ("1002", "radical mob", "Name_Calling,Labeling"),
    ("1002", "terrifying lies", "Loaded_Language"),
    ("1002", "Is the mayor really telling the truth?", "Doubt"),
]


def gold_spans() -> list[tuple[str, int, int, str]]:
    spans = []
    for article_id, phrase, technique in GOLD:
        start = ARTICLES[article_id].index(phrase)
        spans.append((article_id, start, start + len(phrase), technique))
    return spans


def write_release(root: Path) -> Path:
    (root / "train-articles").mkdir(parents=True)
    for article_id, text in ARTICLES.items():
        (root / "train-articles" / f"article{article_id}.txt").write_text(text, encoding="utf-8")
    lines = [f"{a}\t{t}\t{s}\t{e}\n" for a, s, e, t in gold_spans()]
    (root / "train-task2-TC.labels").write_text("".join(lines), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from propscope.train.encoder import base_encoder_path
    from propscope.train.techniques import TrainSettings, train_techniques

    try:
        base_encoder_path()
    except ModelNotFound as exc:
        pytest.skip(f"the base tokenizer is not installed: {exc}")
    root = tmp_path_factory.mktemp("tiny")
    data = write_release(root / "ptc")
    settings = TrainSettings(
        epochs=60,
        lr=3e-3,
        head_lr=3e-3,
        batch_size=8,
        warmup=0.05,
        dropout=0.0,
        max_length=32,
        train_overlap=8,
        stride=8,
        val_fraction=0.0,  # two articles: validate on the training articles
    )
    train_techniques(data, root / "model", settings, encoder_config=TINY_BERT, say=lambda _: None)
    return data, root / "model"


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def test_tiny_model_overfits_two_articles_and_round_trips(trained: tuple[Path, Path]) -> None:
    _, model_dir = trained
    model = load_model_dir(model_dir, task="techniques")
    assert (model_dir / "README.md").is_file() and (model_dir / "span_head.npz").is_file()
    assert model.extra["label_scheme"] == "bio"
    # Every span of the F1 decoder: two articles are too few for the report operating point to show much.
    tagger = TechniqueTagger(AnalyzeOptions(technique_model=model_dir, technique_all_spans=True))
    assert tagger.available()
    articles = tagger.pipe([Article(text=ARTICLES["1001"], id="1001"), Article(text=ARTICLES["1002"], id="1002")])
    by_id = {a.id: a for a in articles}
    for article_id, start, end, technique in gold_spans():
        found = [s for s in by_id[article_id].techniques if s.technique == technique and overlaps((s.start, s.end), (start, end))]
        assert found, f"{technique} on {ARTICLES[article_id][start:end]!r} did not come back"
    for article in articles:
        for span in article.techniques:
            assert 0 <= span.start < span.end <= len(article.text)
            assert article.text[span.start : span.end] == article.text[span.start : span.end].strip()
            assert 0.0 <= span.score <= 1.0


def test_span_classifier_recovers_the_techniques(trained: tuple[Path, Path]) -> None:
    _, model_dir = trained
    model = TechniqueModel.load(model_dir)
    for article_id, text in ARTICLES.items():
        spans = [(s, e) for a, s, e, _ in gold_spans() if a == article_id]
        expected = [t for a, _, _, t in gold_spans() if a == article_id]
        (out,) = model.outputs([text], with_hidden=True)
        assert model.classify(out, spans) == expected


def test_thresholds_shift_and_override(trained: tuple[Path, Path]) -> None:
    _, model_dir = trained
    text = ARTICLES["1001"]
    everything = TechniqueTagger(
        AnalyzeOptions(technique_model=model_dir, technique_threshold_shift=-1.0, technique_all_spans=True)
    )
    nothing = TechniqueTagger(
        AnalyzeOptions(
            technique_model=model_dir, technique_thresholds={"Name_Calling,Labeling": 1.01}, technique_all_spans=True
        )
    )
    many = everything(Article(text=text)).techniques
    assert len(many) >= 14  # every technique fires everywhere at threshold 0
    assert not [s for s in nothing(Article(text=text)).techniques if s.technique == "Name_Calling,Labeling"]


def test_pipeline_runs_the_component(trained: tuple[Path, Path]) -> None:
    _, model_dir = trained
    pipeline = build_pipeline(AnalyzeOptions(technique_model=model_dir, components=("techniques",), technique_all_spans=True))
    assert pipeline.names == ["techniques"]
    article = pipeline.analyze(Article(text=ARTICLES["1002"]))
    assert {s.technique for s in article.techniques} >= {"Doubt", "Loaded_Language"}
    assert article.has_run("techniques")


def test_finalise_stores_a_report_operating_point_that_analyze_reports(trained: tuple[Path, Path]) -> None:
    """The trained directory carries the operating point (tuned on its held-out articles) and the
    calibration as JSON; by default the report says which techniques it hides and why."""
    import json

    _, model_dir = trained
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    point = config["report_operating_point"]
    assert set(point["techniques"]) == set(config["labels"])
    assert {"0.6", "0.5", "0.4", "0.3"} <= set(point["levels"])
    metrics = json.loads((model_dir / "metrics.json").read_text(encoding="utf-8"))
    assert "calibration" in metrics["report_operating_point"]["variants"]["trim_function_words"]["first_seed"]
    article = TechniqueTagger(AnalyzeOptions(technique_model=model_dir))(Article(text=ARTICLES["1001"]))
    report = article.technique_report
    assert report is not None and report.operating_point == "precision"
    hidden = {h.technique for h in report.hidden}
    assert hidden == {name for name, p in point["techniques"].items() if not p["shown"]}
    assert all(h.reason for h in report.hidden)
    assert not [s for s in article.techniques if s.technique in hidden]
    everything = TechniqueTagger(AnalyzeOptions(technique_model=model_dir, technique_all_spans=True))(Article(text=ARTICLES["1001"]))
    assert everything.technique_report is not None and everything.technique_report.hidden == []
    assert len(everything.techniques) >= len(article.techniques)
    assert all(span.triggers for span in everything.techniques)


def test_missing_model_makes_the_component_unavailable(tmp_path: Path) -> None:
    assert not TechniqueTagger(AnalyzeOptions(technique_model=tmp_path / "none")).available()


def test_ptc_predict_and_score_commands(trained: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, model_dir = trained
    articles = data / "train-articles"
    gold = data / "train-task2-TC.labels"
    si_out = tmp_path / "si.labels"
    assert main(["ptc", "predict", "--task", "si", "--articles", str(articles), "--out", str(si_out), "--model", str(model_dir)]) == 0
    predicted = read_labels(si_out)
    assert predicted and all(span.technique is None for span in predicted)
    capsys.readouterr()
    assert main(["ptc", "score", "--task", "si", "--gold", str(gold), "--pred", str(si_out)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("F1=") and float(first.split("\t")[0][3:]) > 0.7

    template = tmp_path / "template.labels"
    template.write_text("".join(f"{a}\t?\t{s}\t{e}\n" for a, s, e, _ in gold_spans()), encoding="utf-8")
    tc_out = tmp_path / "tc.labels"
    args = ["ptc", "predict", "--task", "tc", "--articles", str(articles), "--template", str(template)]
    assert main([*args, "--out", str(tc_out), "--model", str(model_dir)]) == 0
    lines = read_labels(tc_out)
    assert [(s.article_id, s.start, s.end) for s in lines] == [(a, s, e) for a, s, e, _ in gold_spans()]
    capsys.readouterr()
    assert main(["ptc", "score", "--task", "tc", "--gold", str(gold), "--pred", str(tc_out)]) == 0
    assert capsys.readouterr().out.startswith("F1=1.000000")

    # The spans a report shows, scored with the technique-aware measure: every span of the F1 decoder
    # on the training articles overlaps gold of its technique.
    flc_out = tmp_path / "flc.labels"
    args = ["ptc", "predict", "--task", "flc", "--articles", str(articles), "--out", str(flc_out), "--model", str(model_dir)]
    assert main([*args, "--all-spans"]) == 0
    shown = read_labels(flc_out)
    assert shown and all(span.technique for span in shown)
    capsys.readouterr()
    assert main(["ptc", "score", "--task", "flc", "--gold", str(gold), "--pred", str(flc_out)]) == 0
    assert float(capsys.readouterr().out.split("\t")[0][3:]) > 0.5


def test_ptc_commands_report_errors_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold.labels"
    gold.write_text("1\tDoubt\t0\t4\n", encoding="utf-8")
    si = tmp_path / "si.labels"
    si.write_text("1\t0\t4\n", encoding="utf-8")
    assert main(["ptc", "score", "--task", "tc", "--gold", str(gold), "--pred", str(si)]) == 2
    assert main(["ptc", "score", "--task", "si", "--gold", str(gold), "--pred", str(si)]) == 0
    assert capsys.readouterr().out.startswith("F1=1.000000")
    (tmp_path / "arts").mkdir()
    (tmp_path / "arts" / "article1.txt").write_text("Some text.", encoding="utf-8")
    out = tmp_path / "o.labels"
    code = main(["ptc", "predict", "--task", "si", "--articles", str(tmp_path / "arts"), "--out", str(out), "--model", str(tmp_path / "none")])
    assert code == 3
    assert main(["ptc", "predict", "--task", "tc", "--articles", str(tmp_path / "arts"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "E201" in err and "--template" in err and "Traceback" not in err


def test_train_command_finalises_a_checkpoint(trained: tuple[Path, Path], tmp_path: Path) -> None:
    data, model_dir = trained
    checkpoint = model_dir.parent / f"{model_dir.name}-checkpoint"
    out = tmp_path / "again"
    assert main(["train", "techniques", "--data", str(data), "--out", str(out), "--from-checkpoint", str(checkpoint)]) == 0
    again = load_model_dir(out, task="techniques")
    assert again.thresholds == load_model_dir(model_dir).thresholds
    both = ["--checkpoint-only", "--from-checkpoint", str(checkpoint)]
    assert main(["train", "techniques", "--data", str(data), "--out", str(out), *both]) == 2


def test_finalise_writes_the_card_from_metrics_json_and_the_shared_checkpoint(trained: tuple[Path, Path]) -> None:
    from propscope.train.card import card_difference

    _, model_dir = trained
    assert card_difference(model_dir) == ""
    assert not (model_dir / ".export").exists()  # the fp32 and int8 candidates are gone
    checkpoint = model_dir.parent / f"{model_dir.name}-checkpoint"
    assert sorted(p.name for p in checkpoint.iterdir()) == [
        "checkpoint.json", "encoder_config.json", "tokenizer.json", "weights-01-of-01.safetensors"
    ]
