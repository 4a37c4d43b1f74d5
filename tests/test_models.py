"""Model directories, tokenisation windows and model runs (the shipped technique model at most)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from propscope.errors import BadModelDirectory, ModelNotFound
from propscope.models import ModelDir, encode_windows, load_model_dir, load_tokenizer
from propscope.train.encoder import base_encoder_path


def test_missing_directory_is_model_not_found(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound):
        load_model_dir(tmp_path / "nope")


def test_config_round_trip_and_checks(tmp_path: Path) -> None:
    model = ModelDir(path=tmp_path, task="claims", labels=["check-worthy"], thresholds={"check-worthy": 0.4}, extra={"seed": 3})
    model.save_config()
    with pytest.raises(BadModelDirectory, match="model.onnx"):
        load_model_dir(tmp_path)
    (tmp_path / "model.onnx").write_bytes(b"")
    (tmp_path / "tokenizer.json").write_text("{}")
    loaded = load_model_dir(tmp_path, task="claims")
    assert loaded.thresholds == {"check-worthy": 0.4}
    assert loaded.extra == {"seed": 3}
    with pytest.raises(BadModelDirectory, match="'claims' model"):
        load_model_dir(tmp_path, task="techniques")


def test_bad_json_config(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(BadModelDirectory):
        load_model_dir(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"labels": []}))
    with pytest.raises(BadModelDirectory, match="task"):
        load_model_dir(tmp_path)


def test_windows_overlap_and_keep_character_offsets() -> None:
    tokenizer = load_tokenizer(base_encoder_path() / "tokenizer.json", max_length=16, stride=4)
    text = "The so-called experts, according to Reuters, said the U.S. economy grew 2.5% last year. " * 3
    windows = encode_windows(tokenizer, [text, "Short text."])
    assert len(windows) > 2
    assert windows.text_index[-1] == 1
    assert (windows.text_index[:-1] == 0).all()
    first, second = windows.offsets[0], windows.offsets[1]
    real_first = first[~windows.special[0]]
    real_second = second[~windows.special[1]]
    # consecutive windows overlap by `stride` tokens
    assert real_second[0][0] < real_first[-1][1]
    for (start, end), special in zip(windows.offsets[0], windows.special[0], strict=True):
        if not special:
            assert text[start:end].lower() in text.lower()
            assert end > start


def test_load_once_loads_two_models_at_once_and_each_once() -> None:
    """Per-key locks: a slow load does not hold up another model's (the engine's prefetch thread loads
    spaCy while the tagger loads and runs), and two threads asking for one model load it once."""
    import threading

    from propscope.models import cache

    both_started = threading.Barrier(2, timeout=10)
    calls: list[str] = []

    def loader(name: str) -> str:
        calls.append(name)
        both_started.wait()  # with one lock over every load, the second loader never starts: BrokenBarrierError
        return name

    results: dict[str, str] = {}

    def ask(kind: str) -> None:
        results[kind] = cache.load_once(f"test-{kind}", None, lambda: loader(kind))

    threads = [threading.Thread(target=ask, args=(kind,)) for kind in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert results == {"a": "a", "b": "b"} and sorted(calls) == ["a", "b"]

    again = [threading.Thread(target=ask, args=("a",)) for _ in range(4)]
    for thread in again:
        thread.start()
    for thread in again:
        thread.join(20)
    assert sorted(calls) == ["a", "b"]  # loaded once, however many asked


def test_first_analysis_prefetches_only_the_pipelines_models() -> None:
    import threading

    from propscope.engine import Analyzer
    from propscope.models import cache
    from propscope.options import EngineConfig, RunSettings

    cache.clear()
    analyzer = Analyzer(EngineConfig())
    settings = RunSettings(components=["segment", "techniques"])
    analyzer.analyze_text("The minister said that 40 percent of the budget went to defence.", settings)
    for thread in threading.enumerate():
        if thread.name == "propscope-prefetch":
            thread.join(60)
    kinds = {key[0] for key in cache._loaded}
    assert "techniques" in kinds and "spacy" not in kinds and "kb" not in kinds


def test_in_order_keeps_the_order_and_looks_ahead_a_bounded_number() -> None:
    import threading
    import time

    from propscope.models.runtime import in_order

    started: list[int] = []
    lock = threading.Lock()

    def slow(item: int) -> int:
        with lock:
            started.append(item)
        time.sleep(0.002 * (item % 3))  # later items may finish first
        return item * item

    results = []
    for k, value in enumerate(in_order(slow, range(40), workers=2)):
        results.append(value)
        with lock:
            assert len(started) <= k + 1 + 2 * 2  # never more than 2 * workers ahead of the consumer
    assert results == [i * i for i in range(40)]
    assert list(in_order(slow, range(5), workers=1)) == [0, 1, 4, 9, 16]


def test_in_order_passes_on_the_error_of_an_item() -> None:
    from propscope.models.runtime import in_order

    def fail_on_three(item: int) -> int:
        if item == 3:
            raise ValueError("three")
        return item

    with pytest.raises(ValueError, match="three"):
        list(in_order(fail_on_three, range(10), workers=2))


def test_technique_windows_run_side_by_side_give_the_outputs_of_one_at_a_time() -> None:
    """Two windows at once on one intra-op thread each: bitwise the outputs of one window at a time."""
    from propscope.components.techniques import TechniqueModel
    from propscope.models import packaged_model_path

    text = (Path(__file__).resolve().parents[1] / "examples" / "article.txt").read_text(encoding="utf-8")
    one, two = (TechniqueModel.load(packaged_model_path("techniques"), threads=n) for n in (1, 2))
    assert two.onnx.workers == 2 and one.onnx.workers == 1
    [a], [b] = one.outputs([text * 3], with_hidden=True), two.outputs([text * 3], with_hidden=True)
    assert np.array_equal(a.logits, b.logits) and np.array_equal(a.hidden, b.hidden)
