"""One self-contained HTML page for one or many analysed articles.

Safe to open from any source: every string that came from an article, a knowledge base or a URL goes
through :func:`~propscope.report.article_html.esc`; links are only ever ``http(s)`` anchors; a
Content-Security-Policy forbids every network load, so opening the page contacts nobody. The page works
without JavaScript (native ``title`` tooltips, all spans shown); the inline script adds richer tooltips
and a score threshold. One article's markup is :class:`~propscope.report.article_html.ArticleView`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from propscope import __version__ as propscope_version
from propscope.report.article_html import TECHNIQUE_CLASS, ArticleView, ReviewMarks, esc
from propscope.report.common import article_heading, numbered_spans, tint, unique_sources
from propscope.report.reliability import RATINGS_CITATION
from propscope.techniques import TECHNIQUES
from propscope.web.assets import script_hash, static_text

if TYPE_CHECKING:
    from propscope.runner import Outcome


def content_security_policy() -> str:
    """No network, no inline script but the report's own (by its hash: an injected one never runs)."""
    return (
        f"default-src 'none'; style-src 'unsafe-inline'; script-src {script_hash(report_script())}; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def report_script() -> str:
    """The script the report inlines and the web article page loads: the same file."""
    return static_text("report.js")


def render_html(outcomes: list[Outcome], marks: Mapping[int, ReviewMarks] | None = None) -> str:
    """The whole report as one HTML5 document (a string, UTF-8 when written); ``marks`` draws the
    reviewers' corrections on the outcomes at those positions (0-based)."""
    articles = [(i, o) for i, o in enumerate(outcomes, start=1)]
    ok = [(i, o) for i, o in articles if o.article is not None and o.error is None]
    failed = [(i, o) for i, o in articles if not (o.article is not None and o.error is None)]
    if len(ok) == 1 and not failed:
        assert ok[0][1].article is not None
        page_title = f"propscope: {article_heading(ok[0][1].article, ok[0][1].source)}"
    else:
        page_title = f"propscope report: {len(ok)} article{'s' if len(ok) != 1 else ''}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(content_security_policy())}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="propscope {esc(propscope_version)}">',
        f"<title>{esc(page_title)}</title>",
        f"<style>{technique_css(with_base=True)}</style>",
        "</head>",
        "<body>",
        _page_header(len(ok), len(failed), any(o.article.techniques for _, o in ok if o.article)),
        '<main id="top">',
    ]
    if len(articles) > 1:
        parts.append(_overview(articles))
    for index, outcome in articles:
        if outcome.article is not None and outcome.error is None:
            parts.append(ArticleView(f"a{index}", outcome.source, outcome.article, (marks or {}).get(index - 1)).render())
        else:
            parts.append(_failure(f"a{index}", outcome))
    parts += [
        "</main>",
        _footer(),
        '<div id="ps-tip" role="tooltip" hidden></div>',
        f"<script>{report_script()}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _page_header(n_ok: int, n_failed: int, any_spans: bool) -> str:
    counts = f"{n_ok} article{'s' if n_ok != 1 else ''} analysed"
    if n_failed:
        counts += f", {n_failed} could not be analysed"
    slider = ""
    if any_spans:
        slider = (
            '<div class="controls">'
            '<label for="ps-threshold">Hide technique spans scoring below '
            '<output id="ps-threshold-value" for="ps-threshold">0.00</output></label>'
            '<input type="range" id="ps-threshold" min="0" max="1" step="0.05" value="0">'
            "</div>"
        )
    return (
        '<header class="page">'
        '<div class="brand"><span class="logo">propscope</span> '
        f'<span class="muted">{esc(counts)}</span></div>'
        f"{slider}"
        "</header>"
    )


def _overview(articles: list[tuple[int, Outcome]]) -> str:
    rows = []
    for index, outcome in articles:
        article = outcome.article
        if article is None or outcome.error is not None:
            rows.append(
                f'<tr class="failed"><td><a href="#a{index}">{esc(outcome.source)}</a></td>'
                f'<td colspan="4">not analysed: {esc(_error_text(outcome))}</td></tr>'
            )
            continue
        def count(component: str, value: int) -> str:
            # "0" would claim a clean result where nothing was looked for.
            if value or article.has_run(component):
                return f'<td class="num">{value}</td>'
            return '<td class="num muted" title="not analysed">&ndash;</td>'

        matched = sum(1 for c in article.claims if c.matches)
        weak = sum(1 for c in unique_sources(article.citations) if c.reliability is not None and c.reliability < 0.4)
        rows.append(
            f'<tr><td><a href="#a{index}">{esc(article_heading(article, outcome.source))}</a>'
            f'<div class="muted small">{esc(outcome.source)}</div></td>'
            f"{count('techniques', len(numbered_spans(article)))}{count('claims', len(article.claims))}"
            f"{count('matching', matched)}{count('citations', weak)}</tr>"
        )
    return (
        '<section class="overview" aria-labelledby="overview-h"><h2 id="overview-h">Articles in this report</h2>'
        '<table><thead><tr><th scope="col">Article</th><th scope="col" class="num">Technique spans</th>'
        '<th scope="col" class="num">Claims</th><th scope="col" class="num">Claims matching fact-checks</th>'
        '<th scope="col" class="num">Low-reliability sources</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _error_text(outcome: Outcome) -> str:
    error = outcome.error
    if error is None:
        return "no article and no error were recorded"
    code = getattr(error, "code", None)
    message = getattr(error, "message", str(error))
    return f"{code} {message}" if code else message


def _failure(anchor: str, outcome: Outcome) -> str:
    return (
        f'<article class="doc failed" id="{anchor}"><h2>Could not analyse {esc(outcome.source)}</h2>'
        f'<p class="error">{esc(_error_text(outcome))}</p></article>'
    )


def _footer() -> str:
    return (
        '<footer class="page">'
        f"<p>{esc(RATINGS_CITATION)}</p>"
        "<p>Technique definitions follow the Propaganda Techniques Corpus (Da San Martino et al., SemEval-2020 "
        "Task 11), explained in propscope's own words. Scores are model confidences, not verdicts: a highlight "
        "says the words resemble a technique, not that the article is false.</p>"
        f"<p>Made with propscope {esc(propscope_version)}. This page loads nothing from the network.</p>"
        "</footer>"
    )


def technique_css(with_base: bool = False) -> str:
    """The colour of each technique (generated from the catalogue), after the shared ``report.css``
    when ``with_base``."""
    per_technique = []
    for technique in TECHNIQUES:
        cls = TECHNIQUE_CLASS[technique.name]
        light = tint(technique.colour)
        per_technique.append(
            f".{cls}{{background:{light};box-shadow:inset 0 -2px 0 {technique.colour}}}"
            f"mark.u{cls[1:]}{{box-shadow:inset 0 -4px 0 {technique.colour};text-decoration:underline dotted {technique.colour}}}"
            f"a.mk.{cls}{{background:{light};border-color:{technique.colour}}}"
        )
    per_technique.append(".tx{background:#e0e0e0;box-shadow:inset 0 -2px 0 #999}")
    return (static_text("report.css") if with_base else "") + "".join(per_technique)





