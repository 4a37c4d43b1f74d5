"""What every report format shares: span numbering, the boundary sweep, labels and colour tints."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from propscope.dates import parse_day
from propscope.document import Article, Citation, Claim, KnowledgeBaseInfo, KnownClaimMatch, TechniqueSpan
from propscope.options import SUPPORTED_LANGUAGES
from propscope.techniques import BY_NAME, Technique

VOICE_LABELS: dict[str, str] = {
    "own": "article's own voice",
    "direct": "direct quote",
    "reported": "reported speech",
}

@dataclass(frozen=True, slots=True)
class NumberedSpan:
    """A technique span with the number every report uses to refer to it (1-based, reading order)."""

    number: int
    span: TechniqueSpan
    technique: Technique


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch ``[start, end)`` of text covered by the same spans (``covering`` sorted by score, best first)."""

    start: int
    end: int
    covering: tuple[NumberedSpan, ...]
    ends: tuple[NumberedSpan, ...]  # spans whose last character is in this piece
    starts: tuple[NumberedSpan, ...]  # spans whose first character is in this piece


def technique_info(name: str) -> Technique:
    """The explanation of a technique; a neutral stand-in for names a newer model may emit."""
    known = BY_NAME.get(name)
    if known is not None:
        return known
    return Technique(name, name.replace("_", " "), "A technique this version of propscope does not describe.", "", "#999999")


def technique_report_notes(article: Article) -> list[str]:
    """Sentences every report prints about which technique spans it shows and which techniques it hides."""
    report = article.technique_report
    if report is None:
        return []
    if report.operating_point == "all_spans":
        return ["All spans of the F1-tuned decoder are shown, including techniques hidden by default as unreliable."]
    measured = (
        f"; on held-out articles {report.measured_precision:.0%} of such spans were right"
        if report.measured_precision is not None
        else ""
    )
    target = f" (tuned for {report.target_precision:.0%} precision{measured})" if report.target_precision else ""
    notes = [
        f"Spans shown: the precision operating point{target}. Scores are calibrated on held-out articles: "
        "a score of 0.5 means that about half of the spans scoring so were right."
    ]
    if report.hidden:
        count = len(report.hidden)
        notes.append(f"Hidden by default as unreliable ({count} technique{'s' if count != 1 else ''}; --all-spans shows them):")
        notes.extend(f"- {technique_info(h.technique).title}: {h.reason}" for h in report.hidden)
    return notes


def triggers_text(span: TechniqueSpan, words: str = "") -> str:
    """'flagged for: "a", "b"'; empty without trigger words, or when they are the whole span ``words``."""
    if not span.triggers or " ".join(span.triggers) == " ".join(words.split()):
        return ""
    return "flagged for: " + ", ".join(f"\u201c{t}\u201d" for t in span.triggers)


def numbered_spans(article: Article) -> list[NumberedSpan]:
    """Spans in reading order (start, then longer first), numbered from 1, inside the text only."""
    size = len(article.text)
    valid = [s for s in article.techniques if 0 <= s.start < s.end <= size]
    valid.sort(key=lambda s: (s.start, -s.end, -s.score, s.technique))
    return [NumberedSpan(i, s, technique_info(s.technique)) for i, s in enumerate(valid, start=1)]


def sweep(text_length: int, spans: list[NumberedSpan], extra_boundaries: list[int] | tuple[int, ...] = ()) -> list[Piece]:
    """Split ``[0, text_length)`` at every span boundary; each piece knows the spans that cover it.

    One pass over the sorted boundaries with an active set, so the cost grows with the number of
    spans and boundaries, not with the number of characters.
    """
    opening: dict[int, list[NumberedSpan]] = {}
    closing: dict[int, list[NumberedSpan]] = {}
    for ns in spans:
        opening.setdefault(ns.span.start, []).append(ns)
        closing.setdefault(ns.span.end, []).append(ns)
    bounds = sorted({0, text_length, *opening, *closing, *(b for b in extra_boundaries if 0 <= b <= text_length)})
    active: dict[int, NumberedSpan] = {}
    pieces: list[Piece] = []
    for left, right in zip(bounds, bounds[1:]):
        for ns in closing.get(left, ()):
            active.pop(ns.number, None)
        started = tuple(opening.get(left, ()))
        for ns in started:
            active[ns.number] = ns
        covering = tuple(sorted(active.values(), key=lambda n: (-n.span.score, n.number)))
        # Innermost first (latest start, then latest opened), so that bracket-style markers nest.
        ending = tuple(
            sorted((n for n in active.values() if n.span.end == right), key=lambda n: (-n.span.start, -n.number))
        )
        pieces.append(Piece(left, right, covering, ending, tuple(sorted(started, key=lambda n: n.number))))
    return pieces


def crossing_spans(spans: list[NumberedSpan]) -> set[int]:
    """Numbers of spans that partly overlap another (neither contains the other): brackets cannot nest them."""
    ordered = sorted(spans, key=lambda n: (n.span.start, -n.span.end))
    crossing: set[int] = set()
    for i, outer in enumerate(ordered):
        for inner in ordered[i + 1 :]:
            if inner.span.start >= outer.span.end:
                break
            if inner.span.end > outer.span.end:
                crossing.update((outer.number, inner.number))
    return crossing


def technique_counts(spans: list[NumberedSpan]) -> list[tuple[Technique, int]]:
    """Techniques present, most frequent first (ties in the catalogue's order)."""
    counts = Counter(ns.technique.name for ns in spans)
    order = {name: i for i, name in enumerate(BY_NAME)}
    info = {ns.technique.name: ns.technique for ns in spans}
    names = sorted(counts, key=lambda n: (-counts[n], order.get(n, len(order)), n))
    return [(info[n], counts[n]) for n in names]


def tint(colour: str, brightness: float = 0.68) -> str:
    """The colour mixed with white up to about ``brightness`` (0-1), so black text on it stays legible.

    A fixed mix would leave dark colours too dark and wash light ones out to white; mixing towards a
    target brightness keeps every technique's highlight equally readable and still distinct.
    """
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    own = (0.299 * red + 0.587 * green + 0.114 * blue) / 255
    keep = 1.0 if own >= brightness else min(1.0, max(0.3, (1 - brightness) / (1 - own)))
    mixed = (round(255 - (255 - c) * keep) for c in (red, green, blue))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def components_line(article: Article) -> str:
    if not article.components:
        return "no components ran"
    return ", ".join(f"{run.name} {run.version}" for run in article.components)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text safe to print on a terminal: hostile articles may carry escape sequences.

    Line breaks are normalised; other control characters become visible Unicode control pictures.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(lambda m: chr(0x2400 + ord(m.group())) if ord(m.group()) < 0x20 else "\ufffd", text)


def one_line(text: str | None) -> str:
    """Collapse whitespace, for quoting spans and claims on one line."""
    return " ".join(printable(text or "").split())


OPENING_QUOTES = "\u201c\u201e\u00ab\"'"
CLOSING_QUOTES = "\u201d\u00bb\"'"


def quoted(text: str) -> str:
    """``text`` in curly quotes, without doubling a quotation mark it starts or ends with itself (a
    claim that opens a quotation would read ``\u201c\u201cAt 5:22 a.m., ...``). A claim that holds only one
    end of a quotation gets the other end alone: ``We have ... old,\u201d says X.`` reads
    ``\u201cWe have ... old,\u201d says X.``, not as if the reporting clause were quoted too; one that opens
    or ends with a quotation mark of its own is left as it is."""
    opens, closes = (sum(text.count(q) for q in marks) for marks in ("\u201c\u00ab", "\u201d\u00bb"))
    if "\u201e" not in text and closes > opens:  # (\u201e...\u201c, German style, pairs otherwise)
        return f"\u201c{text}"
    if "\u201e" not in text and opens > closes:
        return f"{text}\u201d"
    if text[:1] in OPENING_QUOTES or text[-1:] in CLOSING_QUOTES:
        return text  # its own quotation marks delimit it: not '“We ...,” the firm said.”'
    return f"\u201c{text}\u201d"


def article_heading(article: Article, source: str = "") -> str:
    """The title, else where the article came from, else its id: something a reader can recognise."""
    return one_line(article.title) or one_line(source) or f"Article {article.id}"


def unique_sources(citations: list[Citation]) -> list[Citation]:
    """One entry per outlet: an outlet cited five times is one source; its first mention stands for all."""
    seen: set[tuple[str, str | None]] = set()
    unique: list[Citation] = []
    for citation in sorted(citations, key=lambda c: c.start):
        key = (citation.name.casefold(), citation.domain)
        if key not in seen:
            seen.add(key)
            unique.append(citation)
    return unique


def verb_first(verb: str | None) -> bool:
    """Attributions such as "according to" read before the speaker ("according to Reuters")."""
    return bool(verb) and verb.lower().startswith(("according", "as reported", "as stated", "citing"))


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 span``, ``2 spans``; ``many`` for irregular plurals."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def language_warnings(article: Article) -> list[str]:
    """What a reader must know before trusting an analysis: text in a language the models never saw
    (only possible with --force-language) gives spans, scores and matches that mean little."""
    if article.language is None or article.language in SUPPORTED_LANGUAGES:
        return []
    return [
        f"This text looks like '{article.language}', not English: the models were trained on English only, so "
        "the technique spans, claim scores and matches below are not meaningful (analysed with --force-language)."
    ]


# A source rated below this is one a fact-checker should not rely on (the "low" and "very low" bands).
WEAK_RELIABILITY = 0.4


def weakest_sources(citations: list[Citation], limit: int = 3) -> list[Citation]:
    """The least reliable rated sources, weakest first, only those rated below :data:`WEAK_RELIABILITY`."""
    rated = [c for c in unique_sources(citations) if c.reliability is not None and c.reliability < WEAK_RELIABILITY]
    return sorted(rated, key=lambda c: (c.reliability, c.start))[:limit]


# -- known-claim matches and KB coverage: one wording for every report format ---------------------------

RELATION_STYLES: dict[str, str] = {"repeats": "bold red", "reports": "bold yellow", "rebuts": "bold green"}


def relation_sentence(match: KnownClaimMatch, claim: Claim) -> str:
    """How the article relates to a known claim it matches, in words a reader cannot take for an accusation
    of spreading it when the article only reports it."""
    if match.relation == "repeats":
        return "The article makes this claim in its own voice."
    if match.relation == "reports":
        who = one_line(claim.speaker) if claim.speaker else "a speaker it does not name"
        return f"The article attributes this claim to {who}: it reports the claim, it does not state it in its own voice."
    if match.relation == "rebuts":
        return "The article calls this claim false."
    return "Who makes the claim in the article was not analysed."


def verdict_phrase(match: KnownClaimMatch) -> str:
    """What the match's source says of the claim, as the source words it."""
    source = one_line(match.source)
    if match.verdict is None:
        return f"{source} (no verdict in the data)"
    verdict = one_line(match.verdict)
    if verdict == "disinformation case":
        return f"{source} disinformation case"
    return f"{source} rated it \u201c{verdict}\u201d"


def kb_description(info: KnowledgeBaseInfo) -> str:
    """Which KB the claims were looked up in and what it covers, in one sentence."""
    where = {
        "shipped": "the knowledge base shipped with propscope",
        "user": f"your knowledge base ({one_line(info.path)})",
    }.get(info.kind, f"the knowledge base {one_line(info.path)}")
    sources = "; ".join(
        f"{one_line(s.name)} {s.records:,}" + (f", {_range(s.first_date, s.last_date)}" if s.last_date else "")
        for s in info.sources[:6]
    )
    if len(info.sources) > 6:
        sources += f"; {len(info.sources) - 6} more sources"
    span = f", {_range(info.first_date, info.last_date)}" if info.last_date else ", undated"
    return f"Known claims were looked up in {where}: {info.records:,} records{span} ({sources})."


def coverage_note(article: Article) -> str | None:
    """A warning when the article may be newer than the KB: then a missing match means little."""
    info = article.knowledge_base
    if info is None or not info.last_date:
        return None
    ends = f"the knowledge base ends {info.last_date}"
    if not article.date:
        return f"note: the article has no date, and {ends}: claims newer than that cannot match."
    day, last = parse_day(article.date), parse_day(info.last_date)
    if day is None:
        return f"note: the article's date \u201c{one_line(article.date)}\u201d could not be read, and {ends}."
    if last is not None and day > last:
        return f"note: {ends} and the article is dated {day.isoformat()}: claims newer than that cannot match."
    return None


def no_match_sentence(article: Article) -> str:
    """What a claim without a match means, with the coverage caveat where the article is newer than the KB."""
    info = article.knowledge_base
    if info is not None and info.last_date and coverage_note(article) is not None:
        return f"No known case matches; note: the knowledge base ends {info.last_date}."
    return "No known fact-check or disinformation case matches."


def _range(first: str | None, last: str | None) -> str:
    return f"{first} to {last}" if first and first != last else f"{last}"
