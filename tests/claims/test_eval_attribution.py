"""The attribution evaluation script on the hand-annotated fixture."""

from __future__ import annotations

from pathlib import Path

from propscope.eval.attribution import main, read_gold, speaker_matches


def test_speaker_matching_rules() -> None:
    assert speaker_matches("The Kremlin", "Kremlin", overlap=False)
    assert speaker_matches("Rombot’s lawyers", "Rombot's lawyers", overlap=False)
    assert not speaker_matches("Tedros", "WHO Director-General Tedros", overlap=False)
    assert speaker_matches("Tedros", "WHO Director-General Tedros", overlap=True)
    assert speaker_matches(None, None, overlap=True) and not speaker_matches(None, "X", overlap=True)


def test_fixture_is_well_formed_and_large_enough(fixtures: Path) -> None:
    records = read_gold(fixtures / "attribution" / "gold.jsonl")
    assert len([r for r in records if r.split == "test"]) >= 100
    assert {r.voice for r in records} == {"own", "direct", "reported"}
    assert all(r.speaker is None for r in records if r.voice == "own")


def test_script_reports_each_split(fixtures: Path, capsys) -> None:  # noqa: ANN001
    assert main([str(fixtures / "attribution" / "gold.jsonl"), "--split", "dev"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("dev   n=  64") and "voice" in out
