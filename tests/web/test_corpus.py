"""The corpus pages in headless Chromium over a store of 200 real articles (PPN, English): the
articles list and its filters, the dashboard's plots, an article page, no console error.

Skipped without ``../shared/data/ppn`` (the fixture-seeded corpus test is in ``test_browser.py``).
The 200 analyses (segment, techniques with every span of the decoder, citations: the cheap
components) are made once and kept in ``$TMPDIR/propscope-web-ppn/`` under a key of the data file,
the package version and the analyser's signature; each run works on a copy.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from propscope import __version__
from propscope.api.app import create_app
from propscope.api.config import ServerConfig
from propscope.engine import default_analyzer
from propscope.ingest import IngestResult, article_from_text
from propscope.options import IngestOptions, RunSettings
from propscope.store import ArticleQuery, Store, save_outcome

from api.server import serve
from conftest import SHARED_DATA

from .test_browser import CHROMIUM, Tab, browser, open_tab  # noqa: F401  (browser: a fixture)

PPN = SHARED_DATA / "ppn" / "articles-en.jsonl"
N_ARTICLES = 200
SETTINGS = RunSettings(components=("segment", "techniques", "citations"), technique_all_spans=True)

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.slow,
    pytest.mark.skipif(not PPN.is_file(), reason=f"shared data not found at {PPN}"),
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install -y chromium)"),
]


@dataclass
class Corpus:
    url: str
    records: list[dict[str, Any]]  # the stored articles' records
    spans: dict[int, int]  # stored article id -> technique spans
    shots: Path


def pick(path: Path, n: int) -> list[dict[str, Any]]:
    """``n`` distinct articles spread over the file's outlets and dates: every k-th of each outlet."""
    by_outlet: dict[str, list[dict[str, Any]]] = {}
    texts: set[str] = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            text = record.get("text", "").strip()
            if text and text not in texts:  # the file repeats some articles under other ids; the store keeps one
                texts.add(text)
                by_outlet.setdefault(record.get("outlet") or "", []).append(record)
    share = n // len(by_outlet)
    chosen = []
    for records in by_outlet.values():
        step = max(1, len(records) // share)
        chosen += records[::step][:share]
    return chosen


def seeded_store(records: list[dict[str, Any]]) -> Path:
    """The analysed records in a store file, made once per data file, version and analyser."""
    analyzer = default_analyzer()
    chosen = [r["id"] for r in records]
    key = hashlib.sha256(json.dumps([__version__, analyzer.signature(SETTINGS), PPN.stat().st_mtime_ns, chosen]).encode()).hexdigest()[:16]
    cached = Path(tempfile.gettempdir()) / "propscope-web-ppn" / f"ppn-{key}.db"
    if cached.exists():
        return cached
    cached.parent.mkdir(parents=True, exist_ok=True)
    building = cached.with_suffix(f".{os.getpid()}.part")
    store = Store.open(f"sqlite:///{building}", migrate=True)
    options = IngestOptions()
    results = [IngestResult(r["id"], article_from_text(r["text"], options, **{k: r[k] for k in ("id", "title", "outlet", "date", "url") if r.get(k)}), None)
               for r in records]
    for outcome in analyzer.run(results, SETTINGS):
        save_outcome(store, outcome, analyzer.signature(SETTINGS))
    store.close()
    os.replace(building, cached)
    return cached


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    folder = tmp_path_factory.mktemp("ppn")
    shots = Path(os.environ.get("PROPSCOPE_SCREENSHOTS") or folder / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    records = pick(PPN, N_ARTICLES)
    db = folder / "ppn.db"
    shutil.copyfile(seeded_store(records), db)
    store = Store.open(f"sqlite:///{db}", migrate=True)
    spans: dict[int, int] = {}
    offset = 0
    while offset == 0 or offset < listed["total"]:
        listed = store.list_articles(ArticleQuery(limit=100, offset=offset))
        spans.update((item["id"], item["analysis"]["techniques"]) for item in listed["items"])
        offset += 100
    with serve(create_app(ServerConfig(), store=store)) as running:
        yield Corpus(running.url, records, spans, shots)
    store.close()


@pytest.fixture
def tab(browser: Any, corpus: Corpus) -> Iterator[Tab]:  # noqa: F811
    yield from open_tab(browser, corpus.url)


def heading_count(page: Any) -> int:
    found = re.search(r"\((\d+)\)", page.locator("h2").first.inner_text())
    assert found, page.locator("h2").first.inner_text()
    return int(found.group(1))


def load_ms(page: Any) -> float:
    return float(page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime; }"))


def test_the_corpus_pages_over_200_real_articles(tab: Tab, corpus: Corpus) -> None:
    page = tab.page
    outlets = Counter(r["outlet"] for r in corpus.records)
    assert len(corpus.spans) == len(corpus.records) == N_ARTICLES

    page.goto(f"{corpus.url}/articles")
    assert heading_count(page) == N_ARTICLES
    assert page.locator("table.articles tbody tr").count() == 50
    page.screenshot(path=str(corpus.shots / "ppn-articles.png"), full_page=True)

    # filters: an outlet, then a date range within it (the outlet with most articles of 2023)
    outlet = Counter(r["outlet"] for r in corpus.records if (r.get("date") or "").startswith("2023")).most_common(1)[0][0]
    expected = outlets[outlet]
    page.fill("input[name=outlet]", outlet)
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"outlet="))
    assert heading_count(page) == expected
    in_2023 = sum(1 for r in corpus.records if r["outlet"] == outlet and (r.get("date") or "").startswith("2023"))
    page.fill("input[name=from]", "2023-01-01")
    page.fill("input[name=to]", "2023-12-31")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"from=2023"))
    assert heading_count(page) == in_2023 > 0
    assert all(cell.startswith("2023") for cell in page.locator("table.articles tbody td:nth-child(3)").all_inner_texts())
    page.screenshot(path=str(corpus.shots / "ppn-articles-filtered.png"))

    page.goto(f"{corpus.url}/dashboard")
    print(f"dashboard over {N_ARTICLES} articles loaded in {load_ms(page):.0f} ms")
    bars = page.locator("#plot-outlets rect.plot-bar")
    assert bars.count() == len(outlets)
    assert page.locator("#plot-time g.outlet").count() == len(outlets)
    assert page.locator("#plot-time line.axis-gap").count() == 1  # 2014, then 2022-2023: the axis says so
    assert page.locator("#plot-bands rect.plot-bar").count() >= 1  # citations ran
    assert "No stored claim matches a known claim" in page.locator("#plot-known").inner_text()  # matching did not run
    page.screenshot(path=str(corpus.shots / "ppn-dashboard.png"), full_page=True)
    # a bar leads to that outlet's articles
    label = page.locator("#plot-outlets a").first.get_attribute("aria-label") or ""
    page.locator("#plot-outlets a").first.click()
    page.wait_for_url(re.compile(r"/articles\?outlet="))
    shown = page.locator("input[name=outlet]").input_value()
    assert shown in outlets and shown in label
    assert heading_count(page) == outlets[shown]

    # the article with the most spans: every span listed and drawn
    richest = max(corpus.spans, key=lambda i: corpus.spans[i])
    page.goto(f"{corpus.url}/articles/{richest}")
    times = [page.evaluate("() => performance.getEntriesByName('ps-interactive')[0].startTime")]
    for _ in range(2):
        page.reload()
        times.append(page.evaluate("() => performance.getEntriesByName('ps-interactive')[0].startTime"))
    script = page.evaluate("() => performance.getEntriesByName('ps-interactive')[0].startTime - "
                           "performance.getEntriesByType('navigation')[0].responseEnd")
    words = len(page.locator("section.reading").inner_text().split())
    print(f"article page ({words} words, {corpus.spans[richest]} spans) interactive after {sorted(times)[1]:.0f} ms "
          f"(median of 3 loads: {[round(t) for t in times]}; last load: {script:.0f} ms after the response ended)")
    assert page.locator("ol.spanlist li").count() == corpus.spans[richest] > 0
    assert page.locator("mark.hl").count() >= 1
    page.screenshot(path=str(corpus.shots / "ppn-article.png"))
    assert not tab.problems, tab.problems
