"""`kb update` over real HTTP: each importer against a local server speaking the source's published format."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from propscope.cli.main import main
from propscope.kb.importers import read_source
from propscope.kb.search import KnowledgeBase, SearchSettings
from propscope.kb.update import SourceConfig, load_config, run_update
from tests.kb.webserver import GOOD_KEY, SourceServer, start


@pytest.fixture
def server() -> Iterator[SourceServer]:
    state = SourceServer()
    httpd, thread = start(state)
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def lexical_kb(path: Path) -> KnowledgeBase:
    """A writable KB without an embedder: the importers are under test here, not the dense index."""
    return KnowledgeBase.open(path, readonly=False, settings=SearchSettings(mode="lexical"))


def records(kb: KnowledgeBase) -> dict[str, object]:
    return {record.id: record for _, record in kb.store.iter_records()}


def update(path: Path, *sources: SourceConfig):  # type: ignore[no-untyped-def]
    with lexical_kb(path) as kb:
        return run_update(kb, list(sources)), records(kb)


# -- ClaimReview pages and feeds ------------------------------------------------------------------------

def test_claimreview_site_follows_review_pages_and_a_second_run_adds_nothing(tmp_path: Path, server: SourceServer) -> None:
    source = SourceConfig("checks", "claimreview", {
        "url": f"{server.base_url}/list.html", "follow": "/checks/", "next_pages": 1, "delay_s": 0})
    [result], found = update(tmp_path / "kb.sqlite", source)
    assert result.error is None and result.report.added == 2
    biolabs = next(r for r in found.values() if "biological weapons" in r.claim)  # type: ignore[attr-defined]
    assert (biolabs.source, biolabs.rating, biolabs.date, biolabs.outlets) == (  # type: ignore[attr-defined]
        "Example Checks", "False", "2023-03-02", ["Russian Ministry of Defence"])
    bucha = next(r for r in found.values() if "Bucha" in r.claim)  # type: ignore[attr-defined]
    assert bucha.rating == "Pants on Fire"  # type: ignore[attr-defined]
    assert [str(b) for b in result.report.bad] == [
        f"{server.base_url}/checks/2022/broken.html block 1: JSON-LD that is not valid JSON: Expecting property name "
        "enclosed in double quotes"]
    assert "/about.html" not in server.paths()  # not a review link
    assert all(r.headers["user-agent"].startswith("propscope/") for r in server.requests)

    server.requests.clear()
    [again], _ = update(tmp_path / "kb.sqlite", source)
    assert (again.report.added, again.report.updated) == (0, 0)
    # The listing pages are read again; review pages read once are not fetched again.
    assert server.paths("/checks/") == [] and server.paths("/list") == ["/list.html", "/list-2.html"]


def test_claimreview_feed_json_and_gzip_incremental_by_url_and_date(tmp_path: Path, server: SourceServer) -> None:
    feed = SourceConfig("feed", "claimreview", {"url": f"{server.base_url}/feed.json", "delay_s": 0})
    [result], found = update(tmp_path / "kb.sqlite", feed)
    assert result.report.added == 2 and not result.report.bad
    ratings = sorted(str(r.rating) for r in found.values())  # type: ignore[attr-defined]
    assert ratings == ["1/5", "Mostly false"]  # the alternateName where given, else ratingValue/bestRating
    [again], _ = update(tmp_path / "kb.sqlite", feed)
    assert again.report.added == 0 and again.counts["seen"] == 2
    gz = SourceConfig("gz", "claimreview", {"url": f"{server.base_url}/feed.json.gz", "delay_s": 0})
    [packed], found = update(tmp_path / "other.sqlite", gz)
    assert packed.report.added == 2


def test_robots_txt_is_respected(tmp_path: Path, server: SourceServer) -> None:
    server.robots = "User-agent: *\nDisallow: /checks/\n"
    source = SourceConfig("checks", "claimreview", {"url": f"{server.base_url}/list.html", "follow": "/checks/", "delay_s": 0})
    [result], found = update(tmp_path / "kb.sqlite", source)
    assert found == {} and server.paths("/checks/") == []
    assert all("robots.txt disallows" in b.reason for b in result.report.bad) and len(result.report.bad) == 2


# -- Google Fact Check Tools API ------------------------------------------------------------------------

def factcheck(server: SourceServer, **options: object) -> SourceConfig:
    return SourceConfig("google", "google-factcheck", {
        "base_url": server.base_url, "query": "Ukraine", "api_key": GOOD_KEY, "page_size": 2, "delay_s": 0, **options})


def test_factcheck_api_pages_through_claims_with_each_publishers_rating(tmp_path: Path, server: SourceServer) -> None:
    [result], found = update(tmp_path / "kb.sqlite", factcheck(server))
    calls = [r for r in server.requests if r.path == "/v1alpha1/claims:search"]
    assert [c.query.get("pageToken") for c in calls] == [None, ["2"]]
    assert calls[0].query["query"] == ["Ukraine"] and calls[0].query["pageSize"] == ["2"]
    assert result.report.added == 4 and [b.reason for b in result.report.bad] == ["a claim without text"]
    by_url = {r.url: r for r in found.values()}  # type: ignore[attr-defined]
    one = by_url["https://one.example.org/zelensky-fled"]
    assert (one.claim, one.source, one.rating, one.date, one.outlets, one.title) == (
        "Zelensky fled Kyiv in the first days of the invasion", "Fact Checker One", "False", "2022-02-27",
        ["Social media posts"], "Zelensky did not flee Kyiv")
    assert by_url["https://two.example.org/zelensky-kyiv"].source == "two.example.org"  # no name: the site

    # Second run: only the days since the last run are asked for, and seen reviews add nothing.
    [again], _ = update(tmp_path / "kb.sqlite", factcheck(server))
    last = [r for r in server.requests if r.path == "/v1alpha1/claims:search"][-1]
    assert last.query["maxAgeDays"] == ["1"] and again.report.added == 0


def test_factcheck_api_language_filter(tmp_path: Path, server: SourceServer) -> None:
    [result], found = update(tmp_path / "kb.sqlite", factcheck(server, language="es", page_size=10))
    assert [r.language for r in found.values()] == ["es"]  # type: ignore[attr-defined]
    assert server.requests[-1].query["languageCode"] == ["es"]


def test_factcheck_api_errors_are_coded_and_never_show_the_key(tmp_path: Path, server: SourceServer) -> None:
    [wrong], _ = update(tmp_path / "kb.sqlite", factcheck(server, api_key="not-the-key"))
    assert wrong.error is not None and wrong.error.code == "E313" and "API key not valid" in wrong.error.message
    assert "not-the-key" not in wrong.error.message

    server.fail_with = 429
    [quota], _ = update(tmp_path / "kb.sqlite", factcheck(server))
    assert quota.error is not None and quota.error.code == "E312"
    assert "RESOURCE_EXHAUSTED" in quota.error.message and GOOD_KEY not in quota.error.message

    server.fail_with = 403
    [denied], _ = update(tmp_path / "kb.sqlite", factcheck(server))
    assert denied.error is not None and denied.error.code == "E313" and "HTTP 403" in denied.error.message

    [missing], _ = update(tmp_path / "kb.sqlite", factcheck(server, api_key=None))
    assert missing.error is not None and missing.error.code == "E310" and "GOOGLE_FACTCHECK_API_KEY" in missing.error.message


def test_a_429_with_a_short_retry_after_is_retried(tmp_path: Path, server: SourceServer) -> None:
    server.fail_with, server.fail_after, server.retry_after = 429, 0, "0"
    source = SourceConfig("feed", "claimreview", {"url": f"{server.base_url}/feed.json", "delay_s": 0, "retries": 2,
                                                  "respect_robots": False})
    [result], _ = update(tmp_path / "kb.sqlite", source)
    assert result.error is not None and result.error.code == "E312" and len(server.requests) == 3  # 1 + 2 retries


# -- EUvsDisinfo online ---------------------------------------------------------------------------------

def euvsdisinfo(server: SourceServer, **options: object) -> SourceConfig:
    return SourceConfig("euvsdisinfo", "euvsdisinfo", {
        "base_url": server.base_url, "per_page": 3, "max_pages": 2, "delay_s": 0, **options})


def test_euvsdisinfo_listing_is_incremental_and_resumable(tmp_path: Path, server: SourceServer, kb_fixtures: Path) -> None:
    path = tmp_path / "kb.sqlite"
    with lexical_kb(path) as kb:  # a KB built from posts.csv already holds the Navalny case
        kb.import_rows(read_source("euvsdisinfo", kb_fixtures / "posts.csv"))
    [first], found = update(path, euvsdisinfo(server))
    assert first.report.added == 6 and first.counts["pages"] == 2
    bucha = found["euvsdisinfo:kyiv-regime-staged-bucha"]
    assert (bucha.date, bucha.outlets, bucha.url, bucha.rating) == (  # type: ignore[attr-defined]
        "2023-04-12", ["Example Pravda", "Example TV"], f"{server.base_url}/report/kyiv-regime-staged-bucha/", "disinformation")
    assert "country:Ukraine" in bucha.keywords  # type: ignore[attr-defined]

    # The page budget ran out: the next run checks the top (known), then resumes at offset 6.
    server.requests.clear()
    [second], found = update(path, euvsdisinfo(server))
    offsets = [r.query["offset"][0] for r in server.requests if r.path.startswith("/disinformation-cases")]
    assert offsets == ["0", "6"] and second.report.added == 0 and second.counts["seen"] == 3 + 1
    assert "euvsdisinfo:navalny-poisoning-is-a-western-provocation" in found  # the same id as posts.csv: no duplicate
    assert sum(1 for key in found if "navalny" in key) == 1

    # A new case at the top: picked up, and the run stops at the first known page.
    server.cases.insert(0, {"slug": "new-case", "date": "01.05.2023", "title": "A new case", "outlets": [], "countries": [],
                            "summary": "", "keywords": []})
    server.requests.clear()
    [third], found = update(path, euvsdisinfo(server, max_pages=10))
    offsets = [r.query["offset"][0] for r in server.requests if r.path.startswith("/disinformation-cases")]
    assert third.report.added == 1 and "euvsdisinfo:new-case" in found and offsets[:2] == ["0", "3"]


def test_euvsdisinfo_is_polite(tmp_path: Path, server: SourceServer) -> None:
    [result], found = update(tmp_path / "kb.sqlite", euvsdisinfo(server, delay_s=0.2, case_pages=True, max_pages=1))
    assert result.report.added == 3
    times = [r.at for r in server.requests]
    assert server.requests[0].path == "/robots.txt"
    assert all(b - a >= 0.19 for a, b in zip(times, times[1:])), times  # one request per delay_s at most
    assert all("propscope/" in r.headers["user-agent"] for r in server.requests)
    bucha = found["euvsdisinfo:kyiv-regime-staged-bucha"]
    assert bucha.summary == "The events in Bucha were a provocation staged by Kyiv for Western media."  # type: ignore[attr-defined]
    assert bucha.keywords[:3] == ["Bucha", "War in Ukraine", "Staged"]  # type: ignore[attr-defined]


def test_an_interrupted_crawl_keeps_what_it_stored_and_resumes(tmp_path: Path, server: SourceServer) -> None:
    path = tmp_path / "kb.sqlite"
    server.fail_with, server.fail_after = 503, 3  # robots.txt, page 0, page 3, then the site goes down
    [broken], found = update(path, euvsdisinfo(server, max_pages=10))
    assert broken.error is not None and broken.error.code == "E311" and "HTTP 503" in broken.error.message
    assert broken.report.added == 6 and len(found) == 6
    server.fail_with = None
    [resumed], found = update(path, euvsdisinfo(server, max_pages=10))
    assert resumed.error is None and resumed.report.added == 1 and len(found) == 7


# -- the command ----------------------------------------------------------------------------------------

def test_kb_update_command_with_a_config_file(tmp_path: Path, server: SourceServer, isolated_home: Path,
                                              monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "sources.toml").write_text(f'''
[[source]]
name = "example-checks"
kind = "claimreview"
url = ["{server.base_url}/list.html"]
follow = "/checks/"
delay_s = 0

[[source]]
kind = "google-factcheck"
base_url = "{server.base_url}"
query = "Ukraine"
delay_s = 0

[[source]]
kind = "euvsdisinfo"
base_url = "{server.base_url}"
per_page = 10
delay_s = 0
''', encoding="utf-8")
    monkeypatch.setenv("GOOGLE_FACTCHECK_API_KEY", GOOD_KEY)
    kb = tmp_path / "kb.sqlite"
    assert main(["kb", "update", "--kb", str(kb)]) == 0
    out = capsys.readouterr().out
    assert "example-checks: 2 added" in out and "google-factcheck: 4 added" in out and "euvsdisinfo: 7 added" in out
    assert main(["kb", "search", "biolabs in Ukraine run by the Pentagon", "--kb", str(kb), "--json", "-k", "3"]) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {h["kb_id"] for h in hits} & {"euvsdisinfo:biolabs-in-ukraine-2023"}
    assert all(h["similarity"] > 0 for h in hits)  # the new records were embedded
    assert main(["kb", "stats", "--kb", str(kb)]) == 0
    words = capsys.readouterr().out
    assert "  - EUvsDisinfo: 7 records, 2020-10-08 to 2023-04-12 (imported with euvsdisinfo)" in words
    assert "Source 'example-checks' last updated " in words and "2 new records" in words

    # Only one source, given on the command line; a failing source makes the exit code 4 (nothing worked).
    server.fail_with = 429
    assert main(["kb", "update", "--kb", str(kb), "--only", "google-factcheck"]) == 4
    err = capsys.readouterr().err
    assert "propscope: error E312: source 'google-factcheck': " in err and GOOD_KEY not in err
    server.fail_with = None
    assert main(["kb", "update", "--kb", str(kb), "--claimreview", f"{server.base_url}/feed.json"]) == 0
    assert "claimreview: 2 added" in capsys.readouterr().out


def test_config_errors_are_coded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "update", "--kb", str(tmp_path / "kb.sqlite")]) == 4
    assert "E310" in capsys.readouterr().err
    bad = tmp_path / "sources.toml"
    bad.write_text('[[source]]\nkind = "rss"\n', encoding="utf-8")
    with pytest.raises(Exception) as caught:
        load_config(bad)
    assert getattr(caught.value, "code", None) == "E310" and "'kind' must be one of" in str(caught.value)


def test_an_unreachable_source_is_a_coded_error_without_the_key(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = SourceConfig("google", "google-factcheck", {
        "base_url": f"http://127.0.0.1:{port}", "query": "x", "api_key": "secret-key", "delay_s": 0, "timeout_s": 2})
    [result], _ = update(tmp_path / "kb.sqlite", source)
    assert result.error is not None and result.error.code == "E311" and "ConnectError" in result.error.message
    assert "secret-key" not in result.error.message


def test_redact_hides_keys_in_urls() -> None:
    from propscope.kb.importers.fetching import redact

    assert redact("https://x.test/v1?query=a&key=abc123&pageSize=2") == "https://x.test/v1?query=a&key=REDACTED&pageSize=2"
