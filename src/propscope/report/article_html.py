"""The HTML of one analysed article: the highlighted text, its techniques, claims, matches and sources.

The report page (:mod:`propscope.report.html`) and the web app's article page both draw an article with
:class:`ArticleView`. Every string that came from an article, a knowledge base or a URL goes through
:func:`esc`; links are only ever ``http(s)`` anchors (:func:`_link`).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from propscope.document import Article, Claim, KnownClaimMatch
from propscope.report.common import (
    coverage_note,
    kb_description,
    no_match_sentence,
    relation_sentence,
    verdict_phrase,
    VOICE_LABELS,
    NumberedSpan,
    Piece,
    article_heading,
    language_warnings,
    numbered_spans,
    verb_first,
    sweep,
    technique_counts,
    technique_report_notes,
    triggers_text,
    unique_sources,
)
from propscope.report.reliability import publisher_line, reliability_band
from propscope.techniques import TECHNIQUES


# CSS class per technique by catalogue position: official names contain commas and hyphens.
TECHNIQUE_CLASS: dict[str, str] = {t.name: f"t{i}" for i, t in enumerate(TECHNIQUES)}
_UNKNOWN_CLASS = "tx"


def technique_code(name: str) -> str:
    """A short code shown next to each highlight, so that colour is never the only signal
    ('Loaded_Language' -> 'LL', 'Name_Calling,Labeling' -> 'NCL')."""
    return "".join(part[0] for part in re.split(r"[_,\-\s]+", name) if part).upper()[:4] or "?"


_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


@dataclass(frozen=True, slots=True)
class ReviewMarks:
    """What reviewers changed, drawn on the article: a line above it, the spans a reviewer added
    (position in ``article.techniques`` -> correction id), and a note per corrected span and claim
    (position in ``article.techniques`` / ``article.claims`` -> text)."""

    line: str = ""
    added: Mapping[int, int] = field(default_factory=dict)
    # claims a reviewer marked not check-worthy, still listed (the web page's undo) but not counted
    struck_claims: frozenset[int] = frozenset()
    spans: Mapping[int, str] = field(default_factory=dict)
    claims: Mapping[int, str] = field(default_factory=dict)



class ArticleView:
    """The HTML of one analysed article; ``anchor`` prefixes every id so several articles can share a page."""

    def __init__(self, anchor: str, source: str, article: Article, marks: ReviewMarks | None = None) -> None:
        self.anchor = anchor
        self.source = source
        self.article = article
        self.marks = marks or ReviewMarks()
        # spans added by reviewers: position in article.techniques -> correction id
        self.added = self.marks.added
        self.spans = numbered_spans(article)
        # positions in the analysis' own lists: the web app's corrections refer to them
        self.span_index = {id(s): i for i, s in enumerate(article.techniques)}
        self.claim_starts: dict[int, list[int]] = {}
        for i, claim in enumerate(article.claims):
            if 0 <= claim.start < len(article.text):
                self.claim_starts.setdefault(claim.start, []).append(i)

    def lang(self) -> str:
        # Screen readers pick the voice from lang; the page chrome is English, the article may not be.
        language = self.article.language
        if language and re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", language):
            return f' lang="{esc(language)}"'
        return ""

    def span_id(self, ns: NumberedSpan) -> str:
        return f"{self.anchor}-s{ns.number}"

    def render(self) -> str:
        return (
            f'<article class="doc" id="{self.anchor}" aria-labelledby="{self.anchor}-h">'
            f"{self.header()}"
            '<div class="grid">'
            f'<section class="reading" aria-label="Article text"{self.lang()}>{self.body()}</section>'
            f'<aside class="legend" aria-labelledby="{self.anchor}-legend-h">{self.legend()}</aside>'
            "</div>"
            f"{self.claims()}{self.sources()}{self.span_list()}"
            "</article>"
        )

    # -- header -------------------------------------------------------------------------------------

    def header(self) -> str:
        article = self.article
        facts: list[tuple[str, str]] = []
        outlet = publisher_line(article)
        if outlet:
            facts.append(("Outlet", esc(outlet)))
        if article.date:
            facts.append(("Date", esc(article.date)))
        if article.url:
            facts.append(("URL", _link(article.url, article.url)))
        facts.append(("Source", esc(self.source)))
        facts.append(("Language", esc(article.language or "unknown")))
        facts.append(("Id", f"<code>{esc(article.id)}</code>"))
        if article.components:
            ran = ", ".join(f"{esc(run.name)} <span class='muted'>{esc(run.version)}</span>" for run in article.components)
        else:
            ran = "none"
        facts.append(("Components", ran))
        meta = "".join(f"<div><dt>{label}</dt><dd>{value}</dd></div>" for label, value in facts)
        warnings = "".join(
            f'<p class="warning" role="alert"><strong>Warning:</strong> {esc(w)}</p>' for w in language_warnings(article)
        )
        if self.marks.line:
            warnings += f'<p class="review-line" role="note">{esc(self.marks.line)}</p>'
        return (
            f'<header class="doc-head"><h2 id="{self.anchor}-h">{esc(article_heading(article, self.source))}</h2>'
            f"{warnings}"
            f'<p class="glance">{self.glance()}</p>'
            f'<dl class="meta">{meta}</dl></header>'
        )

    def glance(self) -> str:
        """One line a desk editor reads first: how much of each kind of finding there is."""
        article = self.article
        bits = []
        if article.has_run("techniques") or self.spans:
            bits.append(f'<span class="shown-count">{len(self.spans)}</span> technique span{"s" if len(self.spans) != 1 else ""}')
        else:
            bits.append("techniques not analysed")
        if article.has_run("claims") or article.claims:
            claims = [c for i, c in enumerate(article.claims) if i not in self.marks.struck_claims]
            matched = sum(1 for c in claims if c.matches)
            claim_bit = f"{len(claims)} check-worthy claim{'s' if len(claims) != 1 else ''}"
            if matched:
                # Say how many the article states itself: a report that quotes false claims is not spreading them.
                own = sum(1 for c in claims if any(m.relation == "repeats" for m in c.matches))
                claim_bit += (
                    f", <strong>{matched} the same as {'a known claim' if matched == 1 else 'known claims'}</strong>"
                    + (f" ({own} in the article's own voice)" if own else "")
                )
            bits.append(claim_bit)
        else:
            bits.append("claims not analysed")
        if article.has_run("citations") or article.citations:
            sources = unique_sources(article.citations)
            weak = sum(1 for c in sources if c.reliability is not None and c.reliability < 0.4)
            source_bit = f"{len(sources)} source{'s' if len(sources) != 1 else ''}"
            if weak:
                source_bit += f", <strong>{weak} rated low</strong>"
            bits.append(source_bit)
        else:
            bits.append("sources not analysed")
        return " &middot; ".join(bits)

    # -- article text -------------------------------------------------------------------------------

    def body(self) -> str:
        text = self.article.text
        paragraphs = [(p.start, p.end) for p in self.article.paragraphs if text[p.start : p.end].strip()]
        if not paragraphs:  # an article from before segmentation ran: blank lines split it
            paragraphs = _paragraphs(text)
        bounds = [b for start, end in paragraphs for b in (start, end)] + list(self.claim_starts)
        out: list[str] = []
        current: int | None = None
        para = 0
        for piece in sweep(len(text), self.spans, bounds):
            while para < len(paragraphs) and paragraphs[para][1] <= piece.start:
                para += 1
            inside = para < len(paragraphs) and paragraphs[para][0] <= piece.start
            if not inside:
                # Whitespace between paragraphs: only the markers of spans that end there survive.
                out.append(self.markers(piece))
                continue
            if current != para:
                if current is not None:
                    out.append("</p>")
                out.append("<p>")
                current = para
            anchors = "".join(f'<span class="claim-at" id="{self.anchor}-ct{i}"></span>' for i in self.claim_starts.get(piece.start, ()))
            out.append(anchors + self.piece_html(piece) + self.markers(piece))
        if current is not None:
            out.append("</p>")
        if not paragraphs:
            out.append('<p class="muted">(the article has no text)</p>')
        return f'<div class="body">{"".join(out)}</div>'

    def piece_html(self, piece: Piece) -> str:
        chunk = esc(self.article.text[piece.start : piece.end]).replace("\n", "<br>\n")
        if not piece.covering:
            # data-o: the text offset of the chunk, so a selection maps back to characters
            return f'<span data-o="{piece.start}">{chunk}</span>'
        top = piece.covering[0]
        classes = ["hl", TECHNIQUE_CLASS.get(top.technique.name, _UNKNOWN_CLASS)]
        if len(piece.covering) > 1:
            # A second technique on the same words shows as an underline in its colour.
            classes.append("u" + TECHNIQUE_CLASS.get(piece.covering[1].technique.name, _UNKNOWN_CLASS)[1:])
        numbers = " ".join(str(ns.number) for ns in piece.covering)
        described = " ".join(self.span_id(ns) for ns in piece.covering)
        title = "\n".join(
            f"[{ns.number}] {ns.technique.title} (score {ns.span.score:.2f}): {ns.technique.why or ns.technique.definition}"
            for ns in piece.covering
        )
        return (
            f'<mark class="{" ".join(classes)}" data-spans="{numbers}" data-o="{piece.start}" tabindex="0" '
            f'aria-describedby="{described}" title="{esc(title)}">{chunk}</mark>'
        )

    def markers(self, piece: Piece) -> str:
        return "".join(
            f'<a class="mk {TECHNIQUE_CLASS.get(ns.technique.name, _UNKNOWN_CLASS)}" href="#{self.span_id(ns)}" '
            f'data-score="{ns.span.score:.4f}" data-n="{ns.number}" aria-label="span {ns.number}: {esc(ns.technique.title)}">'
            f'{ns.number}<span class="code">{esc(technique_code(ns.technique.name))}</span></a>'
            for ns in piece.ends
        )

    # -- legend and span list -----------------------------------------------------------------------

    def legend(self) -> str:
        heading = f'<h3 id="{self.anchor}-legend-h">Persuasion techniques</h3>'
        notes = "".join(f'<p class="muted small tech-note">{esc(note)}</p>' for note in technique_report_notes(self.article))
        if not self.spans:
            if self.article.has_run("techniques"):
                return heading + '<p class="empty">No persuasion techniques found above the thresholds.</p>' + notes
            return heading + '<p class="empty">No technique model ran: persuasion techniques were not looked for.</p>' + notes
        counts = technique_counts(self.spans)
        most = max(count for _, count in counts)
        items = []
        for technique, count in counts:
            cls = TECHNIQUE_CLASS.get(technique.name, _UNKNOWN_CLASS)
            width = max(4, round(100 * count / most))
            why = f'<p class="why"><span class="label">Why it manipulates:</span> {esc(technique.why)}</p>' if technique.why else ""
            items.append(
                f'<li class="lg-item" data-t="{cls}">'
                f'<div class="lg-head"><label class="lg-toggle"><input type="checkbox" checked data-toggle="{cls}"> '
                f'<span class="sw {cls}" aria-hidden="true"></span>'
                f'<strong>{esc(technique.title)}</strong> <span class="code">{esc(technique_code(technique.name))}</span></label>'
                f'<span class="count" data-count-for="{cls}">{count}</span></div>'
                f'<div class="bar" aria-hidden="true"><span class="{cls}" data-bar-for="{cls}" style="width:{width}%"></span></div>'
                f'<p class="def">{esc(technique.definition)}</p>{why}</li>'
            )
        note = ('<p class="muted small">Hover over or tab to a highlight for details. Underlined words carry a second '
                'technique. Untick a technique to hide its highlights.</p>')
        return heading + note + notes + f'<ul class="lg">{"".join(items)}</ul>'

    def span_list(self) -> str:
        if not self.spans:
            return ""
        rows = []
        for ns in self.spans:
            cls = TECHNIQUE_CLASS.get(ns.technique.name, _UNKNOWN_CLASS)
            words = " ".join(self.article.text[ns.span.start : ns.span.end].split())
            if len(words) > 240:
                words = words[:237] + "..."
            triggers = ", ".join(getattr(ns.span, "triggers", None) or [])
            index = self.span_index.get(id(ns.span), -1)
            added = self.added.get(index)
            note = self.marks.spans.get(index)
            # a span a reviewer added has no model score; its note (when given) says who added it
            score = f"{ns.span.score:.2f}" if added is None else ("" if note else "added by a reviewer")
            rows.append(
                f'<li id="{self.span_id(ns)}" value="{ns.number}" data-t="{cls}" data-score="{ns.span.score:.4f}" '
                + (f'data-index="{index}" ' if added is None else f'data-index="-1" data-added="{added}" ')
                + f'data-code="{esc(technique_code(ns.technique.name))}" '
                f'data-technique="{esc(ns.technique.name)}" data-triggers="{esc(triggers)}" '
                f'data-n="{ns.number}" data-title="{esc(ns.technique.title)}" data-def="{esc(ns.technique.definition)}" '
                f'data-why="{esc(ns.technique.why)}">'
                f'<span class="sw {cls}" aria-hidden="true"></span><strong>{esc(ns.technique.title)}</strong> '
                f'<span class="code">{esc(technique_code(ns.technique.name))}</span> '
                f'<span class="score">{score}</span> '
                f'<q>{esc(words)}</q> <span class="muted small">chars {ns.span.start}&ndash;{ns.span.end}</span>'
                + (f' <span class="why-span small">{esc(triggers_text(ns.span, words))}</span>' if triggers_text(ns.span, words) else "")
                + self.note(note)
                + "</li>"
            )
        return (
            f'<section class="spans"><h3>All technique spans ({len(self.spans)})</h3>'
            f'<ol class="spanlist">{"".join(rows)}</ol></section>'
        )

    @staticmethod
    def note(text: str | None) -> str:
        return f' <span class="review-note">{esc(text)}</span>' if text else ""

    # -- claims ---------------------------------------------------------------------------------------

    def claims(self) -> str:
        article = self.article
        heading = "<h3>Check-worthy claims</h3>"
        claims = sorted(article.claims, key=lambda c: c.start)
        if not claims:
            if article.has_run("claims"):
                return f'<section class="claims">{heading}<p class="empty">No check-worthy claims found.</p></section>'
            return f'<section class="claims">{heading}<p class="empty">No claim model ran: check-worthy claims were not looked for.</p></section>'
        note = ""
        if not article.has_run("matching"):
            note = '<p class="empty">Known-claim matching did not run: these claims were not compared with fact-checks.</p>'
        note += self.coverage()
        position = {id(c): i for i, c in enumerate(article.claims)}
        rows = "".join(self.claim_row(n, c, position[id(c)]) for n, c in enumerate(claims, start=1))
        return (
            f'<section class="claims" id="{self.anchor}-claims">{heading}{note}<table class="claims-table">'
            '<colgroup><col class="c-n"><col class="c-claim"><col class="c-who"><col class="c-voice">'
            '<col class="c-score"><col class="c-match"></colgroup><thead><tr><th scope="col">#</th>'
            '<th scope="col">Claim</th><th scope="col">Who says it</th><th scope="col">Voice</th>'
            '<th scope="col" class="num" title="check-worthiness: how much the sentence makes a checkable claim">Score</th>'
            '<th scope="col">Known fact-checks and cases <span class="muted">(similarity)</span></th>'
            f"</tr></thead><tbody>{rows}</tbody></table></section>"
        )

    def coverage(self) -> str:
        """Which KB the claims were looked up in and what it covers; a warning if the article is newer."""
        info = self.article.knowledge_base
        if info is None or not self.article.has_run("matching"):
            return ""
        note = coverage_note(self.article)
        warning = f'<p class="kb-note" role="note">{esc(note[0].upper() + note[1:])}</p>' if note else ""
        return f'<p class="kb-coverage muted">{esc(kb_description(info))}</p>{warning}'

    def claim_row(self, number: int, claim: Claim, index: int) -> str:
        article = self.article
        if not article.has_run("attribution"):
            who, voice = '<span class="muted">not analysed</span>', '<span class="muted">not analysed</span>'
        else:
            voice = esc(VOICE_LABELS.get(claim.voice, claim.voice))
            if claim.speaker:
                who = f"<strong>{esc(claim.speaker)}</strong>"
                if verb_first(claim.verb):
                    who = f'<span class="verb">{esc(claim.verb)}</span> {who}'
                elif claim.verb:
                    who += f' <span class="verb">{esc(claim.verb)}</span>'
            elif claim.voice == "own":
                who = '<span class="muted">the article itself</span>'
            else:
                who = '<span class="muted">not identified</span>'
        if not article.has_run("matching"):
            matches = '<span class="muted">not checked</span>'
        else:
            matches = (
                f'<span class="muted">{esc(no_match_sentence(article))}</span>' if not claim.matches else
                '<ul class="matches">' + "".join(
                    _match_html(m, claim, i) for i, m in sorted(enumerate(claim.matches), key=lambda im: -im[1].similarity)
                ) + "</ul>"
            ) + _related_html(claim)
        # The row is marked red only where the article says the claim itself, not where it reports it.
        relations = {m.relation or "unknown" for m in claim.matches}
        matched = (" matched " + " ".join(f"rel-{r}" for r in sorted(relations))) if claim.matches else ""
        return (
            f'<tr class="claim{matched}" id="{self.anchor}-c{index}" data-index="{index}"><td class="num">'
            f'<a class="goto" href="#{self.anchor}-ct{index}" title="show the claim in the text">{number}</a></td>'
            f'<td class="claim-text">{esc(claim.text)}{self.note(self.marks.claims.get(index))}</td>'
            f'<td class="who">{who}</td><td>{voice}</td>'
            f'<td class="num">{_meter(claim.score)}</td><td>{matches}</td></tr>'
        )

    # -- sources --------------------------------------------------------------------------------------

    def sources(self) -> str:
        article = self.article
        heading = "<h3>Sources the article leans on</h3>"
        if not article.citations:
            if article.has_run("citations"):
                return f'<section class="sources">{heading}<p class="empty">No cited sources found.</p></section>'
            return f'<section class="sources">{heading}<p class="empty">No source finder ran: cited sources were not looked for.</p></section>'
        rows = []
        mentions = Counter((c.name.casefold(), c.domain) for c in article.citations)
        for citation in unique_sources(article.citations):
            label, meaning = reliability_band(citation.reliability)
            score = f"{citation.reliability:.2f}" if citation.reliability is not None else "&ndash;"
            domain = esc(citation.domain) if citation.domain else '<span class="muted">unknown</span>'
            times = mentions[(citation.name.casefold(), citation.domain)]
            kind = "linked" if citation.kind == "link" else "named in the text"
            if times > 1:
                kind += f" ({times}&times;)"
            band_class = "band-" + label.replace(" ", "-")
            rows.append(
                f"<tr><td><strong>{esc(citation.name)}</strong></td><td>{domain}</td><td>{kind}</td>"
                f'<td class="num">{score}</td><td><span class="band {band_class}">{esc(label)}</span></td>'
                f"<td>{esc(meaning)}</td></tr>"
            )
        return (
            f'<section class="sources">{heading}<table><thead><tr><th scope="col">Source</th>'
            '<th scope="col">Domain</th><th scope="col">Cited</th><th scope="col" class="num">Rating</th>'
            '<th scope="col">Band</th><th scope="col">What the rating means</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>'
        )


def _match_html(match: KnownClaimMatch, claim: Claim, index: int = 0) -> str:
    details = [f"<strong>{esc(verdict_phrase(match))}</strong>"]
    if match.date:
        details.append(esc(match.date))
    link = f" {_link(match.url, 'read it')}" if match.url else ""
    relation = esc(match.relation or "unknown")
    return (
        f'<li class="rel-{relation}" data-match="{index}"><div class="match-head"><span class="sim" title="similarity to the article\'s claim">'
        f"{match.similarity:.2f}</span> {', '.join(details)}{link}</div>"
        f'<q class="known">{esc(match.claim)}</q>'
        f'<div class="relation">{esc(relation_sentence(match, claim))}</div></li>'
    )


def _related_html(claim: Claim) -> str:
    """Same-topic candidates below the same-claim threshold: neutral, without a verdict."""
    if not claim.related:
        return ""
    items = "".join(
        f'<li><q>{esc(m.claim)}</q> <span class="muted">{esc(", ".join(x for x in (m.source, m.date) if x))}, '
        f"similarity {m.similarity:.2f}</span>{' ' + _link(m.url, 'link') if m.url else ''}</li>"
        for m in claim.related
    )
    return (
        '<details class="related"><summary>Related known claims (similar, not verified as the same claim; '
        f"no verdict applies to this sentence)</summary><ul>{items}</ul></details>"
    )


def _meter(score: float) -> str:
    width = round(max(0.0, min(1.0, score)) * 100)
    return f'<span class="meter" aria-hidden="true"><span style="width:{width}%"></span></span> {score:.2f}'


def _link(url: str, label: str) -> str:
    """An anchor for http(s) URLs only; anything else (javascript:, data:, file:) stays inert text."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in ("http", "https"):
        return f"<code>{esc(url)}</code>"
    return f'<a href="{esc(url.strip())}" rel="noopener noreferrer" target="_blank">{esc(label)}</a>'


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Character ranges of paragraphs: text between blank lines, whitespace-only stretches dropped."""
    ranges = []
    start = 0
    for gap in _PARAGRAPH_BREAK.finditer(text):
        ranges.append((start, gap.start()))
        start = gap.end()
    ranges.append((start, len(text)))
    return [(s, e) for s, e in ranges if text[s:e].strip()]
