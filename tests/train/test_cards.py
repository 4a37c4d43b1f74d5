"""Every shipped model card is the rendering of its metrics.json, so cards cannot drift from the figures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from propscope.errors import BadModelDirectory
from propscope.train.card import card_difference, main, render_card, write_card

MODELS = Path(__file__).resolve().parents[2] / "src" / "propscope" / "resources" / "models"
SHIPPED = sorted(p.name for p in MODELS.iterdir() if (p / "config.json").is_file())


def test_every_shipped_model_directory_has_the_files_its_card_is_rendered_from() -> None:
    assert set(SHIPPED) == {"techniques", "claims", "claims-context", "embedder"}
    for name in SHIPPED:
        assert (MODELS / name / "metrics.json").is_file(), name


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_card_equals_its_rendering_from_metrics_json(name: str) -> None:
    difference = card_difference(MODELS / name)
    assert difference == "", f"run `python -m propscope.train.card {MODELS / name}`:\n{difference[:2000]}"


def _copy_card_sources(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    target.mkdir(parents=True)
    for file in ("config.json", "metrics.json", "README.md"):
        shutil.copy(MODELS / name / file, target / file)
    return target


def test_a_changed_figure_in_metrics_json_makes_the_check_fail_until_the_card_is_rewritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = _copy_card_sources("claims", tmp_path)
    metrics = json.loads((model / "metrics.json").read_text(encoding="utf-8"))
    metrics["int8"]["claimbuster_test"]["f1"] = 0.1234
    (model / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    assert main([str(model), "--check"]) == 1
    assert "0.123" in capsys.readouterr().out  # the diff shows the new figure
    assert main([str(model)]) == 0
    assert main([str(model), "--check"]) == 0
    assert "| int8 ClaimBuster test F1 / held-out MAP | 0.123 /" in (model / "README.md").read_text(encoding="utf-8")


def test_embedder_card_shows_only_the_sections_its_metrics_hold(tmp_path: Path) -> None:
    model = _copy_card_sources("embedder", tmp_path)
    metrics = json.loads((model / "metrics.json").read_text(encoding="utf-8"))
    del metrics["retrieval"], metrics["same_claim"]
    (model / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    card = render_card(model)
    assert "## int8 vs fp32" in card and "min 0.9918" in card
    assert "## Scores" not in card and "Likely the same claim" not in card


def test_a_directory_without_metrics_or_with_an_unknown_task_is_refused(tmp_path: Path) -> None:
    model = _copy_card_sources("claims", tmp_path)
    (model / "metrics.json").unlink()
    with pytest.raises(BadModelDirectory, match="metrics.json"):
        write_card(model)
    model = _copy_card_sources("claims-context", tmp_path / "unknown-task")
    config = json.loads((model / "config.json").read_text(encoding="utf-8"))
    config["task"] = "no-such-task"
    (model / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(BadModelDirectory, match="no-such-task"):
        render_card(model)
    assert main([str(model), "--check"]) == 2
