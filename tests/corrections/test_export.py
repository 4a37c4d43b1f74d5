"""``propscope corrections export``: every standing decision reaches the files, undone ones do not,
and exporting twice or merging gives the same bytes (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from propscope.claims.data import load_clef2020_t5
from propscope.cli.main import main
from propscope.corrections import export_corrections
from propscope.document import Article, Claim, KnownClaimMatch, Segment, TechniqueSpan
from propscope.eval.attribution import read_gold
from propscope.eval.retrieval import read_qrels, read_queries
from propscope.ptc.corpus import read_articles, read_labels
from propscope.store import CorrectionRequest, Store
from propscope.train.reranker import read_news_pairs

TEXTS = {
    "a": "Shameful traitors sold the city. The mayor said prices rose by 40 percent. Nobody believes him.",
    "b": "Radical mobs burned the town hall. Officials claimed the fire was an accident. Is that the truth?",
    "c": "The glorious leader saved the nation. Exports doubled in 2023, the ministry said.",
}


def article(text: str, techniques: tuple[str, ...] = ("Loaded_Language", "Doubt")) -> Article:
    """Two model spans on the first word, one claim per sentence (the second one matched to a KB claim)."""
    word = len(text.split()[0])
    sentences, start = [], 0
    for part in text.split(". "):
        end = start + len(part) + (0 if part.endswith(("?", ".")) else 1)
        sentences.append(Segment(start, end))
        start = end + 1
    claims = [Claim(s.start, s.end, text[s.start : s.end], 0.8, voice="own") for s in sentences]
    claims[1].matches = [KnownClaimMatch("kb:7", "Prices rose by 40 percent", "EUvsDisinfo", None, None, 0.81),
                         KnownClaimMatch("kb:8", "The city was sold", "EUvsDisinfo", None, None, 0.62)]
    return Article(text=text, title=text[:20], sentences=sentences,
                   techniques=[TechniqueSpan(t, 0, word, 0.7) for t in techniques], claims=claims)


def export_id(text: str) -> str:
    return str(int(hashlib.sha256(text.encode()).hexdigest()[:12], 16))


def correct(store: Store, article_id: int, target: str, action: str, **values: Any) -> dict[str, Any]:
    return store.add_correction(article_id, CorrectionRequest(target, action, **values), author="ana")


def reviewed(store: Store) -> dict[str, int]:
    """Three articles with technique decisions of every kind; one decision undone, one replaced."""
    ids = {key: store.save(article(text), "sig-1").article_id for key, text in TEXTS.items()}
    correct(store, ids["a"], "technique", "accept", index=0)
    correct(store, ids["a"], "technique", "reject", index=1)
    correct(store, ids["a"], "technique", "add", technique="Slogans", start=48, end=73)
    correct(store, ids["b"], "technique", "relabel", index=0, technique="Name_Calling,Labeling")
    correct(store, ids["b"], "technique", "accept", index=1)
    correct(store, ids["b"], "technique", "reject", index=1)  # changed their mind: the reject stands
    undone = correct(store, ids["b"], "technique", "add", technique="Exaggeration,Minimisation", start=8, end=12)
    store.delete_correction(ids["b"], undone["id"])
    correct(store, ids["c"], "technique", "resize", index=0, start=4, end=19)
    return ids


def expected_decisions() -> set[tuple[str, int, int, str, str]]:
    a, b, c = (export_id(TEXTS[k]) for k in "abc")
    return {
        (a, 0, 8, "Loaded_Language", "accept"), (a, 0, 8, "Doubt", "reject"), (a, 48, 73, "Slogans", "add"),
        (b, 0, 7, "Loaded_Language", "reject"), (b, 0, 7, "Name_Calling,Labeling", "add"), (b, 0, 7, "Doubt", "reject"),
        (c, 0, 3, "Loaded_Language", "reject"), (c, 4, 19, "Loaded_Language", "add"),
    }


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_standing_technique_decision_is_exported_and_undone_ones_are_not(store: Store, tmp_path: Path) -> None:
    reviewed(store)
    summary = export_corrections(store, "techniques", tmp_path / "out")
    decisions = read_jsonl(tmp_path / "out" / "decisions.jsonl")
    assert {(d["article"], d["start"], d["end"], d["technique"], d["decision"]) for d in decisions} == expected_decisions()
    assert summary.records == 8 and summary.decisions == {"accept": 1, "add": 3, "reject": 4}
    texts = read_articles(tmp_path / "out" / "articles")
    assert texts == {export_id(t): t for t in TEXTS.values()}
    for d in decisions:
        assert d["excerpt"] == texts[d["article"]][d["start"] : d["end"]]
        assert d["input_hash"] == hashlib.sha256(texts[d["article"]].encode()).hexdigest()[:16]
        key = f"{d['input_hash']}:{d['start']}:{d['end']}:{d['technique']}"
        assert d["task_hash"] == hashlib.sha256(key.encode()).hexdigest()[:16]
        assert d["author"] == "ana" and d["created"].endswith("+00:00")
    labels = {(s.article_id, s.start, s.end, s.technique) for s in read_labels(tmp_path / "out" / "labels.tsv")}
    assert labels == {(a, s, e, t) for a, s, e, t, d in expected_decisions() if d in ("accept", "add")}
    assert "Exaggeration" not in (tmp_path / "out" / "labels.tsv").read_text() + json.dumps(decisions)


def test_exporting_twice_and_merging_give_the_same_bytes(store: Store, tmp_path: Path) -> None:
    reviewed(store)
    export_corrections(store, "techniques", tmp_path / "one")
    export_corrections(store, "techniques", tmp_path / "two")
    first = folder_bytes(tmp_path / "one")
    assert first == folder_bytes(tmp_path / "two")
    summary = export_corrections(store, "techniques", tmp_path / "one", merge=True)
    assert folder_bytes(tmp_path / "one") == first
    assert summary.kept_from_folder == 0 and summary.records == 8


def test_merging_another_store_keeps_every_decision_and_the_newest_of_each_span(sqlite_store: Store, tmp_path: Path) -> None:
    reviewed(sqlite_store)
    export_corrections(sqlite_store, "techniques", tmp_path / "out")
    other = Store.open(f"sqlite:///{tmp_path / 'other.db'}", migrate=True)
    try:
        ids = {key: other.save(article(text), "sig-other").article_id for key, text in TEXTS.items() if key != "c"}
        correct(other, ids["a"], "technique", "reject", index=0)  # newer than the first store's accept
        extra = "A brand new article shouts lies. It says nothing else."
        new_id = other.save(article(extra, ("Loaded_Language",)), "sig-other").article_id
        correct(other, new_id, "technique", "accept", index=0)
        summary = export_corrections(other, "techniques", tmp_path / "out", merge=True)
    finally:
        other.close()
    a = export_id(TEXTS["a"])
    want = (expected_decisions() - {(a, 0, 8, "Loaded_Language", "accept")}) | {
        (a, 0, 8, "Loaded_Language", "reject"), (export_id(extra), 0, 1, "Loaded_Language", "accept")}
    decisions = read_jsonl(tmp_path / "out" / "decisions.jsonl")
    assert {(d["article"], d["start"], d["end"], d["technique"], d["decision"]) for d in decisions} == want
    assert len({d["task_hash"] for d in decisions}) == len(decisions) == 9
    assert summary.kept_from_folder == 7  # all but the replaced accept came from the first export
    labels = read_labels(tmp_path / "out" / "labels.tsv")
    assert (a, 0, 8, "Loaded_Language") not in {(s.article_id, s.start, s.end, s.technique) for s in labels}
    assert set(read_articles(tmp_path / "out" / "articles")) == {export_id(t) for t in (*TEXTS.values(), extra)}


def test_unreviewed_model_spans_are_labels_only_when_asked(sqlite_store: Store, tmp_path: Path) -> None:
    text = TEXTS["a"]
    article_id = sqlite_store.save(article(text, ("Loaded_Language", "Doubt", "Slogans")), "sig-1").article_id
    correct(sqlite_store, article_id, "technique", "reject", index=1)
    export_corrections(sqlite_store, "techniques", tmp_path / "plain")
    export_corrections(sqlite_store, "techniques", tmp_path / "all", include_unreviewed=True)
    plain = read_labels(tmp_path / "plain" / "labels.tsv")
    everything = {(s.technique, s.start, s.end) for s in read_labels(tmp_path / "all" / "labels.tsv")}
    assert plain == []
    assert everything == {("Loaded_Language", 0, 8), ("Slogans", 0, 8)}
    assert (tmp_path / "all" / "decisions.jsonl").read_bytes() == (tmp_path / "plain" / "decisions.jsonl").read_bytes()


def test_claims_export_is_what_the_claims_reader_reads(store: Store, tmp_path: Path) -> None:
    ids = [store.save(article(text), "sig-1").article_id for text in TEXTS.values()]
    correct(store, ids[0], "claim", "checkworthy", index=1)
    correct(store, ids[0], "claim", "not_checkworthy", index=2)
    correct(store, ids[1], "claim", "checkworthy", index=0)
    correct(store, ids[1], "claim", "not_checkworthy", index=0)  # the newest decision stands
    undone = correct(store, ids[2], "claim", "checkworthy", index=1)
    store.delete_correction(ids[2], undone["id"])
    correct(store, ids[2], "claim", "speaker", index=1, speaker="the ministry")  # attribution, not claims
    export_corrections(store, "claims", tmp_path / "out")
    records = read_jsonl(tmp_path / "out" / "claims.jsonl")
    want = {("The mayor said prices rose by 40 percent.", 1), ("Nobody believes him.", 0), ("Radical mobs burned the town hall.", 0)}
    assert {(r["sentence"], r["label"]) for r in records} == want
    assert {(s.text, s.label) for s in load_clef2020_t5(tmp_path / "out" / "checkworthy.tsv")} == want


def test_attribution_export_is_the_fixture_format(store: Store, tmp_path: Path) -> None:
    article_id = store.save(article(TEXTS["c"]), "sig-1").article_id
    correct(store, article_id, "claim", "speaker", index=1, speaker="ministry")
    correct(store, article_id, "claim", "speaker", index=1, speaker="the ministry")
    export_corrections(store, "attribution", tmp_path / "out")
    (record,) = read_gold(tmp_path / "out" / "attribution.jsonl")
    assert record.sentence == "Exports doubled in 2023, the ministry said."
    assert record.context == ("The glorious leader saved the nation.",)
    assert (record.speaker, record.voice, record.split) == ("the ministry", "reported", "workspace")


def test_match_export_is_what_the_reranker_calibration_reads(store: Store, tmp_path: Path) -> None:
    article_id = store.save(article(TEXTS["a"]), "sig-1").article_id
    correct(store, article_id, "match", "confirm", index=1, match_index=0)
    correct(store, article_id, "match", "reject", index=1, match_index=1)
    export_corrections(store, "matches", tmp_path / "out")
    pairs = {(p.claim, p.label, p.cosine) for p in read_news_pairs(tmp_path / "out" / "pairs.jsonl")}
    assert pairs == {("Prices rose by 40 percent", "same", 0.81), ("The city was sold", "different", 0.62)}
    assert {p.split for p in read_news_pairs(tmp_path / "out" / "pairs.jsonl")} <= {"calibration", "held_out"}
    ((qid, sentence),) = read_queries(tmp_path / "out" / "queries.tsv")
    assert sentence == "The mayor said prices rose by 40 percent."
    assert read_qrels(tmp_path / "out" / "qrels.txt") == {qid: {"kb:7"}}


def test_cli_exports_refuses_to_overwrite_and_merges(sqlite_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reviewed(sqlite_store)
    args = ["corrections", "export", "--store", sqlite_store.url, "--kind", "techniques", "--out", str(tmp_path / "out")]
    assert main(args) == 0
    assert "8 techniques records of 3 articles" in capsys.readouterr().out
    first = folder_bytes(tmp_path / "out")
    assert main(args) == 2
    error = capsys.readouterr().err
    assert error.startswith("propscope: error E122:") and "--merge" in error and error.count("\n") == 1
    assert main([*args, "--merge"]) == 0
    assert folder_bytes(tmp_path / "out") == first
    assert main([*args[:5], "bogus", "--out", str(tmp_path / "x")]) == 2
    assert capsys.readouterr().err.startswith("propscope: error E003:")


def test_merging_into_an_export_whose_text_was_edited_is_refused_and_changes_nothing(sqlite_store: Store, tmp_path: Path,
                                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    reviewed(sqlite_store)
    out = tmp_path / "out"
    export_corrections(sqlite_store, "techniques", out)
    edited = out / "articles" / f"article{export_id(TEXTS['a'])}.txt"
    edited.write_text(TEXTS["a"].replace("traitors", "people"), encoding="utf-8")
    before = folder_bytes(out)
    args = ["corrections", "export", "--store", sqlite_store.url, "--kind", "techniques", "--out", str(out), "--merge"]
    assert main(args) == 2
    assert capsys.readouterr().err.startswith("propscope: error E400:")
    assert folder_bytes(out) == before


def test_a_relabel_and_a_resize_of_one_span_both_reach_the_export(store: Store, tmp_path: Path) -> None:
    """The store records a resize with the model's technique; the export keeps the reviewer's relabel
    too, whichever came first, and through a later accept or reject: as the web page draws it."""
    ids = {key: store.save(article(text), "sig-1").article_id for key, text in TEXTS.items()}
    correct(store, ids["a"], "technique", "relabel", index=0, technique="Slogans")
    correct(store, ids["a"], "technique", "resize", index=0, start=0, end=17)
    correct(store, ids["b"], "technique", "resize", index=0, start=0, end=12)
    correct(store, ids["b"], "technique", "relabel", index=0, technique="Doubt")
    correct(store, ids["c"], "technique", "relabel", index=0, technique="Slogans")
    correct(store, ids["c"], "technique", "reject", index=0)
    correct(store, ids["c"], "technique", "resize", index=0, start=4, end=19)
    export_corrections(store, "techniques", tmp_path / "out")
    got = {(d["article"], d["start"], d["end"], d["technique"], d["decision"])
           for d in read_jsonl(tmp_path / "out" / "decisions.jsonl")}
    a, b, c = (export_id(TEXTS[k]) for k in "abc")
    assert got == {
        (a, 0, 8, "Loaded_Language", "reject"), (a, 0, 17, "Slogans", "add"),
        (b, 0, 7, "Loaded_Language", "reject"), (b, 0, 12, "Doubt", "add"),
        (c, 0, 3, "Loaded_Language", "reject"), (c, 4, 19, "Slogans", "add"),  # the relabel outlives the reject
    }


@pytest.mark.parametrize(
    "steps",
    [
        [("relabel", {"technique": "Slogans"}), ("accept", {})],
        [("relabel", {"technique": "Slogans"}), ("reject", {}), ("resize", {"start": 0, "end": 12})],
        [("resize", {"start": 0, "end": 12}), ("accept", {}), ("relabel", {"technique": "Doubt"})],
        [("reject", {}), ("accept", {})],
        [("accept", {}), ("reject", {})],
        [("relabel", {"technique": "Slogans"}), ("relabel", {"technique": "Loaded_Language"})],
    ],
    ids=["relabel-accept", "relabel-reject-resize", "resize-accept-relabel", "reject-accept", "accept-reject",
         "relabel-back"],
)
def test_the_export_trains_on_the_span_the_page_shows(
    store: Store, tmp_path: Path, steps: list[tuple[str, dict[str, Any]]]
) -> None:
    """One fold of a span's corrections serves the web page's reviewed copy and the training export:
    what the export accepts or adds is the span the reviewer last saw; what it rejects, the model's."""
    from propscope.web.review import reviewed as page_copy

    article_id = store.save(article(TEXTS["b"]), "sig-1").article_id
    for action, values in steps:
        correct(store, article_id, "technique", action, index=0, **values)
    stored = store.get(article_id)
    page = page_copy(stored.article, store.corrections(article_id))
    span = page.article.techniques[0]
    rejected = 0 in page.rejected
    export_corrections(store, "techniques", tmp_path / "out")
    got = {(d["start"], d["end"], d["technique"], d["decision"])
           for d in read_jsonl(tmp_path / "out" / "decisions.jsonl") if d["start"] == 0}
    model = (0, len("Radical"), "Loaded_Language")
    shown = (span.start, span.end, span.technique)
    if rejected:
        assert got == {(*model, "reject")}
    elif shown == model:
        assert got == {(*model, "accept")}
    else:
        assert got == {(*model, "reject"), (*shown, "add")}
