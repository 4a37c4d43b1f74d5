"""Eight clients at once over real HTTP: analysing, storing and correcting; nothing lost or doubled."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select

from propscope.store.tables import AnalysisRow, ArticleRow, CorrectionRow

from .conftest import start

CLIENTS = 8
SHARED = [f"Shared report {i}: the ministry said exports fell by {i + 10} percent in May.\n" for i in range(2)]
SETTINGS = {"components": ["segment", "techniques", "claims"]}


def test_eight_clients_analyse_store_and_correct(tmp_path: Path) -> None:
    for server in start(tmp_path, rate_per_minute=10_000):
        tokens = {f"client{i}": server.store.create_token(f"client{i}", "reviewer")[0] for i in range(CLIENTS)}
        server.tokens.update(tokens)
        results: dict[str, list[int]] = {}
        failures: list[str] = []

        def work(name: str, index: int) -> None:
            own = f"Own report of client {index}: the mayor said the bridge will reopen in {index + 2} weeks.\n"
            ids: list[int] = []
            with server.client(name) as client:
                for text in [*SHARED, own]:
                    response = client.post("/v1/analyze", json={"text": text, "store": True, "settings": SETTINGS})
                    if response.status_code != 200:
                        failures.append(f"{name} analyze {response.status_code} {response.text}")
                        continue
                    article_id = response.json()["stored"]["article_id"]
                    ids.append(article_id)
                    correction = client.post(f"/v1/articles/{article_id}/corrections",
                                             json={"target": "claim", "action": "checkworthy", "index": 0}
                                             if response.json()["claims"] else
                                             {"target": "technique", "action": "add", "technique": "Doubt", "start": 0, "end": 5})
                    if correction.status_code != 201:
                        failures.append(f"{name} correction {correction.status_code} {correction.text}")
            results[name] = ids

        threads = [threading.Thread(target=work, args=(name, i)) for i, name in enumerate(tokens)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        assert failures == []
        assert all(len(ids) == 3 for ids in results.values())
        shared_ids = {tuple(ids[:2]) for ids in results.values()}
        assert len(shared_ids) == 1  # every client got the same stored articles for the shared texts
        own_ids = {ids[2] for ids in results.values()}
        assert len(own_ids) == CLIENTS
        with server.store._read() as session:
            articles = session.scalar(select(func.count()).select_from(ArticleRow))
            analyses = session.scalar(select(func.count()).select_from(AnalysisRow))
            corrections = session.execute(select(CorrectionRow.author, func.count()).group_by(CorrectionRow.author)).all()
        assert articles == len(SHARED) + CLIENTS and analyses == articles  # one pipeline: one analysis each
        assert dict(corrections) == {name: 3 for name in tokens}
        with server.client("reader") as reader:
            assert reader.get("/v1/articles", params={"limit": 100}).json()["total"] == articles
