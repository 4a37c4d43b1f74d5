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
    assert out.split()[:2] == ["dev", "n="] and "voice" in out
    assert "dev:speech" in out  # the claims that come from someone, apart


def test_ppn_fixture_is_split_by_article_and_keeps_context_lists(fixtures: Path) -> None:
    records = read_gold(fixtures / "attribution" / "ppn.jsonl")
    assert len(records) >= 200
    dev = {r.article_id for r in records if r.split == "ppn-dev"}
    test = {r.article_id for r in records if r.split == "ppn-test"}
    assert dev and test and not dev & test
    assert len([r for r in records if r.split == "ppn-test" and r.voice != "own"]) >= 50
    assert all(isinstance(r.context, tuple) for r in records)
    assert all(r.speaker is None for r in records if r.voice == "own")


def test_context_sentences_become_sentences_of_the_article() -> None:
    from propscope.eval.attribution import Record, as_article

    article = as_article(Record("a", "He said so.", ("Putin spoke.", "It rained."), "Putin", "reported", "dev"))
    assert [article.text[s.start : s.end] for s in article.sentences] == ["Putin spoke.", "It rained.", "He said so."]
    assert article.claims[0].start == article.sentences[-1].start
