"""The EUvsDisinfo database online: its public listing of cases, newest first, politely and resumably.

The listing ``{base_url}/disinformation-cases/?offset=N&per_page=M`` shows one ``div.disinfo-db-post``
per case, with cells marked by ``data-column``: ``Date`` (``dd.mm.yyyy``), ``Title`` (the
disinformation claim in short, linking to the case page ``/report/<slug>/``), ``Outlets`` and
``Country`` (comma-separated). These are the fields of ``posts.csv`` (the scrape the shipped KB was
built from), so a case gets the same record id from either and is never duplicated. With
``case_pages = true`` each new case page is read too, for its summary (``b-report__summary-text``) and
keywords; the disproof stays on the site, which every record links to.

Politeness: a user agent that names propscope, ``delay_s`` (default 2 s) between requests, robots.txt,
``max_pages`` listing pages per run. Incremental and resumable: a run walks from the newest cases
until a whole page is known to the KB (caught up); a run stopped by ``max_pages`` (or an error) before
reaching the end of the listing or known cases remembers the offset, and the next run, after picking up
what is new at the top, goes on from there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from propscope.kb.importers import clean
from propscope.kb.importers.euvsdisinfo import case_record
from propscope.kb.importers.fetching import FetchContext, body_bytes
from propscope.kb.record import BadRow, KBRecord

BASE_URL = "https://euvsdisinfo.eu"
DEFAULTS: dict[str, Any] = {"delay_s": 2.0, "per_page": 100, "max_pages": 10, "case_pages": False}
_POST = "//*[contains(concat(' ', normalize-space(@class), ' '), ' disinfo-db-post ')]"


def fetch(options: dict[str, Any], context: FetchContext) -> Iterator[KBRecord | BadRow]:
    base = str(options.get("base_url") or BASE_URL).rstrip("/")
    per_page = int(options.get("per_page", DEFAULTS["per_page"]))
    budget = int(options.get("max_pages", DEFAULTS["max_pages"]))
    case_pages = bool(options.get("case_pages", DEFAULTS["case_pages"]))
    state = context.state
    previous = state.get("resume_offset")  # where an earlier, unfinished run stopped
    offset, resuming = 0, False
    while budget > 0:
        url = f"{base}/disinformation-cases/"
        if not context.client.allowed(f"{url}?offset={offset}&per_page={per_page}"):
            yield BadRow(url, "robots.txt disallows the listing")
            return
        page = context.client.get(url, {"offset": offset, "per_page": per_page})
        budget -= 1
        context.count("pages")
        rows = list(_rows(body_bytes(page), f"listing offset {offset}"))
        if not rows:  # past the last case: the whole listing has been read
            state["resume_offset"], state["complete"] = None, True
            return
        cases = [r for r in rows if isinstance(r, KBRecord)]
        known = context.known([c.id for c in cases])
        for row in rows:
            if isinstance(row, BadRow):
                yield row
            elif row.id in known:
                context.count("seen")
            else:
                if case_pages and row.url and context.client.allowed(row.url):
                    _add_case_page(row, context)
                yield row
        offset += len(rows)
        if cases and len(known) == len(cases) and not resuming:
            # Caught up with what the KB holds at the top of the listing: go on where an earlier run
            # stopped, if one did (cases published since then moved it down: a few known ones are re-read).
            if previous is None:
                state["resume_offset"] = None
                return
            offset, resuming = max(int(previous), offset), True
        # Saved after the page's records were yielded: an interrupted run resumes here, losing nothing.
        state["resume_offset"] = offset
        state["complete"] = False


def _rows(html: bytes, where: str) -> Iterator[KBRecord | BadRow]:
    import lxml.html

    tree = lxml.html.fromstring(html)
    for number, post in enumerate(tree.xpath(_POST), start=1):
        label = f"{where} case {number}"
        title_cell = _cell(post, "Title")
        link = title_cell.xpath(".//a[@href]") if title_cell is not None else post.xpath(".//a[@href]")
        if not link:
            yield BadRow(label, "a case without a link to its page")
            continue
        url = link[0].get("href").strip()
        claim = clean(link[0].text_content())
        if not claim:
            yield BadRow(label, "a case without a title")
            continue
        date_cell = _cell(post, "Date")
        yield case_record(
            url,
            claim,
            _iso(clean(date_cell.text_content())) if date_cell is not None else None,
            keywords=[],
            countries=_list(_cell(post, "Country")),
            outlets=_list(_cell(post, "Outlets")),
        )


def _add_case_page(record: KBRecord, context: FetchContext) -> None:
    """The case page's summary and keywords, where it has them (a page that fails leaves the record as is)."""
    import lxml.html

    assert record.url is not None
    page = context.client.get(record.url)
    context.count("case pages")
    tree = lxml.html.fromstring(body_bytes(page))
    summary = tree.xpath("//*[contains(@class, 'b-report__summary-text') or contains(@class, 'report-summary-text')]")
    if summary:
        record.summary = clean(summary[0].text_content())
    for label in tree.xpath("//*[normalize-space(text())='Keywords:']"):
        following = label.tail or (label.getnext().text_content() if label.getnext() is not None else "")
        words = [w.strip() for w in (following or "").split(",") if w.strip()]
        record.keywords = words + [k for k in record.keywords if k.startswith("country:")]
        break


def _cell(post: Any, column: str) -> Any:
    found = post.xpath(f".//*[@data-column='{column}']")
    return found[0] if found else None


def _list(cell: Any) -> list[str]:
    if cell is None:
        return []
    return [part.strip() for part in re.split(r"[,\n]", cell.text_content()) if part.strip()]


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None
