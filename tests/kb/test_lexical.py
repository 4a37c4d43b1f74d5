"""The in-memory BM25 index gives FTS5's own scores and order, and follows changes to the KB."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from propscope.kb.lexical import LexicalIndex
from propscope.kb.record import KBRecord
from propscope.kb.store import KBStore
from propscope.kb.text import query_terms

WEIGHTS = (1.0, 1.0, 0.5)

CLAIMS = [
    ("The West attacks Russia with sanctions", "Sanctions attack", "Attacks on the Russian economy"),
    ("Kyiv's café owners fund the war", "Cafés", ""),
    ("NATO is preparing an attack on Belarus", "NATO plans", "NATO, attacking, attacked"),
    ("Vaccines contain microchips", "", "microchip_tracking claims"),
    ("Bucha was staged by the Ukrainian army", "Bucha", "staged staging stage"),
    ("Élections in France were rigged", "France", "rigged elections"),
]


def _sql(store: KBStore, terms: list[str], limit: int) -> list[tuple[int, float]]:
    """FTS5's ranking of every matching row, ties (to 1e-9) by rowid, cut at ``limit``: LIMIT in SQL
    would keep an arbitrary few of the rows tied at the cut."""
    hits = store.lexical_search(terms, limit=100_000, weights=WEIGHTS)
    return sorted(hits, key=lambda r: (-round(r[1], 9), r[0]))[:limit]


def _store(tmp_path: Path, n_random: int = 300) -> KBStore:
    rng = random.Random(7)
    words = "russia ukraine war nato attack attacks sanctions west kyiv bucha staged army vaccine".split()
    records = [
        KBRecord(id=f"c{i}", claim=c, title=t, summary=s, source="test", importer="csv")
        for i, (c, t, s) in enumerate(CLAIMS)
    ]
    for i in range(n_random):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(3, 15)))
        records.append(KBRecord(id=f"r{i}", claim=text, title=rng.choice(words), source="test", importer="csv"))
    store = KBStore(tmp_path / "kb.sqlite")
    store.upsert(records)
    return store


@pytest.mark.parametrize(
    "query",
    [
        "The West attacks and attack Russia",  # two words, one stem: two phrases in FTS5
        "cafe owners in Kyiv",  # diacritics folded by FTS5's tokenizer
        "Bucha staged",
        "NATO attack Belarus sanctions war",
        "nothing here matches xyzzy",
        "elections rigged in France",
    ],
)
def test_scores_and_order_are_fts5s(tmp_path: Path, query: str) -> None:
    store = _store(tmp_path)
    index = LexicalIndex.build(store.conn, WEIGHTS)
    terms = query_terms(query)
    for limit in (3, 50, 1000):
        ours = index.search(terms, limit)
        theirs = _sql(store, terms, limit)
        assert [r for r, _ in ours] == [r for r, _ in theirs]
        assert [s for _, s in ours] == pytest.approx([s for _, s in theirs], rel=1e-12)


def test_random_queries_match_fts5(tmp_path: Path) -> None:
    store = _store(tmp_path)
    rng = random.Random(11)
    vocabulary = [w for c in CLAIMS for w in query_terms(" ".join(c))]
    queries = [[rng.choice(vocabulary) for _ in range(rng.randint(1, 8))] for _ in range(100)]
    queries = [list(dict.fromkeys(q)) for q in queries]
    got = store.lexical_search_many(queries, limit=20, weights=WEIGHTS)
    for terms, ours in zip(queries, got, strict=True):
        theirs = _sql(store, terms, 20)
        assert [r for r, _ in ours] == [r for r, _ in theirs]
        assert [s for _, s in ours] == pytest.approx([s for _, s in theirs], rel=1e-12)


def test_phrase_words_go_to_fts5(tmp_path: Path) -> None:
    store = _store(tmp_path)
    index = LexicalIndex.build(store.conn, WEIGHTS)
    terms = query_terms("microchip_tracking")  # one \\w+ word, two tokens for SQLite: a phrase
    assert not index.answerable(terms)
    got = store.lexical_search_many([terms], limit=5, weights=WEIGHTS)[0]
    assert [r for r, _ in got] == [r for r, _ in _sql(store, terms, 5)] and len(got) == 1


def test_index_follows_writes_of_this_and_other_connections(tmp_path: Path) -> None:
    store = _store(tmp_path, n_random=20)
    terms = query_terms("zeppelin")
    assert store.lexical_search_many([terms], limit=5, weights=WEIGHTS) == [[]]
    store.upsert([KBRecord(id="z1", claim="A zeppelin bombed Kyiv", source="test", importer="csv")])
    assert len(store.lexical_search_many([terms], limit=5, weights=WEIGHTS)[0]) == 1
    other = KBStore(tmp_path / "kb.sqlite")
    other.upsert([KBRecord(id="z2", claim="Zeppelin over Kyiv", source="test", importer="csv")])
    other.close()
    assert len(store.lexical_search_many([terms], limit=5, weights=WEIGHTS)[0]) == 2
    reader = KBStore(tmp_path / "kb.sqlite", readonly=True)
    ours, theirs = reader.lexical_search_many([terms], limit=5, weights=WEIGHTS)[0], _sql(store, terms, 5)
    assert [r for r, _ in ours] == [r for r, _ in theirs]
    assert [s for _, s in ours] == pytest.approx([s for _, s in theirs], rel=1e-12)
