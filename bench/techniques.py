"""Speed of the technique model: ONNX Runtime (shipped model) against PyTorch eager (same weights).

Usage:
    python bench/techniques.py [--model DIR] [--checkpoint DIR] [--data PTC_DIR] [--articles 20]
                               [--repeats 5] [--threads 2] [--train-steps 0] [--record]

- articles/s and tokens/s over validation articles of PTC (``--data``; the ids come from the model's
  ``metrics.json``), the whole path each time: tokenisation, windows, model, averaging per token;
- the PyTorch reference is the fine-tuning checkpoint (``--checkpoint``, default ``MODEL-checkpoint`` or
  ``out/ckpt-gpu1``) run in fp32 through transformers, windowed the same way, on the same thread count;
- the analysis time of ``bench/data/article_800.txt`` through the ``techniques`` component;
- the same weights exported to fp32 ONNX (when the checkpoint is there), to show what int8 buys;
- ``--train-steps N``: the median time of N training steps on this CPU, and from it the estimated time
  of the full training run (steps of the checkpoint's run);
- ``--record``: store the figures in the model's ``metrics.json`` and rewrite its model card.

Medians over ``--repeats`` runs after a warm-up run. The last line is JSON:
``{"onnx_articles_per_s": ..., "torch_articles_per_s": ..., "ratio": ...}``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def median_seconds(run: Any, repeats: int) -> float:
    run()  # warm-up
    times = []
    for _ in range(repeats):
        time.sleep(0.2)
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved_medians(candidates: dict[str, Any], repeats: int) -> dict[str, float]:
    """Median seconds of each candidate, run in turn (after one warm-up run each)."""
    for run in candidates.values():
        run()
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(repeats):
        for name, run in candidates.items():
            time.sleep(0.5)  # let the previous run's worker threads go idle
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def find_checkpoint(model: Path, given: Path | None) -> Path | None:
    for candidate in (given, model.parent / f"{model.name}-checkpoint", REPO / "out" / "ckpt-gpu1"):
        if candidate is not None and (candidate / "checkpoint.json").is_file():
            return candidate
    return None


def main() -> int:
    from propscope.components.techniques import TechniqueModel, TechniqueTagger
    from propscope.document import Article
    from propscope.models import packaged_model_path
    from propscope.options import AnalyzeOptions
    from propscope.ptc.corpus import load_corpus

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=packaged_model_path("techniques"))
    parser.add_argument("--checkpoint", type=Path)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "ptc-2020")
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--train-steps", type=int, default=0)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()

    speed_load_before = [round(x, 2) for x in os.getloadavg()]
    metrics_path = args.model / "metrics.json"
    metrics = json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else {}
    corpus = load_corpus(args.data)
    ids = [i for i in metrics.get("val_ids", corpus.ids) if i in corpus.texts][: args.articles]
    texts = [corpus.texts[i] for i in ids]

    model = TechniqueModel.load(args.model, threads=args.threads)
    n_tokens = sum(len(e.ids) for e in model.tokenizer.encode_batch(texts, add_special_tokens=False))
    candidates: dict[str, Any] = {"onnx": lambda: model.outputs(texts, with_hidden=True)}
    speed: dict[str, Any] = {
        "articles": len(texts),
        "tokens": n_tokens,
        "threads": args.threads,
        "repeats": args.repeats,
        "onnx_file": model.model.onnx_file,
    }

    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch is not installed: no reference measured")
    net = settings = None
    meta: dict[str, Any] = {}
    tmp = tempfile.TemporaryDirectory()
    if torch is not None:
        from propscope.ptc import tagging
        from propscope.train.techniques import TrainSettings, build_network, load_checkpoint, torch_outputs

        torch.set_num_threads(args.threads)
        checkpoint = find_checkpoint(args.model, args.checkpoint)
        if checkpoint is not None:
            net, settings, meta = load_checkpoint(checkpoint)
            speed["torch_weights"] = f"checkpoint {checkpoint.name} (the weights the ONNX model was exported from), fp32"
            # the same weights as an fp32 ONNX file, to show what the int8 quantisation buys
            from propscope.train.export import export_onnx
            from propscope.train.techniques import OUTPUT_NAMES, _dynamic_output_lengths

            fp32_path = Path(tmp.name) / "model-fp32.onnx"
            export_onnx(net, fp32_path, OUTPUT_NAMES)
            _dynamic_output_lengths(fp32_path)
            fp32_model = TechniqueModel(model.model, threads=args.threads, onnx_path=fp32_path)
            candidates["onnx_fp32"] = lambda: fp32_model.outputs(texts, with_hidden=True)
        else:
            from propscope.train.encoder import load_base_encoder

            settings = TrainSettings.from_dict(dict(metrics.get("settings", {})))
            net = build_network(settings, load_base_encoder()[0]).eval()
            speed["torch_weights"] = "no checkpoint found: base encoder with untrained heads (same architecture and cost)"
        tokenizer = tagging.load_article_tokenizer(str(args.model / "tokenizer.json"))
        candidates["torch"] = lambda: torch_outputs(net, tokenizer, texts, settings, "cpu", with_hidden=True, windows_per_run=32)

    # The ONNX files run in turn, so that other load on the machine falls on both alike; PyTorch runs in a
    # block of its own, because its idle OpenMP threads keep spinning and would slow the run after them.
    torch_run = candidates.pop("torch", None)
    seconds = interleaved_medians(candidates, args.repeats)
    if torch_run is not None:
        seconds["torch"] = interleaved_medians({"torch": torch_run}, args.repeats)["torch"]
    print(f"{len(texts)} articles, {n_tokens} tokens, {args.threads} threads, medians of {args.repeats} interleaved runs")
    names = {"onnx": f"ONNX Runtime ({model.model.onnx_file})", "onnx_fp32": "ONNX Runtime fp32", "torch": "PyTorch eager fp32"}
    for name, value in seconds.items():
        speed[f"{name}_articles_per_s"] = len(texts) / value
        speed[f"{name}_tokens_per_s"] = n_tokens / value
        print(f"{names[name]:28s} {value:6.2f} s  {len(texts) / value:6.2f} articles/s  {n_tokens / value:6.0f} tokens/s")
    if "torch" in seconds:
        speed["ratio"] = speed["onnx_articles_per_s"] / speed["torch_articles_per_s"]
        print(f"ratio ONNX / PyTorch: {speed['ratio']:.2f} ({speed['torch_weights']})")

    # -- the 800-word article through the component ----------------------------------------------
    article_path = HERE / "data" / "article_800.txt"
    if article_path.is_file():
        text = article_path.read_text(encoding="utf-8")
        tagger = TechniqueTagger(AnalyzeOptions(technique_model=args.model, threads=args.threads))
        speed["article_800_words_seconds"] = median_seconds(lambda: tagger.pipe([Article(text=text)]), max(args.repeats, 10))
        speed["article_800_words"] = len(text.split())
        print(f"{article_path.name} ({speed['article_800_words']} words) through the techniques component: {speed['article_800_words_seconds']:.3f} s")

    if args.train_steps > 0 and net is not None:
        from dataclasses import replace

        from propscope.train.techniques import fit, indexed_spans, make_examples

        train_ids = [i for i in meta.get("train_ids", corpus.ids) if i in corpus.texts][:30]
        examples = make_examples({i: corpus.texts[i] for i in train_ids}, indexed_spans(corpus, train_ids), tokenizer, settings)
        examples = [e for e in examples if len(e.input_ids) == settings.max_length][: args.train_steps * settings.batch_size]
        info = fit(net, examples, replace(settings, epochs=1), "cpu", lambda _: None)
        speed["cpu_train_step_seconds"] = info["median_step_seconds"]
        speed["cpu_train_step_min_seconds"] = info["min_step_seconds"]
        speed["cpu_train_steps_measured"] = info["steps"]
        steps = (meta.get("train_info") or {}).get("steps")
        if steps:
            finalise_minutes = metrics.get("finalise_seconds", 0) / 60
            speed["cpu_train_estimate_minutes"] = steps * info["median_step_seconds"] / 60 + finalise_minutes
            speed["cpu_train_estimate_minutes_from_fastest_step"] = steps * info["min_step_seconds"] / 60 + finalise_minutes
        print(
            f"training step on this CPU (batch {settings.batch_size} x {settings.max_length}): median {info['median_step_seconds']:.2f} s, "
            f"fastest {info['min_step_seconds']:.2f} s"
            + (f"; full run of {steps} steps + finalisation: about {speed['cpu_train_estimate_minutes']:.0f} min" if steps else "")
        )
    tmp.cleanup()

    speed["host"] = platform.platform()
    speed["cpu_count"] = os.cpu_count()
    speed["load_average_before"] = speed_load_before
    speed["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    speed["command"] = "python bench/techniques.py " + " ".join(sys.argv[1:])
    if args.record and metrics:
        from propscope.train.card import write_card

        metrics["speed"] = speed
        metrics_path.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
        write_card(args.model)
        print(f"recorded in {metrics_path} and {args.model / 'README.md'}")
    print(
        json.dumps(
            {
                "onnx_articles_per_s": round(speed["onnx_articles_per_s"], 3),
                "torch_articles_per_s": round(speed["torch_articles_per_s"], 3) if "torch_articles_per_s" in speed else None,
                "ratio": round(speed["ratio"], 3) if "ratio" in speed else None,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
