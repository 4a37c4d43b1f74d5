"""The web pages' safety rules over real HTTP (no browser, no analysis): CSP, cookie flags, CSRF,
sign-in redirects, escaping in the server-side SVG and CSV cells."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytest.importorskip("jinja2")

from api.server import serve  # tests/ is on sys.path (rootdir conftest), tests/api a package

from propscope.api.app import create_app
from propscope.api.config import ServerConfig
from propscope.store import Store
from propscope.web import charts
from propscope.web.routes import _cell


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder: Path = tmp_path_factory.mktemp("pages")
    store = Store.open(f"sqlite:///{folder / 'pages.db'}", migrate=True)
    token = store.create_token("rita", "reviewer")[0]
    with serve(create_app(ServerConfig(), store=store)) as running:
        yield running.url, token
    store.close()


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the form carries a CSRF token"
    return found.group(1)


def test_pages_send_a_strict_csp_and_a_protected_cookie(site: tuple[str, str]) -> None:
    url, _ = site
    for path in ("/", "/articles", "/dashboard", "/kb", "/login"):
        reply = httpx.get(url + path)
        assert reply.status_code == 200, path
        policy = reply.headers["content-security-policy"]
        script_src = re.search(r"script-src ([^;]+)", policy).group(1)  # type: ignore[union-attr]
        assert script_src.strip() == "'self'", policy
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        cookie = reply.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert "<script>" not in reply.text  # no inline script on any page


def test_posts_without_the_session_csrf_token_are_refused(site: tuple[str, str]) -> None:
    url, token = site
    with httpx.Client(base_url=url) as client:
        csrf = csrf_of(client.get("/login").text)
        assert client.post("/login", data={"token": token, "csrf": "forged", "next": "/"}).status_code == 403
        signed_in = client.post("/login", data={"token": token, "csrf": csrf, "next": "//evil.example/"})
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"  # no open redirect
        page = client.get("/").text
        assert "rita (reviewer)" in page
        fresh = csrf_of(page)
        assert fresh != csrf  # a new session at sign-in
        refused = client.post("/analyze", data={"text": "The minister said so.", "csrf": csrf})
        assert refused.status_code == 403
        fetch = client.post("/articles/1/corrections", json={"target": "technique", "action": "reject", "index": 0})
        assert fetch.status_code == 403 and fetch.json()["code"] == "E602"
        missing = client.post("/articles/999/corrections", headers={"X-CSRF-Token": fresh},
                              json={"target": "technique", "action": "reject", "index": 0})
        assert missing.status_code == 404


def test_a_reader_cannot_analyse_or_correct(site: tuple[str, str]) -> None:
    url, _ = site
    with httpx.Client(base_url=url) as client:
        csrf = csrf_of(client.get("/").text)
        reply = client.post("/analyze", data={"text": "The minister said so.", "csrf": csrf})
        assert reply.status_code == 401 and "needs a reviewer token" in reply.text
        fetch = client.post("/articles/1/corrections", headers={"X-CSRF-Token": csrf},
                            json={"target": "technique", "action": "reject", "index": 0})
        assert fetch.status_code == 401


def test_chart_labels_are_escaped_and_links_quoted() -> None:
    svg = charts.bars([("<script>alert(1)</script>", 3.0), ("Plain", 1.0)], "rate", link="/articles?outlet=")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'href="/articles?outlet=%3Cscript%3Ealert%281%29%3C/script%3E"' in svg
    assert svg.count('class="plot-bar"') == 2


def test_csv_cells_never_start_a_formula() -> None:
    assert _cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert _cell("-2 percent") == "'-2 percent"
    assert _cell("The minister") == "The minister"


def test_the_report_and_the_web_page_share_one_script_and_stylesheet(site: tuple[str, str]) -> None:
    from propscope.report.html import report_script, technique_css

    url, _ = site
    assert httpx.get(url + "/static/report.js").text == report_script()
    assert technique_css(with_base=True).startswith(httpx.get(url + "/static/report.css").text)
    assert httpx.get(url + "/static/techniques.css").text == technique_css()
    assert httpx.get(url + "/static/..%2Fapi.py").status_code == 404


def test_uploads_the_cli_refuses_come_back_as_the_form_with_the_reason(site: tuple[str, str]) -> None:
    """Without the page's script (which checks type, emptiness and size first) the server says the same."""
    url, token = site
    with httpx.Client(base_url=url, headers={"Accept": "text/html"}) as client:
        client.post("/login", data={"token": token, "csrf": csrf_of(client.get("/login").text), "next": "/"})
        csrf = csrf_of(client.get("/").text)
        for name, data, said in (("data.pdf", b"%PDF-1.4", "upload a .csv, .htm, .html, .jsonl, .txt file (got '.pdf')"),
                                 ("empty.jsonl", b"", "the upload holds no documents"),
                                 ("blank.csv", b"\n\n", "no 'text' column in the header"),
                                 ("latin1.csv", "text\n\"Caf\u00e9\"\n".encode("latin-1"), "unreadable header"),
                                 ("bad.jsonl", b'{"title": "no text"}\n{oops\n', "the 'text' field is missing (1 more record")):
            reply = client.post("/analyze", data={"csrf": csrf}, files={"file": (name, data)})
            assert reply.status_code == 200, (name, reply.status_code)
            error = re.search(r'<p class="error" role="alert" id="analyse-error">(.*?)</p>', reply.text, re.S)
            assert error and said in error.group(1).replace("&#39;", "'"), (name, error and error.group(1))
        # over the request limit: refused before the app reads it, as a page for a browser
        reply = client.post("/analyze", data={"csrf": csrf}, files={"file": ("big.jsonl", b"x" * (4 * 1024 * 1024 + 1))})
        assert reply.status_code == 413 and reply.headers["content-type"].startswith("text/html")
        assert "E604" in reply.text and "split the file" in reply.text
    # an API client still gets JSON
    reply = httpx.post(url + "/v1/analyze", content=b"x" * (4 * 1024 * 1024 + 1), headers={"Content-Type": "application/json"})
    assert reply.status_code == 413 and reply.json()["code"] == "E604"


def test_the_time_plot_marks_a_gap_of_years_and_draws_no_line_across_it() -> None:
    rows = [{"outlet": "A", "period": p, "articles": 1, "techniques_per_1000_words": v}
            for p, v in (("2014-07-01", 5.0), ("2022-03-01", 2.0), ("2022-04-01", 3.0))]
    svg = charts.lines(rows, "rate")
    assert svg.count('class="axis-gap"') == 1
    assert svg.count('class="series"') == 2  # 2014 alone, then 2022-03 to 2022-04
    assert svg.count("<circle") == 3


def test_the_page_shows_every_technique_correction_of_its_analysis_in_order() -> None:
    from propscope.document import Article, TechniqueSpan
    from propscope.web.review import ADDED_SCORE, of_analysis, reviewed

    article = Article(text="Only traitors oppose the bill, the spokesman said.",
                      techniques=[TechniqueSpan("Loaded_Language", 5, 13, 0.4, ["traitors"]), TechniqueSpan("Doubt", 14, 20, 0.3)])

    def c(cid: int, action: str, index: int | None, after: dict | None, analysis: int = 1) -> dict:
        return {"id": cid, "analysis_id": analysis, "target": "technique", "action": action, "index": index, "after": after,
                "author": "rita", "created": f"2026-12-02T06:0{cid}:00"}

    corrections = [
        c(1, "relabel", 0, {"technique": "Name_Calling,Labeling", "start": 5, "end": 13}),
        c(2, "resize", 0, {"technique": "Loaded_Language", "start": 0, "end": 13}),  # after a relabel: both stand
        c(3, "reject", 1, None),
        c(4, "add", None, {"technique": "Slogans", "start": 31, "end": 50}),
        c(5, "add", None, {"technique": "Slogans", "start": 40, "end": 999}),  # no longer fits the text
        c(6, "resize", 1, {"technique": "Doubt", "start": 0, "end": 4}, analysis=2),  # another analysis' position
    ]
    shown = reviewed(article, of_analysis(corrections, 1))
    first, second, added = shown.article.techniques
    assert (first.technique, first.start, first.end) == ("Name_Calling,Labeling", 0, 13)
    assert first.triggers == []  # the model's trigger words explained its own words, not the reviewer's
    assert (second.technique, second.start, second.end) == ("Doubt", 14, 20)  # rejected: the page's script hides it
    assert (added.technique, added.start, added.end, added.score) == ("Slogans", 31, 50, ADDED_SCORE)
    assert shown.added == {2: 4}
    assert {i: r["status"] for i, r in shown.spans.items()} == {0: "relabelled_resized", 1: "rejected", 2: "added"}
    assert [s.start for s in article.techniques] == [5, 14]  # the stored analysis is not changed
