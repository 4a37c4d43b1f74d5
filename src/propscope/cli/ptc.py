"""``propscope ptc predict|score``: SemEval-2020 Task 11 label files from the technique model, and the metrics.

- ``predict --task si --articles DIR --out FILE``: ``article_id<TAB>start<TAB>end`` per predicted span,
  for every ``article<ID>.txt`` in DIR;
- ``predict --task flc --articles DIR --out FILE``: ``id<TAB>technique<TAB>start<TAB>end`` of the spans
  ``analyze`` shows (the report operating point; ``--all-spans``: every span of the F1 decoder), to score
  with ``score --task flc``;
- ``predict --task tc --articles DIR --template FILE --out FILE``: the template's
  ``id<TAB>?<TAB>start<TAB>end`` lines with the predicted technique in place of ``?``;
- ``score --task si|tc|flc --gold FILE --pred FILE``: prints the official measure (``flc``: the
  technique-aware partial-overlap measure of SemEval-2019, for the spans a report shows; both files
  ``id<TAB>technique<TAB>start<TAB>end``).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from propscope.errors import BadRecord, InputError
from propscope.eval.ptc_metrics import flc_score, si_score, tc_score
from propscope.ptc.corpus import LabelledSpan, group_by_article, read_articles, read_labels, write_labels

app = typer.Typer(help="SemEval-2020 Task 11 (PTC): predict label files and score them.", no_args_is_help=True)

BATCH_ARTICLES = 8


class Task(str, Enum):
    si = "si"
    tc = "tc"
    flc = "flc"


def _load_model(model: Path | None, threads: int | None = None):  # noqa: ANN202 - TechniqueModel, imported lazily
    from propscope.components.techniques import TechniqueModel
    from propscope.models import packaged_model_path

    return TechniqueModel.load(model or packaged_model_path("techniques"), threads=threads)


def predict_si(articles: Path, out: Path, model: Path | None = None, threshold: float | None = None) -> int:
    """Write SI spans for every article of ``articles``; returns the number of spans."""
    tagger = _load_model(model)
    texts = read_articles(articles)
    ids = sorted(texts)
    spans: list[LabelledSpan] = []
    for first in range(0, len(ids), BATCH_ARTICLES):
        batch = ids[first : first + BATCH_ARTICLES]
        for article_id, outputs in zip(batch, tagger.outputs([texts[i] for i in batch]), strict=True):
            spans.extend(LabelledSpan(article_id, s, e) for s, e, _ in tagger.si_spans(outputs, threshold))
    write_labels(out, spans, with_technique=False)
    return len(spans)


def predict_report(articles: Path, out: Path, model: Path | None = None, all_spans: bool = False) -> int:
    """Write the technique spans a report shows for every article of ``articles``; returns their number."""
    tagger = _load_model(model)
    texts = read_articles(articles)
    ids = sorted(texts)
    thresholds = tagger.thresholds()
    spans: list[LabelledSpan] = []
    for first in range(0, len(ids), BATCH_ARTICLES):
        batch = ids[first : first + BATCH_ARTICLES]
        outputs = tagger.outputs([texts[i] for i in batch], with_hidden=tagger.span_head is not None)
        for article_id, out_ in zip(batch, outputs, strict=True):
            shown, _ = tagger.report_spans(out_, thresholds, all_spans)
            spans.extend(LabelledSpan(article_id, s.start, s.end, s.technique) for s in shown)
    write_labels(out, spans, with_technique=True)
    return len(spans)


def predict_tc(articles: Path, template: Path, out: Path, model: Path | None = None) -> int:
    """Fill the technique of every template line; returns the number of lines."""
    tagger = _load_model(model)
    texts = read_articles(articles)
    lines = read_labels(template)
    if any(line.technique is None for line in lines):
        raise BadRecord(f"{template} is not a TC template: expected id<TAB>?<TAB>start<TAB>end lines")
    rows_of: dict[str, list[int]] = {}
    for row, line in enumerate(lines):
        rows_of.setdefault(line.article_id, []).append(row)
    missing = sorted(set(rows_of) - set(texts))
    if missing:
        raise InputError(f"{template} names articles that {articles} lacks: {', '.join(missing[:5])}")
    filled = list(lines)
    ids = sorted(rows_of)
    for first in range(0, len(ids), BATCH_ARTICLES):
        batch = ids[first : first + BATCH_ARTICLES]
        for article_id, outputs in zip(batch, tagger.outputs([texts[i] for i in batch], with_hidden=True), strict=True):
            rows = rows_of[article_id]
            spans = [(lines[row].start, lines[row].end) for row in rows]
            for row, technique in zip(rows, tagger.classify(outputs, spans), strict=True):
                filled[row] = LabelledSpan(lines[row].article_id, lines[row].start, lines[row].end, technique)
    write_labels(out, filled, with_technique=True)
    return len(filled)


def score(task: Task, gold: Path, pred: Path) -> dict[str, float]:
    """The official measure of ``pred`` against ``gold``."""
    gold_spans = read_labels(gold)
    pred_spans = read_labels(pred)
    if task is Task.si:
        result = si_score(
            {k: [(s.start, s.end) for s in v] for k, v in group_by_article(gold_spans).items()},
            {k: [(s.start, s.end) for s in v] for k, v in group_by_article(pred_spans).items()},
        )
        return {"f1": result.f1, "precision": result.precision, "recall": result.recall}
    for name, spans in (("gold", gold_spans), ("pred", pred_spans)):
        if any(s.technique in (None, "?") for s in spans):
            raise BadRecord(
                f"the {name} file has no technique column: {task.value.upper()} needs id<TAB>technique<TAB>start<TAB>end"
            )
    gold_items = [(s.article_id, s.start, s.end, str(s.technique)) for s in gold_spans]
    pred_items = [(s.article_id, s.start, s.end, str(s.technique)) for s in pred_spans]
    if task is Task.flc:
        result_flc = flc_score(gold_items, pred_items)
        scores = {"f1": result_flc.f1, "precision": result_flc.precision, "recall": result_flc.recall}
        scores.update({f"f1[{name}]": s.f1 for name, s in result_flc.per_technique.items()})
        return scores
    result_tc = tc_score(gold_items, pred_items)
    scores = {"f1": result_tc.f1, "precision": result_tc.precision, "recall": result_tc.recall}
    scores.update({f"f1[{name}]": prf.f1 for name, prf in result_tc.per_technique.items()})
    return scores


@app.command("predict")
def predict_command(
    task: Task = typer.Option(..., "--task", help="si: find spans; tc: classify the template's spans."),
    articles: Path = typer.Option(..., "--articles", help="Folder of article<ID>.txt files."),
    out: Path = typer.Option(..., "--out", help="Label file to write."),
    template: Path | None = typer.Option(None, "--template", help="TC only: id<TAB>?<TAB>start<TAB>end lines."),
    model: Path | None = typer.Option(None, "--model", help="Technique model directory (default: the shipped one)."),
    all_spans: bool = typer.Option(False, "--all-spans", help="FLC only: every span of the F1 decoder, not the report's."),
) -> None:
    """Write a SemEval-2020 Task 11 prediction file (flc: the technique spans a report shows)."""
    if all_spans and task is not Task.flc:
        raise InputError("--all-spans is for --task flc only")
    if task is Task.flc:
        if template is not None:
            raise InputError("--template is for --task tc only")
        count = predict_report(articles, out, model, all_spans)
        typer.echo(f"propscope: wrote {count} technique spans to {out}", err=True)
        return
    if task is Task.si:
        if template is not None:
            raise InputError("--template is for --task tc only")
        count = predict_si(articles, out, model)
        typer.echo(f"propscope: wrote {count} spans to {out}", err=True)
        return
    if template is None:
        raise InputError("--task tc needs --template FILE (id<TAB>?<TAB>start<TAB>end lines)")
    count = predict_tc(articles, template, out, model)
    typer.echo(f"propscope: wrote {count} labelled spans to {out}", err=True)


@app.command("score")
def score_command(
    task: Task = typer.Option(..., "--task", help="si: span F1 (partial overlap); tc: micro-F1; flc: technique-aware span F1 (SemEval-2019)."),
    gold: Path = typer.Option(..., "--gold", help="Gold label file."),
    pred: Path = typer.Option(..., "--pred", help="Predicted label file."),
) -> None:
    """Print the official measure: F1, precision and recall (TC: and F1 per technique)."""
    scores = score(task, gold, pred)
    typer.echo(f"F1={scores['f1']:.6f}\tPrecision={scores['precision']:.6f}\tRecall={scores['recall']:.6f}")
    for name, value in scores.items():
        if name.startswith("f1["):
            typer.echo(f"{name[3:-1]}\t{value:.6f}")
