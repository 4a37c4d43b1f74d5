"""The REST API over real HTTP (uvicorn on a loopback port): every endpoint, roles, limits, the
URL guard, errors as JSON, and no article text in the logs."""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from propscope.models import cache
from propscope.schema import SCHEMA_VERSION
from propscope.store import db as store_db

from .conftest import Api, start

TEXT = (
    "The minister said on Tuesday that 40 percent of the budget was spent on defence. "
    "Critics called the plan a disaster for ordinary families. "
    "According to Reuters, the vote is expected next week.\n"
)
QUICK = {"components": ["segment", "techniques", "claims"]}


def wait_for_job(client: httpx.Client, job_id: str) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}").json()
        if job["status"] == "done":
            return job  # type: ignore[no-any-return]
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def test_health_version_and_local_docs(api: Api) -> None:
    with api.client() as client:
        assert client.get("/health").json() == {"status": "ok"}
        version = client.get("/v1/version").json()
        assert version["database"] == {"dialect": "sqlite", "revision": store_db.HEAD}
        analyzer = api.running.app.state.propscope.analyzer
        assert version["models"] == analyzer.fingerprints()
        assert set(version["models"]["components"]) >= {"segment", "techniques", "claims"}
        page = client.get("/docs")
        assert page.status_code == 200 and "/docs/assets/swagger-ui-bundle.js" in page.text
        assert "cdn" not in page.text.lower() and "unpkg" not in page.text.lower()
        script = client.get("/docs/assets/swagger-ui-bundle.js")
        assert script.status_code == 200 and len(script.content) > 100_000
        spec = client.get("/openapi.json").json()
        assert {"/v1/analyze", "/v1/jobs", "/v1/articles", "/v1/stats", "/v1/kb/search", "/health"} <= set(spec["paths"])


def test_analyze_returns_the_cli_schema_and_other_settings_load_no_model(api: Api) -> None:
    with api.client() as client:
        first = client.post("/v1/analyze", json={"text": TEXT, "outlet": "Example Post"})
        assert first.status_code == 200, first.text
        body = first.json()
        assert body["status"] == "ok" and body["schema_version"] == SCHEMA_VERSION and body["text"] == TEXT
        assert body["outlet"] == "Example Post" and "stored" not in body
        assert [run["name"] for run in body["components"]][:3] == ["segment", "techniques", "claims"]
        assert all(run["fingerprint"] for run in body["components"])
        loaded = cache.loaded_count()
        every = client.post("/v1/analyze", json={"text": TEXT, "settings": {"claim_threshold": 0.0, "kb_top_k": 1,
                                                                              "technique_threshold_shift": -0.2}}).json()
        assert cache.loaded_count() == loaded  # no model, KB or table was loaded for the new settings
        assert len(every["claims"]) == len(every["sentences"]) >= len(body["claims"])
        by_name = {run["name"]: run["fingerprint"] for run in every["components"]}
        assert by_name["claims"] != {run["name"]: run["fingerprint"] for run in body["components"]}["claims"]
        # analyze's --all-spans and --technique-precision, as settings of the API
        spans = {}
        for name, settings in (("default", {}), ("precision 0.3", {"technique_precision": 0.3}),
                               ("all", {"technique_all_spans": True})):
            reply = client.post("/v1/analyze", json={"text": TEXT, "settings": settings})
            assert reply.status_code == 200, reply.text
            spans[name] = len(reply.json()["techniques"])
        assert spans["default"] <= spans["precision 0.3"] <= spans["all"] and spans["all"] > spans["default"]
        assert client.post("/v1/analyze", json={"text": TEXT, "settings": {"technique_precision": 2}}).status_code == 422


def test_storing_needs_a_reviewer_and_is_idempotent(api: Api) -> None:
    request = {"text": TEXT + "Stored once.", "store": True, "settings": QUICK}
    with api.client() as anonymous, api.client("reader") as reader, api.client("reviewer") as reviewer:
        refused = anonymous.post("/v1/analyze", json=request)
        assert refused.status_code == 401 and refused.json()["code"] == "E601"
        forbidden = reader.post("/v1/analyze", json=request)
        assert forbidden.status_code == 403 and forbidden.json()["code"] == "E602"
        stored = reviewer.post("/v1/analyze", json=request).json()["stored"]
        again = reviewer.post("/v1/analyze", json=request).json()["stored"]
        assert stored["created"] and not again["created"]
        assert (again["article_id"], again["analysis_id"]) == (stored["article_id"], stored["analysis_id"])
        other = reviewer.post("/v1/analyze", json={**request, "settings": {**QUICK, "claim_threshold": 0.1}}).json()["stored"]
        assert other["article_id"] == stored["article_id"] and other["analysis_id"] != stored["analysis_id"]
        article = reader.get(f"/v1/articles/{stored['article_id']}").json()
        assert [a["id"] for a in article["analyses"]] == [other["analysis_id"], stored["analysis_id"]]


def test_articles_list_get_correct_and_delete(api: Api) -> None:
    with api.client("reviewer") as reviewer, api.client("reader") as reader:
        texts = [f"Story {word} about the election. The result is due on Friday, officials said.\n" for word in ("alpha", "bravo")]
        ids = [reviewer.post("/v1/analyze", json={"text": t, "outlet": "Wire", "date": "2024-05-0" + str(i + 1), "store": True,
                                                  "settings": {**QUICK, "claim_threshold": 0.0}}).json()["stored"]["article_id"]
               for i, t in enumerate(texts)]
        page = reader.get("/v1/articles", params={"outlet": "Wire", "sort": "date", "limit": 1}).json()
        assert page["total"] == 2 and [item["id"] for item in page["items"]] == [ids[0]]
        assert reader.get("/v1/articles", params={"q": "BRAVO"}).json()["items"][0]["id"] == ids[1]
        assert reader.get("/v1/articles", params={"from": "2024-05-02", "outlet": "Wire"}).json()["total"] == 1
        document = reader.get(f"/v1/articles/{ids[0]}").json()["document"]
        assert document["text"] == texts[0] and document["claims"]
        correction = {"target": "claim", "action": "not_checkworthy", "index": 0}
        assert reader.post(f"/v1/articles/{ids[0]}/corrections", json=correction).status_code == 403
        made = reviewer.post(f"/v1/articles/{ids[0]}/corrections", json=correction)
        assert made.status_code == 201 and made.json()["author"] == "reviewer" and made.json()["after"]["checkworthy"] is False
        bad = reviewer.post(f"/v1/articles/{ids[0]}/corrections", json={"target": "technique", "action": "add", "technique": "Doubt",
                                                                      "start": 5, "end": 100_000})
        assert bad.status_code == 422 and bad.json()["code"] == "E503"
        listed = reader.get(f"/v1/articles/{ids[0]}/corrections").json()
        assert [c["action"] for c in listed] == ["not_checkworthy"]
        assert reader.delete(f"/v1/articles/{ids[1]}").status_code == 403
        assert reviewer.delete(f"/v1/articles/{ids[1]}").status_code == 204
        missing = reader.get(f"/v1/articles/{ids[1]}")
        assert missing.status_code == 404 and missing.json()["code"] == "E502"


def test_stats_as_json_and_csv(api: Api) -> None:
    with api.client("reviewer") as reviewer:
        reviewer.post("/v1/analyze", json={"text": "Traitors and liars run the country, the paper wrote.\n", "outlet": "Stats Daily",
                                           "date": "2024-06-03", "store": True, "settings": {**QUICK, "technique_threshold_shift": -0.5}})
        rows = reviewer.get("/v1/stats", params={"by": "outlet,period", "period": "week", "outlet": "Stats Daily"}).json()["rows"]
        assert [(r["outlet"], r["period"], r["articles"]) for r in rows] == [("Stats Daily", "2024-06-03", 1)]
        assert rows[0]["techniques_per_1000_words"] == round(1000 * rows[0]["technique_spans"] / rows[0]["words"], 3)
        table = reviewer.get("/v1/stats", params={"format": "csv", "outlet": "Stats Daily"})
        assert table.headers["content-type"].startswith("text/csv")
        header, line = table.text.splitlines()
        assert header.startswith("outlet,period,articles,words") and line.startswith("Stats Daily,,1,")


def test_jobs_report_progress_and_only_their_owner_sees_them(api: Api) -> None:
    documents = [{"text": "The army shelled the town, the governor said.\n"}, {"text": "x", "url": "https://example.org"},
                 {"text": "Prices rose by 12 percent last year, the bank reported.\n", "outlet": "Jobs Wire"}]
    with api.client("reviewer") as owner, api.client("reviewer2") as other, api.client("admin") as admin, api.client() as anonymous:
        assert anonymous.post("/v1/jobs", json={"documents": documents}).status_code == 401
        created = owner.post("/v1/jobs", json={"documents": documents, "settings": QUICK})
        assert created.status_code == 202 and created.json()["total"] == 3
        job = wait_for_job(owner, created.json()["id"])
        assert [d["status"] for d in job["documents"]] == ["ok", "error", "ok"] and job["failed"] == 1
        assert job["documents"][1]["error"]["code"] == "E605"
        result = owner.get(f"/v1/jobs/{job['id']}/documents/2").json()
        assert result["status"] == "ok" and result["outlet"] == "Jobs Wire" and result["text"] == documents[2]["text"]
        hidden = other.get(f"/v1/jobs/{job['id']}")
        assert hidden.status_code == 404 and hidden.json()["code"] == "E502"
        assert other.get(f"/v1/jobs/{job['id']}/documents/2").status_code == 404
        assert admin.get(f"/v1/jobs/{job['id']}").status_code == 200
        # the articles one job stored: for its owner and an admin; another reviewer's job is not found
        stored = {d["article_id"] for d in job["documents"] if d["status"] == "ok"}
        listed = owner.get("/v1/articles", params={"job": job["id"]}).json()
        assert {a["id"] for a in listed["items"]} == stored and listed["total"] == 2
        assert admin.get("/v1/articles", params={"job": job["id"]}).json()["total"] == 2
        assert other.get("/v1/articles", params={"job": job["id"]}).status_code == 404
        lines = "\n".join(json.dumps({"text": t, "outlet": "Upload"}) for t in ("One claim: taxes doubled.\n", "Two: wages fell.\n"))
        upload = owner.post("/v1/jobs/file", files={"file": ("batch.jsonl", lines.encode(), "application/jsonl")},
                            data={"settings": json.dumps(QUICK)})
        assert upload.status_code == 202, upload.text
        done = wait_for_job(owner, upload.json()["id"])
        assert [d["status"] for d in done["documents"]] == ["ok", "ok"] and done["documents"][0]["source"].startswith("batch.jsonl")
        empty = owner.post("/v1/jobs/file", files={"file": ("bad.jsonl", b'{"text": ""}\n', "application/jsonl")}).json()
        assert empty["documents"][0]["status"] == "error" and "propscope-upload" not in json.dumps(empty)


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = b"<html><head><title>Local page</title></head><body><article><p>" + TEXT.encode() + b"</p></article></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def page_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/news.html"
    server.shutdown()


def test_no_request_reaches_a_private_address_or_a_local_file(api: Api, page_url: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("The secret password is swordfish, the admin said.\n")
    with api.client("admin") as client:
        private = client.post("/v1/analyze", json={"url": page_url})
        assert private.status_code == 422 and private.json()["code"] == "E111"
        for url in (f"file://{secret}", str(secret), "ftp://127.0.0.1/x"):
            refused = client.post("/v1/analyze", json={"url": url})
            assert refused.status_code == 422 and refused.json()["code"] == "E605", url
        as_text = client.post("/v1/analyze", json={"text": str(secret), "settings": {"force_language": True, **QUICK}}).json()
        assert as_text["text"] == str(secret) and "swordfish" not in json.dumps(as_text)
        upload = client.post("/v1/analyze/file", files={"file": (str(secret), b"An uploaded note about taxes, he said.\n", "text/plain")},
                             data={"settings": json.dumps(QUICK)})
        assert upload.status_code == 200 and "swordfish" not in upload.text and upload.json()["text"].startswith("An uploaded note")
        wrong = client.post("/v1/analyze/file", files={"file": ("x.jsonl", b"{}", "application/json")})
        assert wrong.status_code == 422 and wrong.json()["code"] == "E605"


def test_a_server_that_allows_private_urls_fetches_them(tmp_path: Path, page_url: str) -> None:
    for server in start(tmp_path, allow_private_urls=True):
        with server.client() as client:
            body = client.post("/v1/analyze", json={"url": page_url, "settings": QUICK}).json()
        assert body["status"] == "ok" and body["url"] == page_url and "40 percent" in body["text"]


def test_off_loopback_every_request_needs_a_token(tmp_path: Path) -> None:
    for server in start(tmp_path, host="0.0.0.0"):
        with server.client() as anonymous, server.client("reader") as reader:
            assert anonymous.get("/health").status_code == 200
            refused = anonymous.get("/v1/articles")
            assert refused.status_code == 401 and refused.json()["code"] == "E601"
            assert anonymous.post("/v1/analyze", json={"text": TEXT}).status_code == 401
            assert anonymous.get("/v1/articles", headers={"Authorization": "Bearer psk_wrong"}).status_code == 401
            assert reader.get("/v1/articles").status_code == 200


def test_rate_and_size_limits(tmp_path: Path) -> None:
    for server in start(tmp_path, rate_per_minute=5, max_request_bytes=4096):
        with server.client("reader") as reader, server.client("admin") as admin:
            codes = [reader.get("/v1/articles").status_code for _ in range(7)]
            assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
            limited = reader.get("/v1/articles")
            assert limited.json()["code"] == "E603"
            assert admin.get("/v1/articles").status_code == 200  # another token has its own budget
            big = admin.post("/v1/analyze", json={"text": "word " * 2000})
            assert big.status_code == 413 and big.json()["code"] == "E604"

            def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies while reading
                yield b'{"text": "'
                for _ in range(100):
                    yield b"word " * 20
                yield b'"}'

            streamed = admin.post("/v1/analyze", content=chunks(), headers={"Content-Type": "application/json"})
            assert streamed.status_code == 413


def test_errors_are_json_with_a_code(api: Api) -> None:
    with api.client("reviewer") as client:
        for response, status in (
            (client.get("/v1/nothing-here"), 404),
            (client.post("/v1/analyze", content=b"{not json", headers={"Content-Type": "application/json"}), 422),
            (client.post("/v1/analyze", json={"text": TEXT, "settings": {"kb_top_k": 0}}), 422),
            (client.post("/v1/analyze", json={"text": TEXT, "url": "https://example.org"}), 422),
            (client.post("/v1/analyze", json={"text": "Die Regierung hat gestern beschlossen, dass die Steuern steigen."}), 422),
            (client.put("/v1/articles/1"), 405),
            (client.get("/v1/articles/999999"), 404),
        ):
            assert response.status_code == status, response.text
            assert set(response.json()) == {"code", "message"} and response.json()["code"].startswith("E")
            assert "Traceback" not in response.text


def test_no_article_text_in_the_logs_at_info(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    marker = "Zanzibarquux"
    with caplog.at_level(logging.INFO), api.client("reviewer") as client:
        client.post("/v1/analyze", json={"text": f"{marker} said the war was staged.\n", "store": True, "settings": QUICK})
        client.get("/v1/articles", params={"q": marker})
        client.post("/v1/jobs", json={"documents": [{"text": f"{marker} again.\n"}], "settings": QUICK})
        time.sleep(1.0)
    assert any("POST /v1/analyze 200" in r.getMessage() for r in caplog.records)
    server_side = [r for r in caplog.records if r.name != "httpx"]  # httpx logs the test client's own requests
    assert not [r for r in server_side if marker in r.getMessage()]


def test_kb_search_coverage_and_admin_import(tmp_path: Path) -> None:
    import shutil

    from propscope.kb.paths import shipped_kb_path

    kb = tmp_path / "kb.sqlite"
    shutil.copyfile(shipped_kb_path(), kb)
    feed = Path(__file__).resolve().parents[1] / "kb" / "fixtures" / "claimreview_single.json"
    for server in start(tmp_path, kb_path=str(kb)):
        with server.client("reader") as reader, server.client("reviewer") as reviewer, server.client("admin") as admin:
            coverage = reader.get("/v1/kb").json()
            assert coverage["records"] == 10892 and coverage["path"] == "kb.sqlite"
            hits = reader.get("/v1/kb/search", params={"q": "The Bucha massacre was staged", "k": 3}).json()["hits"]
            assert len(hits) == 3 and all(h["source"] == "EUvsDisinfo" for h in hits)
            files = {"file": ("feed.json", feed.read_bytes(), "application/json")}
            assert reviewer.post("/v1/kb/import", data={"kind": "claimreview"}, files=files).status_code == 403
            imported = admin.post("/v1/kb/import", data={"kind": "claimreview"}, files=files)
            assert imported.status_code == 200, imported.text
            assert imported.json()["added"] >= 1 and imported.json()["used_by_analysis"] is True
            assert reader.get("/v1/kb").json()["records"] == 10892 + imported.json()["added"]
            assert admin.post("/v1/kb/import", data={"kind": "nope"}, files=files).json()["code"] == "E605"


def test_uploaded_html_is_analysed(api: Api) -> None:
    html = b"<html><head><title>Upload title</title></head><body><article><p>" + TEXT.encode() + b"</p></article></body></html>"
    with api.client() as client:
        body = client.post("/v1/analyze/file", files={"file": ("page.html", io.BytesIO(html), "text/html")},
                           data={"settings": json.dumps(QUICK)}).json()
    assert body["status"] == "ok" and body["title"] == "Upload title" and "40 percent" in body["text"]
