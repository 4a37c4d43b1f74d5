"""The article page's exports over real HTTP: the reviewed copy by default, each corrected item
marked; ``?as=analysed`` the model's output. Corrections go through the real API with a reviewer
token; the analysis is stored directly (no model runs), so every kind of item is there to correct."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

pytest.importorskip("jinja2")

from api.server import serve  # tests/ is on sys.path (rootdir conftest), tests/api a package

from propscope.api.app import create_app
from propscope.api.config import ServerConfig
from propscope.document import Article, Claim, ComponentRun, KnownClaimMatch, TechniqueSpan
from propscope.schema import article_to_dict
from propscope.store import Saved, Store

TEXT = ("Only traitors and cowards oppose the bill, the spokesman said. The minister said that 40 percent of "
        "the budget went on defence. RT claimed that the massacre in Bucha was staged.\n")


def analysed() -> Article:
    def at(words: str) -> tuple[int, int]:
        start = TEXT.index(words)
        return start, start + len(words)

    claims = [Claim(*at("The minister said that 40 percent of the budget went on defence."),
                    text="The minister said that 40 percent of the budget went on defence.", score=0.7, speaker="The minister",
                    voice="reported"),
              Claim(*at("RT claimed that the massacre in Bucha was staged."),
                    text="RT claimed that the massacre in Bucha was staged.", score=0.9, speaker="the spokesman", voice="reported",
                    matches=[KnownClaimMatch("kb-1", "The Bucha massacre was staged.", url=None, date=None, similarity=0.91, source="EUvsDisinfo"),
                             KnownClaimMatch("kb-2", "Bucha photos were faked.", url=None, date=None, similarity=0.62, source="EUvsDisinfo")])]
    return Article(
        text=TEXT, title="Review me", outlet="Example Post",
        techniques=[TechniqueSpan("Name_Calling,Labeling", *at("traitors and cowards"), 0.81),
                    TechniqueSpan("Loaded_Language", *at("cowards"), 0.55),
                    TechniqueSpan("Doubt", *at("claimed that"), 0.34)],
        claims=claims,
        components=[ComponentRun(n, "test") for n in ("segment", "techniques", "claims", "attribution", "matching")],
    )


@dataclass
class Site:
    url: str
    store: Store
    article_id: int
    reviewer: str
    other: str


def post(site: Site, body: dict) -> None:
    reply = httpx.post(f"{site.url}/v1/articles/{site.article_id}/corrections", json=body,
                       headers={"Authorization": f"Bearer {site.reviewer}"})
    assert reply.status_code == 201, reply.text


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder: Path = tmp_path_factory.mktemp("exports")
    store = Store.open(f"sqlite:///{folder / 'exports.db'}", migrate=True)
    reviewer = store.create_token("rita", "reviewer")[0]
    other = store.create_token("omar", "reviewer")[0]
    saved = store.save(analysed(), "test-signature", source="review-me.txt")
    with serve(create_app(ServerConfig(), store=store)) as running:
        s = Site(running.url, store, saved.article_id, reviewer, other)
        at = TEXT.index("the spokesman said")
        for body in ({"target": "technique", "action": "accept", "index": 0},
                     {"target": "technique", "action": "relabel", "index": 1, "technique": "Exaggeration,Minimisation"},
                     {"target": "technique", "action": "resize", "index": 1, "start": TEXT.index("and cowards"),
                      "end": TEXT.index("and cowards") + len("and cowards")},
                     {"target": "technique", "action": "accept", "index": 2},
                     {"target": "technique", "action": "reject", "index": 2},  # the newest decision stands
                     {"target": "technique", "action": "add", "technique": "Appeal_to_Authority", "start": at,
                      "end": at + len("the spokesman said")},
                     {"target": "claim", "action": "not_checkworthy", "index": 0},
                     {"target": "claim", "action": "speaker", "index": 1, "speaker": "RT"},
                     {"target": "match", "action": "confirm", "index": 1, "match_index": 0},
                     {"target": "match", "action": "reject", "index": 1, "match_index": 1}):
            post(s, body)
        yield s
    store.close()


def get(site: Site, path: str) -> httpx.Response:
    reply = httpx.get(site.url + path)
    assert reply.status_code == 200, (path, reply.status_code, reply.text[:300])
    assert "attachment" in reply.headers["content-disposition"]
    return reply


def test_the_json_export_carries_every_correction_marked_with_who_and_when(site: Site) -> None:
    body = get(site, f"/articles/{site.article_id}/analysis.json").json()
    assert body["exported"] == "reviewed"
    assert len(body["corrections"]) == 10
    spans = body["document"]["techniques"]
    assert [s["review"]["status"] for s in spans] == ["accepted", "relabelled_resized", "rejected", "added"]
    accepted, changed, rejected, added = spans
    assert accepted["review"]["by"] == "rita" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", accepted["review"]["at"])
    # relabelled, then resized: both stand; the model's span is kept beside them
    assert (changed["technique"], TEXT[changed["start"] : changed["end"]]) == ("Exaggeration,Minimisation", "and cowards")
    assert changed["review"]["model"] == {"technique": "Loaded_Language", "start": TEXT.index("cowards"),
                                          "end": TEXT.index("cowards") + 7, "score": 0.55, "text": "cowards"}
    assert [c["action"] for c in changed["review"]["corrections"]] == ["relabel", "resize"]
    # accepted, then rejected: rejected, kept in the JSON with both corrections
    assert [c["action"] for c in rejected["review"]["corrections"]] == ["accept", "reject"]
    assert TEXT[added["start"] : added["end"]] == "the spokesman said" and added["technique"] == "Appeal_to_Authority"
    worthless, fixed = body["document"]["claims"]
    assert worthless["review"]["status"] == "not_checkworthy" and worthless["review"]["checkworthy"] is False
    assert fixed["speaker"] == "RT" and fixed["review"]["model"] == {"speaker": "the spokesman"}
    assert [m["review"]["status"] for m in fixed["matches"]] == ["confirmed", "rejected"]


def test_the_model_output_as_analysed_is_the_stored_document(site: Site) -> None:
    body = get(site, f"/articles/{site.article_id}/analysis.json?as=analysed").json()
    assert body["exported"] == "analysed" and "corrections" not in body
    assert body["document"] == json.loads(json.dumps(article_to_dict(site.store.get(site.article_id).article)))
    refused = httpx.get(f"{site.url}/articles/{site.article_id}/analysis.json?as=edited")
    assert refused.status_code == 422 and "as= must be" in refused.text


def rows(reply: httpx.Response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(reply.text)))


def test_the_csv_files_leave_out_what_reviewers_rejected_and_say_what_they_changed(site: Site) -> None:
    spans = rows(get(site, f"/articles/{site.article_id}/spans.csv"))
    assert [(r["index"], r["technique"], r["text"]) for r in spans] == [
        ("0", "Name_Calling,Labeling", "traitors and cowards"), ("1", "Exaggeration,Minimisation", "and cowards"),
        ("", "Appeal_to_Authority", "the spokesman said")]
    assert spans[0]["review"].startswith("accepted by rita, ")
    assert spans[1]["review"].startswith("relabelled and resized (the model said Loaded language, \u201ccowards\u201d) by rita")
    assert spans[2]["review"].startswith("added by rita") and spans[2]["score"] == ""
    claims = rows(get(site, f"/articles/{site.article_id}/claims.csv"))
    assert [(r["index"], r["speaker"], r["matches"]) for r in claims] == [("1", "RT", "kb-1 (0.91, confirmed)")]
    assert claims[0]["review"].startswith("speaker fixed (the model said the spokesman) by rita")
    as_analysed = rows(get(site, f"/articles/{site.article_id}/spans.csv?as=analysed"))
    assert [r["technique"] for r in as_analysed] == ["Name_Calling,Labeling", "Loaded_Language", "Doubt"]
    assert not any(r["review"] for r in as_analysed)
    assert len(rows(get(site, f"/articles/{site.article_id}/claims.csv?as=analysed"))) == 2


def test_the_html_report_draws_the_reviewed_copy_and_says_so(site: Site) -> None:
    page = get(site, f"/articles/{site.article_id}/report.html").text
    assert 'http-equiv="Content-Security-Policy"' in page  # still the self-contained report
    listed = re.findall(r'<li id="a1-s\d+"[^>]*data-technique="([^"]+)"', page)
    assert listed == ["Name_Calling,Labeling", "Exaggeration,Minimisation", "Appeal_to_Authority"]  # reading order
    assert 'data-technique="Doubt"' not in page  # the rejected span is neither listed nor drawn
    assert re.search(r'data-added="\d+"[^>]*data-technique="Appeal_to_Authority"', page)
    assert re.search(r'<span class="review-note">added by rita, [^<]+ UTC</span>', page)
    line = re.search(r'<p class="review-line" role="note">(.*?)</p>', page).group(1)  # type: ignore[union-attr]
    assert line.startswith("Reviewed copy: 10 corrections by rita (last ")
    assert "left out: 1 rejected span, 1 claim marked not check-worthy, 1 rejected match" in line
    assert "40 percent of the budget" not in page.split('class="claims-table"')[1]  # the claim marked not check-worthy
    assert "Bucha photos were faked" not in page and "The Bucha massacre was staged" in page
    assert "match confirmed by rita" in page and "<strong>RT</strong>" in page
    analysed_page = get(site, f"/articles/{site.article_id}/report.html?as=analysed").text
    assert len(re.findall(r'<li id="a1-s\d+"', analysed_page)) == 3 and 'data-technique="Doubt"' in analysed_page
    assert "the 10 reviewers&#x27; corrections of this article are not applied" in analysed_page
    assert "review-note" not in analysed_page.replace(".review-note", "")


def test_the_article_page_summary_counts_the_reviewed_copy(site: Site) -> None:
    reply = httpx.get(f"{site.url}/articles/{site.article_id}")
    glance = reply.text.split('id="ps-glance"')[1].split("</div>\n</div>")[0]
    chips = re.findall(r'<span class="code">[^<]+</span> ([^<&]+) &times;(\d+)', glance)
    assert sorted(chips) == [("Appeal to authority", "1"), ("Exaggeration / minimisation", "1"), ("Name calling / labelling", "1")]
    assert "<strong>1</strong> of 1" in glance and 'href="#a1-ct1"' in glance  # the claim's anchor in the page's copy
    assert "Counted over the analysis as reviewed" in glance
    # the article's own line counts the same claims (the one marked not check-worthy stays listed, struck through)
    line = re.search(r'<p class="glance">(.*?)</p>', reply.text).group(1)  # type: ignore[union-attr]
    assert "1 check-worthy claim, <strong>1 the same as a known claim</strong>" in line
    assert len(re.findall(r'<tr class="claim', reply.text)) == 2
    view = httpx.get(f"{site.url}/articles/{site.article_id}/view").json()  # what the review script swaps in
    assert view["glance"].split("</dl>")[0] == '<div id="ps-glance">\n' + reply.text.split('<div id="ps-glance">\n')[1].split("</dl>")[0]


@contextmanager
def sign_in(url: str, token: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url) as client:
        form = client.get("/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        assert client.post("/login", data={"token": token, "csrf": csrf, "next": "/"}).status_code == 303
        yield client


def test_the_articles_list_filters_by_batch_job_for_whoever_may_see_the_job(site: Site) -> None:
    others = [site.store.save(Article(text=f"Batch article {i} said the minister.\n", title=f"Batch {i}"), "test-signature")
              for i in range(3)]
    job = site.store.create_job("rita", {}, [(f"doc {i}", {"text": "x"}) for i in range(3)])
    for i, saved in enumerate(others[:2]):
        site.store.finish_job_item(job, i, "ok", saved=Saved(saved.article_id, saved.analysis_id, True))
    site.store.finish_job_item(job, 2, "error", error=("E108", "invalid JSON"))
    with sign_in(site.url, site.reviewer) as rita:
        page = rita.get(f"/articles?job={job}").text
        titles = re.findall(r'<td><a href="/articles/\d+">([^<]+)</a>', page)
        assert sorted(titles) == ["Batch 0", "Batch 1"]
        assert f'<a href="/jobs/{job}"><code>{job}</code></a>' in page and "1 could not be" in page
        assert f'name="job" value="{job}"' in page  # the other filters keep it
        assert re.findall(r'<td><a href="/articles/\d+">([^<]+)</a>', rita.get(f"/articles?job={job}&q=Batch+1").text) == ["Batch 1"]
        everything = re.findall(r'<td><a href="/articles/\d+">([^<]+)</a>', rita.get("/articles").text)
        assert len(everything) == 4
        assert f'href="/articles?job={job}"' in rita.get(f"/jobs/{job}").text
    with sign_in(site.url, site.other) as omar:  # another reviewer's job is not there for him
        assert omar.get(f"/articles?job={job}").status_code == 404
    assert httpx.get(f"{site.url}/articles?job={job}").status_code == 401  # a reader without a token signs in first
