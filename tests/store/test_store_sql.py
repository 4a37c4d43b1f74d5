"""The store on SQLite and PostgreSQL: identity, analyses kept per pipeline, filters, stats,
corrections, tokens, deletes and concurrent writers."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select, text

from propscope.errors import BadCorrection, Conflict, InputError, NotFound
from propscope.store import ArticleQuery, CorrectionRequest, StatsQuery, Store
from propscope.store.tables import AnalysisRow, ArticleRow, TechniqueCountRow, TechniqueSpanRow

from .articles import analysed

TEXT = "Traitors sold the country. The vote is next week. Critics disagree."


def count(store: Store, table: type) -> int:
    with store._read() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_same_article_and_pipeline_is_stored_once_and_a_new_pipeline_adds_an_analysis(store: Store) -> None:
    first = store.save(analysed(TEXT), "sig-a")
    again = store.save(analysed(TEXT), "sig-a")
    assert first.created and not again.created and again == type(again)(first.article_id, first.analysis_id, False)
    newer = store.save(analysed(TEXT, techniques=("Doubt", "Doubt")), "sig-b")
    assert newer.article_id == first.article_id and newer.analysis_id != first.analysis_id
    assert count(store, ArticleRow) == 1 and count(store, AnalysisRow) == 2
    stored = store.get(first.article_id)
    assert stored.analysis["id"] == newer.analysis_id and stored.analysis["current"]
    assert [a["signature"] for a in stored.analyses] == ["sig-b", "sig-a"]
    assert [t.technique for t in stored.article.techniques] == ["Doubt", "Doubt"]
    old = store.get(first.article_id, first.analysis_id)
    assert old.article == analysed(TEXT) and not old.analysis["current"]
    # spans of both analyses are kept; counts only for the current one
    assert count(store, TechniqueSpanRow) == 3
    with store._read() as session:
        rows = session.execute(select(TechniqueCountRow.technique, TechniqueCountRow.n)).all()
    assert [tuple(r) for r in rows] == [("Doubt", 2)]


def test_article_filters_paging_and_sort(store: Store) -> None:
    store.save(analysed("Alpha story about the war. More.", outlet="RT", date="2024-01-10", matched=True), "s")
    store.save(analysed("Bravo story about taxes. More.", outlet="RT", date="2024-02-10", techniques=("Doubt",)), "s")
    store.save(analysed("Charlie story about 100% vaccines. More.", outlet="BBC", date="2024-03-10", language="de"), "s")
    store.save(analysed("Delta story without a date. More.", outlet=None, date=None), "s")

    def titles(**filters: object) -> list[str]:
        return [item["title"].split()[0] for item in store.list_articles(ArticleQuery(**filters))["items"]]  # type: ignore[arg-type]

    assert titles(outlet="RT", sort="date") == ["Alpha", "Bravo"]
    assert titles(date_from=dt.date(2024, 2, 1), date_to=dt.date(2024, 3, 31), sort="-date") == ["Charlie", "Bravo"]
    assert titles(technique="Doubt") == ["Bravo"]
    assert titles(language="de") == ["Charlie"]
    assert titles(has_match=True) == ["Alpha"]
    assert sorted(titles(has_match=False)) == ["Bravo", "Charlie", "Delta"]
    assert titles(q="TAXES") == ["Bravo"]
    assert titles(q="100%") == ["Charlie"]  # LIKE wildcards in a query are literal
    assert titles(q="%%") == [] and titles(q="_") == []
    page = store.list_articles(ArticleQuery(sort="title", limit=2, offset=1))
    assert page["total"] == 4 and [i["title"].split()[0] for i in page["items"]] == ["Bravo", "Charlie"]
    assert page["items"][0]["analysis"]["techniques"] == 1
    with pytest.raises(InputError):
        store.list_articles(ArticleQuery(sort="text"))


def test_stats_by_outlet_and_period(store: Store) -> None:
    articles = [
        analysed("One two three four five. Six.", outlet="RT", date="2024-01-01", techniques=("Doubt", "Loaded_Language")),
        analysed("Seven eight nine ten. Eleven twelve.", outlet="RT", date="2024-01-03", matched=True),
        analysed("Thirteen fourteen. Fifteen.", outlet="BBC", date="2024-02-20", techniques=()),
    ]
    for article in articles:
        store.save(article, "s")
    by_outlet = {row["outlet"]: row for row in store.stats(StatsQuery())}
    rt = [a for a in articles if a.outlet == "RT"]
    words = sum(len(a.text.split()) for a in rt)
    assert by_outlet["RT"]["articles"] == 2 and by_outlet["RT"]["words"] == words
    assert by_outlet["RT"]["technique_spans"] == 3
    assert by_outlet["RT"]["techniques_per_1000_words"] == round(3000 / words, 3)
    assert by_outlet["RT"]["by_technique"] == {"Doubt": round(1000 / words, 3), "Loaded_Language": round(2000 / words, 3)}
    assert by_outlet["RT"]["matches"] == 1 and by_outlet["RT"]["claims"] == 2 and by_outlet["RT"]["cited_sources"] == 2
    assert by_outlet["BBC"]["technique_spans"] == 0 and by_outlet["BBC"]["by_technique"] == {}
    weeks = store.stats(StatsQuery(by_outlet=False, period="week"))
    assert [(r["period"], r["articles"]) for r in weeks] == [("2024-01-01", 2), ("2024-02-19", 1)]
    months = store.stats(StatsQuery(by_outlet=True, period="month", date_from=dt.date(2024, 2, 1)))
    assert [(r["outlet"], r["period"], r["articles"]) for r in months] == [("BBC", "2024-02-01", 1)]
    assert {r["period"] for r in store.stats(StatsQuery())} == {None}
    store.save(analysed("Undated words here. More.", outlet="RT", date=None), "s")
    assert sum(r["articles"] for r in store.stats(StatsQuery(period="month"))) == 3  # no period for undated ones
    assert sum(r["articles"] for r in store.stats(StatsQuery())) == 4
    days = store.stats(StatsQuery(by_outlet=False, period="day", outlet="RT"))
    assert [r["period"] for r in days] == ["2024-01-01", "2024-01-03"]


def test_corrections_record_before_and_after_and_refuse_what_does_not_fit(store: Store) -> None:
    saved = store.save(analysed(TEXT, matched=True), "s")
    reject = store.add_correction(saved.article_id, CorrectionRequest("technique", "reject", index=0), "ana")
    assert reject["before"]["technique"] == "Loaded_Language" and reject["before"]["text"] == "Traitors" and reject["after"] is None
    resize = store.add_correction(saved.article_id, CorrectionRequest("technique", "resize", index=0, start=0, end=25), "ana")
    assert resize["after"]["text"] == "Traitors sold the country"
    added = store.add_correction(saved.article_id, CorrectionRequest("technique", "add", technique="Doubt", start=27, end=35), "bo")
    assert added["before"] is None and added["after"]["text"] == TEXT[27:35]
    speaker = store.add_correction(saved.article_id, CorrectionRequest("claim", "speaker", index=0, speaker="the minister"), "bo")
    assert speaker["before"]["speaker"] == "officials" and speaker["after"]["speaker"] == "the minister"
    confirm = store.add_correction(saved.article_id, CorrectionRequest("match", "confirm", index=0, match_index=0), "bo")
    assert confirm["after"]["confirmed"] is True and confirm["before"]["kb_id"] == "kb:1"
    assert [c["action"] for c in store.corrections(saved.article_id)] == ["reject", "resize", "add", "speaker", "confirm"]
    assert store.get(saved.article_id).article == analysed(TEXT, matched=True)  # the analysis itself is unchanged
    for bad in (
        CorrectionRequest("technique", "reject", index=5),
        CorrectionRequest("technique", "relabel", index=0, technique="Not_A_Technique"),
        CorrectionRequest("technique", "add", technique="Doubt", start=10, end=10_000),
        CorrectionRequest("claim", "relabel", index=0),
        CorrectionRequest("match", "confirm", index=0, match_index=3),
        CorrectionRequest("span", "reject", index=0),
    ):
        with pytest.raises(BadCorrection):
            store.add_correction(saved.article_id, bad, "ana")
    with pytest.raises(NotFound):
        store.add_correction(saved.article_id + 99, CorrectionRequest("technique", "reject", index=0), "ana")


def test_tokens_are_stored_hashed_shown_once_and_revocable(store: Store) -> None:
    token, info = store.create_token("ana", "reviewer")
    assert token.startswith("psk_") and len(token) > 40
    with store._read() as session:
        stored = [tuple(r) for r in session.execute(text("SELECT name, role, token_hash FROM api_tokens")).all()]
    assert stored[0][:2] == ("ana", "reviewer") and token not in stored[0][2] and len(stored[0][2]) == 64
    assert store.authenticate(token) == info
    assert store.authenticate(token + "x") is None
    with pytest.raises(Conflict):
        store.create_token("ana", "reader")
    with pytest.raises(InputError):
        store.create_token("bo", "superuser")
    store.revoke_token("ana")
    assert store.authenticate(token) is None and store.tokens() == []


def test_delete_removes_the_article_with_its_analyses_and_corrections(store: Store) -> None:
    saved = store.save(analysed(TEXT), "s")
    store.save(analysed(TEXT), "t")
    store.add_correction(saved.article_id, CorrectionRequest("technique", "accept", index=0), "ana")
    keep = store.save(analysed("Another text entirely. Yes."), "s")
    store.delete(saved.article_id)
    with pytest.raises(NotFound):
        store.get(saved.article_id)
    with pytest.raises(NotFound):
        store.delete(saved.article_id)
    assert count(store, ArticleRow) == 1 and count(store, AnalysisRow) == 1 and count(store, TechniqueSpanRow) == 1
    assert [(r["articles"], r["technique_spans"]) for r in store.stats(StatsQuery())] == [(1, 1)]
    assert store.get(keep.article_id).article.text == "Another text entirely. Yes."


def test_concurrent_writers_lose_nothing_and_duplicate_nothing(store: Store) -> None:
    texts = [f"Story number {i} about the war. More text." for i in range(6)]
    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        try:
            for round_ in range(3):
                for i, t in enumerate(texts):
                    saved = store.save(analysed(t), f"sig-{(i + round_) % 2}")
                    store.add_correction(saved.article_id, CorrectionRequest("technique", "accept", index=0), f"w{worker}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert count(store, ArticleRow) == len(texts)
    assert count(store, AnalysisRow) == 2 * len(texts)  # two signatures per text, each stored once
    assert sum(len(store.corrections(store.list_articles(ArticleQuery(q=t))["items"][0]["id"])) for t in texts) == 8 * 3 * len(texts)
    with store._read() as session:
        current = session.execute(select(AnalysisRow.article_id, func.count()).where(AnalysisRow.is_current).group_by(AnalysisRow.article_id)).all()
    assert sorted(n for _, n in current) == [1] * len(texts)  # exactly one current analysis per article
    (totals,) = store.stats(StatsQuery(by_outlet=False))
    assert totals["articles"] == len(texts) and totals["period"] is None  # the daily totals followed every swap
    assert totals["technique_spans"] == len(texts)
