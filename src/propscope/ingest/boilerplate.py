"""Page furniture inside an article's text: bylines, photo credits, footers, datelines, the headline.

Main-text extractors (trafilatura for HTML, news-please for the PPN records) keep lines that belong to
the page rather than to the article: "RRN Staff" and "By Leonardo Soardi", "THANK YOU FOR READING TO
THE END. SHARE INFORMATION ON SOCIAL NETWORKS", "MIKHAIL KLIMENTYEV/Sputnik/AFP via Getty Images", a
"01.08.2022 - 30.09.2022" date line, and the headline again. Analysed as text they become "claims" in
the article's own voice, technique spans on a call to action, and agencies the article seems to rely
on. :func:`strip_boilerplate` removes such *whole lines* (a credit may also end a caption line) and
returns what it removed, so that the caller keeps it as metadata (the author, the credits) and nothing
disappears without a trace.

The rules look only at a line by itself: its shape (short, no sentence), fixed phrases of calls to
action, and the credit conventions of photo agencies. A line of article prose is never removed for a
word it contains: each pattern is anchored to the whole line and the line must be short.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

# "furniture": a share/subscribe box or menu removed from the HTML tree (see ingest/page.py)
Kind = Literal["byline", "credit", "footer", "dateline", "headline", "furniture"]

_NAME_WORD = r"(?:[A-Z][\w'’.-]*|[A-Z]\.|de|da|van|von|der|al|el|bin)"
_NAME = rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,4}}"
_NAMES = rf"{_NAME}(?:[ \t]*(?:,|&|\band\b)[ \t]*{_NAME}){{0,3}}"
# "By Leonardo Soardi", "Source: RRN Staff", "Written by Ann Lee and Bo Chen", "Text: Ann Lee"
BYLINE = re.compile(rf"^(?:(?i:by|written[ \t]+by|story[ \t]+by|reporting[ \t]+by|author|authors|source|text|words)[ \t]*:?[ \t]+){_NAMES}\.?$")
# A person's name alone on the last line (2-3 capitalised words): the signature of an opinion piece.
SIGNATURE = re.compile(r"^[A-Z][a-z'’-]+(?:[ \t]+[A-Z][a-z'’-]+){1,2}$")

_AGENCIES = (
    r"Getty[ \t]+Images|AFP|AP|Reuters|Sputnik|TASS|RIA[ \t]+Novosti|EPA(?:-EFE)?|EFE|Anadolu(?:[ \t]+Agency)?|"
    r"Xinhua|Bloomberg|dpa|DPA|ANP|ZUMA(?:[ \t]+Press)?|SIPA|Shutterstock|Alamy|imago(?:[ \t]+images)?|"
    r"NurPhoto|SOPA[ \t]+Images|LightRocket|Pool|Kremlin\.ru|Wikimedia(?:[ \t]+Commons)?|Unsplash|Pixabay|"
    r"Associated[ \t]+Press|Press[ \t]+Association|PA[ \t]+Images|Kommersant|Izvestia|Ukrinform|UNIAN"
)
# "MIKHAIL KLIMENTYEV/Sputnik/AFP via Getty Images", "Sergei Bobylev/TASS", "AP Photo/Efrem Lukatsky"
_PART = r"(?:[\w'’ -]|\.(?=\w)){1,60}"  # no full stop inside a credit: "Putin. ALEXEI/TASS" is a caption
_SLASH_CREDIT = rf"{_PART}(?:/{_PART}){{1,4}}(?:[ \t]+via[ \t]+{_PART})?"
CREDIT_LINE = re.compile(
    rf"^[(\[]?(?:"
    rf"(?:(?i:photo|photos|photograph|image|images|picture|pictures|foto|video|source|credit|credits|illustration)"
    rf"(?:[ \t]+(?i:credit|credits|source))?[ \t]*(?::|(?i:by)|©)[ \t]*[^\n]{{1,100}})"
    rf"|(?:©|\(c\)|(?i:copyright))[ \t]*[^\n]{{1,100}}"
    rf"|{_SLASH_CREDIT}"
    rf"|{_PART}[ \t]+via[ \t]+(?:{_AGENCIES})"
    rf"|(?:{_AGENCIES})(?:[ \t]*(?:/|,|&|and)[ \t]*(?:{_AGENCIES}))*"
    rf")[)\]]?\.?$"
)
# A slash-separated line is a credit only when one part names an agency or it says "via ...":
# "and/or" and "24/7" in a short line of prose stay.
_CREDIT_EVIDENCE = re.compile(rf"(?:{_AGENCIES})|\bvia\b|(?i:photo|image|picture|credit|©|copyright)")
# A credit closing a caption: "Central square in Sevastopol. Photo: Reuters", "... (AFP via Getty Images)"
_CAPTION_CREDIT = (
    rf"(?i:photo|image|picture|foto|credit)s?[ \t]*(?::|(?i:by)|©)[ \t]*[^\n]{{1,80}}"
    rf"|[\w'’ -]{{1,40}}(?:/[\w'’ -]{{1,40}}){{1,4}}(?:[ \t]+via[ \t]+(?:{_AGENCIES}))?"
    rf"|(?:{_AGENCIES})(?:[ \t]+via[ \t]+(?:{_AGENCIES}))?"
    rf"|©[ \t]*[^\n]{{1,80}}"
)
CREDIT_SUFFIX = re.compile(
    rf"(?:[ \t]*[(\[](?:{_CAPTION_CREDIT})[)\]]"
    rf"|(?:[ \t]*[|–—][ \t]*|(?<=[.!?”\"])[ \t]+)(?:{_CAPTION_CREDIT}))\.?$"
)
FOOTER = re.compile(
    r"(?i)(?:^thank(?:s| you)[ \t]+for[ \t]+(?:reading|watching|your[ \t]+attention)"
    r"|share[ \t]+(?:this|the|our|information|it|these)[^\n]{0,30}[ \t]+(?:on|in|via|with)[ \t]+"
    r"(?:social[ \t]+(?:networks?|media)|facebook|twitter|telegram|vk|your[ \t]+friends)"
    r"|^(?:please[ \t]+)?(?:subscribe|follow[ \t]+us|join[ \t]+us|sign[ \t]+up|support[ \t]+us|donate)\b"
    r"|subscribe[ \t]+to[ \t]+(?:our|the|us|[\w.]+\.(?:info|com|media|net|org|ru))\b"
    r"|all[ \t]+rights[ \t]+reserved"
    r"|^(?:read|see|watch)[ \t]+(?:also|more)\b[ \t]*:?"
    r"|^(?:related|similar|latest|popular|trending|recommended|more|most[ \t]+read|top|advertisement|sponsored|you[ \t]+may[ \t]+also[ \t]+like)"
    r"(?:[ \t]+(?:content|articles|stories|news|posts|videos|on[ \t]+this[ \t]+topic))?[ \t]*:?$"
    r"|^(?:share|tweet|print|email|e-mail|comments?)(?:[ \t]*[|/·•,][ \t]*(?:share|tweet|print|email|e-mail|comments?))*$)"
)
_FOOTER_MAX = 200
_DATE = r"(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|(?:\d{1,2}[ \t]+)?[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}(?:st|nd|rd|th)?,?[ \t]+\d{4}|\d{1,2}[ \t]+[A-Z][a-z]{2,8}[ \t]+\d{4})"
_TIME = r"(?:[ \t,]+(?:at[ \t]+)?\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]*[AaPp]\.?[Mm]\.?)?(?:[ \t]+[A-Z]{2,4})?)?"
# "01.08.2022 - 30.09.2022", "03.09.2023 12:30 PM", "Published: September 3, 2023", "Updated 2023-09-03"
DATELINE = re.compile(
    rf"^(?:(?i:published|updated|posted|last[ \t]+updated|date)[ \t]*:?[ \t]*(?:(?i:on)[ \t]+)?)?{_DATE}{_TIME}"
    rf"(?:[ \t]*[–—-][ \t]*{_DATE}{_TIME})?$"
)


@dataclass(frozen=True, slots=True)
class Removed:
    """A piece of page furniture taken out of the text, and what it was."""

    kind: Kind
    text: str


@dataclass(slots=True)
class Cleaned:
    text: str
    removed: list[Removed] = field(default_factory=list)

    @property
    def author(self) -> str | None:
        return first_author(self.removed)


def first_author(removed: list[Removed]) -> str | None:
    """The name(s) of the first byline removed, without "By"/"Source:"."""
    for piece in removed:
        if piece.kind == "byline":
            return byline_name(piece.text)
    return None


def as_records(removed: list[Removed]) -> list[dict[str, str]]:
    """What was removed, as ``Article.metadata["removed"]`` keeps it (JSON-ready)."""
    return [{"kind": piece.kind, "text": piece.text} for piece in removed]


def byline_name(line: str) -> str:
    return re.sub(r"^(?i:(?:written|story|reporting)[ \t]+by|by|authors?|source|text|words)[ \t]*:?[ \t]+", "", line).rstrip(". ")


def title_key(text: str) -> str:
    """Case-, quote- and punctuation-insensitive form of a headline, for "is this line the title?"."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def classify_line(line: str, title: str | None = None, authors: tuple[str, ...] = (), last: bool = False) -> Kind | None:
    """The kind of furniture a whole line is, or None for article text."""
    return _classify(line, title_key(title or ""), frozenset(filter(None, map(title_key, authors))), last)


def _classify(line: str, title: str, authors: frozenset[str], last: bool) -> Kind | None:
    """``classify_line`` with the title and authors already as :func:`title_key` keys."""
    stripped = line.strip()
    if not stripped or len(stripped) > 2000:
        return None
    key = title_key(stripped) if (title or authors) and len(stripped) <= 400 else ""
    if title and key == title:
        return "headline"
    if len(stripped) > _FOOTER_MAX:
        return None
    if (key and key in authors) or BYLINE.match(stripped):
        return "byline"
    if CREDIT_LINE.match(stripped) and _CREDIT_EVIDENCE.search(stripped) and not stripped.endswith(("?", "!")):
        return "credit"
    if FOOTER.search(stripped):
        return "footer"
    if DATELINE.match(stripped):
        return "dateline"
    if last and SIGNATURE.match(stripped) and (not title or key != title):
        return "byline"
    return None


def strip_boilerplate(
    text: str,
    title: str | None = None,
    authors: tuple[str, ...] = (),
    visible: Callable[[str], str] = lambda line: line,
) -> Cleaned:
    """``text`` without its furniture lines (and caption credits), plus what was removed.

    ``visible`` maps a line to what a reader sees (the HTML extractor's lines carry link markers);
    a line is judged by what is visible and dropped whole, so markers never end up half removed.
    Lines are kept exactly as they were, newlines included.
    """
    lines = text.splitlines(keepends=True)
    seen = [visible(line) for line in lines]
    last_text = max((i for i, line in enumerate(seen) if line.strip()), default=-1)
    kept: list[str] = []
    removed: list[Removed] = []
    title_k = title_key(title or "")
    author_keys = frozenset(filter(None, map(title_key, authors)))
    for index, (line, shown) in enumerate(zip(lines, seen, strict=True)):
        kind = _classify(shown, title_k, author_keys, last=index == last_text)
        if kind is not None:
            removed.append(Removed(kind, shown.strip()))
            continue
        # a caption's credit is short: search the end of the line only (the pattern is costly on prose)
        suffix = CREDIT_SUFFIX.search(shown.rstrip("\r\n")[-160:]) if _CREDIT_EVIDENCE.search(shown[-160:]) else None
        if suffix and line.rstrip("\r\n").endswith(suffix.group(0)) and _CREDIT_EVIDENCE.search(suffix.group(0)):
            body = line.rstrip("\r\n")
            ending = line[len(body) :]
            cut = body[: len(body) - len(suffix.group(0))]
            if cut.strip():
                removed.append(Removed("credit", suffix.group(0).strip(" \t|–—-")))
                kept.append(cut + ending)
                continue
        kept.append(line)
    cleaned = "".join(kept)
    # Lines removed at the very start or end leave no stray newlines behind.
    return Cleaned(cleaned.strip("\r\n") if removed else cleaned, removed)
