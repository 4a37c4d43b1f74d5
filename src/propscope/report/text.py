"""The terminal report: summary, highlighted article, legend, numbered spans, claims with matches, sources.

Built with rich into a string, so the CLI decides where it goes (a pager, a file, the terminal) and how
wide it is. Without colour the output is plain text and spans are marked ``{like this}[3]``: braces,
because square brackets are common in news text (``[sic]``); a span that partly overlaps another
opens with its number, ``{8:like this}[8]``, and the report's legend says so.
"""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING

from rich.console import Console
from rich.padding import Padding
from rich.rule import Rule
from rich.text import Text

from propscope.document import Article, Claim
from propscope.report.common import (
    RELATION_STYLES,
    VOICE_LABELS,
    NumberedSpan,
    article_heading,
    components_line,
    coverage_note,
    crossing_spans,
    kb_description,
    no_match_sentence,
    relation_sentence,
    verdict_phrase,
    language_warnings,
    numbered_spans,
    one_line,
    quoted,
    plural,
    printable,
    sweep,
    technique_counts,
    technique_report_notes,
    triggers_text,
    tint,
    unique_sources,
    verb_first,
    weakest_sources,
)
from propscope.report.reliability import RATINGS_CITATION, publisher_line, reliability_band

if TYPE_CHECKING:
    from propscope.runner import Outcome

WIDTH = 100  # without a terminal to fit (files, pipes)
MIN_WIDTH = 40
STEP = 4  # indentation of one level, in columns
SUMMARY_ITEMS = 3  # techniques, matched claims and weak sources named in the summary

Part = str | tuple[str, str] | Text


def render_text(outcomes: list[Outcome], colour: bool, width: int | None = None) -> str:
    """The report of every outcome as one string, ``width`` columns wide (default 100); ANSI styles
    only when ``colour`` is true."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=colour,
        no_color=not colour,
        color_system="auto" if colour else None,
        width=max(MIN_WIDTH, width or WIDTH),
        markup=False,  # article text is data: "[bold]" in an article must print as written
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    for index, outcome in enumerate(outcomes):
        if index:
            console.print()
        if outcome.article is None or outcome.error is not None:
            console.print(Text.assemble(("FAILED ", "bold red"), printable(f"{outcome.source}: {outcome.error}")))
            continue
        _ArticleReport(console, outcome.source, outcome.article, colour).render()
    report = buffer.getvalue()
    if not colour:
        # rich pads wrapped, indented blocks with spaces to their width; plain text does not need them.
        report = "\n".join(line.rstrip() for line in report.split("\n"))
    return report


class _ArticleReport:
    """One article's report; a class only so that the sections share console, article and spans."""

    def __init__(self, console: Console, source: str, article: Article, colour: bool) -> None:
        self.console = console
        self.source = source
        self.article = article
        self.colour = colour
        self.spans = numbered_spans(article)

    def render(self) -> None:
        self.header()
        self.warnings()
        self.summary()
        self.section("Article")
        self.body()
        self.legend()
        self.span_list()
        self.claims()
        self.sources()

    def line(self, level: int, *parts: Part) -> None:
        """Print parts as one paragraph indented by ``level`` steps; wrapped lines keep the indent."""
        text = Text.assemble(*parts)
        self.console.print(Padding(text, (0, 0, 0, STEP * level), expand=False) if level else text)

    def style(self, style: str) -> str:
        # Without colour, rich drops styles anyway; keeping it explicit makes the plain path obvious.
        return style if self.colour else ""

    def section(self, title: str) -> None:
        self.console.print()
        self.line(0, (title, "bold underline"))

    def header(self) -> None:
        article = self.article
        self.console.print(Rule(Text(article_heading(article, self.source), style="bold"), characters="=", style="bold"))
        facts = [
            ("id", article.id),
            ("source", self.source),
            ("outlet", publisher_line(article)),
            ("date", article.date),
            ("url", article.url),
            ("language", article.language or "unknown"),
            ("components", components_line(article)),
        ]
        for label, value in facts:
            if value:
                self.console.print(Text.assemble((f"{label + ':':<12}", "bold"), one_line(value)))
        self.console.print()

    def warnings(self) -> None:
        for warning in language_warnings(self.article):
            self.line(0, ("Warning: ", self.style("bold red")), (warning, self.style("bold")))
            self.console.print()

    def summary(self) -> None:
        """What a desk editor reads first: the main techniques, the claims that match known debunks,
        the weakest sources; each points to its section below."""
        article = self.article
        self.line(0, ("Summary", "bold underline"))
        if self.spans:
            counts = technique_counts(self.spans)
            named = ", ".join(f"{technique.title} {count}" for technique, count in counts[:SUMMARY_ITEMS])
            more = f", {plural(len(counts) - SUMMARY_ITEMS, 'other technique')}" if len(counts) > SUMMARY_ITEMS else ""
            self.line(1, ("Techniques: ", "bold"), f"{plural(len(self.spans), 'span')} ({named}{more})")
        elif article.has_run("techniques"):
            self.line(1, ("Techniques: ", "bold"), "none found above the thresholds")
        else:
            self.line(1, ("Techniques: ", "bold"), "not analysed")
        if article.has_run("claims") or article.claims:
            claims = sorted(article.claims, key=lambda c: c.start)
            matched = [(n, c) for n, c in enumerate(claims, start=1) if c.matches]
            text = plural(len(claims), "check-worthy claim") if claims else "no check-worthy claims found"
            if article.has_run("matching") and claims:
                # How many the article states itself: quoting a known false claim is not spreading it.
                own = sum(1 for _, c in matched if any(m.relation == "repeats" for m in c.matches))
                text += f", {len(matched)} the same as known claims" + (f" ({own} in the article's own voice)" if own else "")
                related = sum(1 for c in claims if c.related and not c.matches)
                if related:
                    text += f", {related} with related known claims (not verified as the same claim)"
            self.line(1, ("Claims: ", "bold"), text)
            note = coverage_note(article) if article.has_run("matching") else None
            if note:
                self.line(2, (note, self.style("yellow")))
            for number, claim in matched[:SUMMARY_ITEMS]:
                best = max(claim.matches, key=lambda m: m.similarity)
                relation = {"repeats": ", in its own voice", "reports": ", reported"}.get(best.relation or "", "")
                words = textwrap.shorten(one_line(claim.text), 90, placeholder="...")
                self.line(2, (f"{number}. ", "bold"), quoted(words) + " ",
                          (f"~ {verdict_phrase(best)} {best.similarity:.2f}{relation}",
                           self.style(RELATION_STYLES.get(best.relation or "", "").replace("bold ", ""))))
            if len(matched) > SUMMARY_ITEMS:
                self.line(2, f"and {plural(len(matched) - SUMMARY_ITEMS, 'more matched claim')} below")
        else:
            self.line(1, ("Claims: ", "bold"), "not analysed")
        if article.has_run("citations") or article.citations:
            sources = unique_sources(article.citations)
            weak = weakest_sources(article.citations, SUMMARY_ITEMS)
            text = plural(len(sources), "source")
            if weak:
                names = ", ".join(
                    f"{one_line(c.name)} ({reliability_band(c.reliability)[0]}, {c.reliability:.2f})" for c in weak
                )
                text += f"; weakest: {names}"
            self.line(1, ("Sources: ", "bold"), text)
        else:
            self.line(1, ("Sources: ", "bold"), "not analysed")

    def body(self) -> None:
        text = self.article.text
        crossing = crossing_spans(self.spans)
        rendered = Text()
        for piece in sweep(len(text), self.spans):
            if not self.colour:
                for started in piece.starts:
                    rendered.append(f"{{{started.number}:" if started.number in crossing else "{")
            chunk = printable(text[piece.start : piece.end])
            if piece.covering:
                style = f"black on {tint(piece.covering[0].technique.colour)}"
                if len(piece.covering) > 1:
                    style += " underline"  # more than one technique on these words
                rendered.append(chunk, style=style)
            else:
                rendered.append(chunk)
            for ended in piece.ends:
                closing = "" if self.colour else "}"
                rendered.append(f"{closing}[{ended.number}]", style=f"bold {ended.technique.colour}")
        rendered.rstrip()
        self.console.print(rendered)

    def legend(self) -> None:
        if not self.spans:
            self.section("Persuasion techniques")
            if self.article.has_run("techniques"):
                self.line(1, "No persuasion techniques found above the thresholds.")
            else:
                self.line(1, "No technique model ran: persuasion techniques were not looked for.")
            for note in technique_report_notes(self.article):
                self.line(1, (note, "italic"))
            return
        self.section(f"Persuasion techniques ({plural(len(self.spans), 'span')})")
        if self.colour:
            self.line(
                1,
                (
                    "Highlighted words carry the technique of their colour; underlined words carry more than one. "
                    "[n] after a span refers to the list of spans.",
                    "italic",
                ),
            )
        else:
            self.line(1, "Spans are marked {like this}[n]; [n] refers to the list of spans below.")
            if crossing_spans(self.spans):
                self.line(
                    1,
                    "Where two spans overlap and neither contains the other, braces cannot nest, so such a "
                    "span opens with its number: {n:like this}[n].",
                )
        for note in technique_report_notes(self.article):
            self.line(1, (note, "italic"))
        for technique, count in technique_counts(self.spans):
            swatch: tuple[Part, ...] = (("    ", f"on {tint(technique.colour)}"), " ") if self.colour else ()
            self.console.print()
            self.line(1, *swatch, (technique.title, "bold"), f"  ({plural(count, 'span')})")
            self.line(2, ("What it is: ", "italic"), technique.definition)
            if technique.why:
                self.line(2, ("Why it manipulates: ", "italic"), technique.why)

    def span_list(self) -> None:
        if not self.spans:
            return
        self.section("Spans")
        for ns in self.spans:
            self.line(1, *self._span_parts(ns))

    def _span_parts(self, ns: NumberedSpan) -> tuple[Part, ...]:
        words = one_line(self.article.text[ns.span.start : ns.span.end])
        if len(words) > 160:
            words = words[:157] + "..."
        return (
            (f"[{ns.number}]", f"bold {ns.technique.colour}"),
            " ",
            (ns.technique.title, "bold"),
            f"  {ns.span.score:.2f}  ",
            quoted(words),
            *(((f"  ({triggers_text(ns.span, words)})", "italic"),) if triggers_text(ns.span, words) else ()),
        )

    def claims(self) -> None:
        article = self.article
        claims = sorted(article.claims, key=lambda c: c.start)
        if not claims:
            self.section("Check-worthy claims")
            if article.has_run("claims"):
                self.line(1, "No check-worthy claims found.")
            else:
                self.line(1, "No claim model ran: check-worthy claims were not looked for.")
            return
        self.section(f"Check-worthy claims ({len(claims)})")
        if not article.has_run("matching"):
            self.line(1, ("Known-claim matching did not run: these claims were not compared with fact-checks.", "italic"))
        self._coverage()
        for number, claim in enumerate(claims, start=1):
            self.console.print()
            self.line(1, (f"{number}. ", "bold"), f"score {claim.score:.2f}  ", (self._who(claim), "bold"))
            self.line(2, (quoted(one_line(claim.text)), self.style("italic")))
            self._matches(claim)

    def _who(self, claim: Claim) -> str:
        if not self.article.has_run("attribution"):
            return "speaker not analysed (attribution did not run)"
        voice = VOICE_LABELS.get(claim.voice, claim.voice)
        if claim.speaker:
            if verb_first(claim.verb):
                return f"{one_line(claim.verb)} {one_line(claim.speaker)} ({voice})"
            verb = f" {one_line(claim.verb)}" if claim.verb else ""
            return f"{one_line(claim.speaker)}{verb} ({voice})"
        if claim.voice == "own":
            return "the article itself (own voice)"
        return f"speaker not identified ({voice})"

    def _coverage(self) -> None:
        """Which KB the claims were looked up in, what it covers, and whether the article is newer."""
        info = self.article.knowledge_base
        if info is None or not self.article.has_run("matching"):
            return
        self.line(1, (kb_description(info), self.style("dim")))
        note = coverage_note(self.article)
        if note:
            self.line(1, (note[0].upper() + note[1:], self.style("bold yellow")))

    def _matches(self, claim: Claim) -> None:
        if not self.article.has_run("matching"):
            return
        if not claim.matches:
            self.line(2, (no_match_sentence(self.article), self.style("dim")))
        else:
            self.line(2, ("Same claim as a known case:" if len(claim.matches) == 1 else "Same claim as known cases:",
                          self.style("bold")))
        for match in sorted(claim.matches, key=lambda m: -m.similarity):
            details = [verdict_phrase(match)]
            if match.date:
                details.append(one_line(match.date))
            self.line(2, "- ", (", ".join(details), "bold"), f"  similarity {match.similarity:.2f}")
            self.line(3, quoted(one_line(match.claim)))
            if match.url:
                self.line(3, (one_line(match.url), self.style("underline")))
            self.line(3, (relation_sentence(match, claim), self.style(RELATION_STYLES.get(match.relation or "", ""))))
        if claim.related:
            self.line(2, ("Related known claims (similar, not verified as the same claim; no verdict applies to this sentence):",
                          self.style("dim")))
            for match in claim.related:  # one line each: the links are in the HTML and JSON reports
                where = ", ".join(x for x in (one_line(match.source), one_line(match.date)) if x)
                self.line(2, "- ", (f"{quoted(one_line(match.claim))}  ({where}, similarity {match.similarity:.2f})",
                                    self.style("dim")))

    def sources(self) -> None:
        article = self.article
        if not article.citations:
            self.section("Sources")
            if article.has_run("citations"):
                self.line(1, "No cited sources found.")
            else:
                self.line(1, "No source finder ran: cited sources were not looked for.")
            return
        sources = unique_sources(article.citations)
        self.section(f"Sources ({len(sources)})")
        for citation in sources:
            label, meaning = reliability_band(citation.reliability)
            rating = f"{label} ({citation.reliability:.2f})" if citation.reliability is not None else label
            domain = one_line(citation.domain) if citation.domain else "domain unknown"
            kind = "linked" if citation.kind == "link" else "named"
            self.console.print()
            self.line(1, (one_line(citation.name), "bold"), f"  {domain}, {kind}")
            self.line(2, "Reliability ", (rating, self.style(_band_style(label))), f": {meaning}")
        self.console.print()
        self.line(1, (RATINGS_CITATION, self.style("dim")))



def _band_style(label: str) -> str:
    return {
        "very low": "bold red",
        "low": "bold red",
        "mixed": "bold yellow",
        "generally reliable": "bold green",
        "high": "bold green",
    }.get(label, "bold")
