"""Quotation marks: the spans they open and close, quoted statements, and the parser's sentences of a
unit repaired where it splits a quotation from its frame.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from propscope.attribution.lexicon import DIRECT_MIN_WORDS, FINITE_TAGS, REPORTING_FORMS


_QUOTE_PAIRS = (("“", "”"), ("«", "»"), ("„", "“"))
CLOSING_QUOTES = ("”", "»", '"')


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks (an unclosed quote runs to the end of the text, a
    closing mark without an opening one runs from the start: quotations span sentences)."""
    spans: list[tuple[int, int]] = []
    for opening, closing in _QUOTE_PAIRS:
        depth_start: int | None = None
        for i, ch in enumerate(text):
            if ch == opening and depth_start is None:
                depth_start = i
            elif ch == closing:
                if depth_start is None:
                    if not spans or spans[-1][1] <= i:
                        spans.append((0, i + 1))
                else:
                    spans.append((depth_start, i + 1))
                    depth_start = None
        if depth_start is not None:
            spans.append((depth_start, len(text)))
    # straight double quotes: pair them in order
    positions = [m.start() for m in re.finditer('"', text)]
    for a, b in zip(positions[0::2], positions[1::2], strict=False):
        spans.append((a, b + 1))
    if len(positions) % 2 == 1:
        last = positions[-1]
        before = text[last - 1] if last > 0 else " "
        spans.append((last, len(text)) if before.isspace() or last == 0 else (0, last + 1))
    return sorted(spans)


def _in_quote(token: Any, spans: list[tuple[int, int]]) -> bool:
    return any(s < token.idx < e for s, e in spans)


def _quoted_statement(tokens: Sequence[Any], spans: list[tuple[int, int]]) -> bool:
    """Some quotation is a statement: at least ``DIRECT_MIN_WORDS`` words with a finite verb (a quoted
    phrase such as "categorically not true" or "a scandal of epic proportions" is not)."""
    for start, end in spans:
        inside = [t for t in tokens if start < t.idx < end and not t.is_punct]
        if len(inside) >= DIRECT_MIN_WORDS and any(_is_clause_verb(t) for t in inside):
            return True
    return False


def _is_clause_verb(token: Any) -> bool:
    """A finite verb, or a verb with its own subject (the small tagger calls some past tenses VBN)."""
    if token.tag_ in FINITE_TAGS:
        before = [t for t in token.doc[max(0, token.i - 2) : token.i] if not t.is_quote]
        return not (token.tag_ == "VB" and before and before[-1].tag_ == "TO")
    return token.tag_.startswith("VB") and any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)


def ends_inside_quote(text: str) -> bool:
    """Whether a quotation opened in ``text`` is still open at its end (it continues in the next sentence)."""
    curly = text.count("“") - text.count("”")
    if curly != 0:
        return curly > 0
    return text.count('"') % 2 == 1 and text.rfind('"') > 0 and text[text.rfind('"') - 1].isspace()


def _reliable_quotes(text: str) -> tuple[list[tuple[int, int]], bool]:
    """Quotation spans, with a quotation that never closes cut to the end of its sentence where it
    opened in the middle of a clause ("supply Ukraine with “tanks, missiles and aircraft. However, ..."
    is a typo, not a quotation running on); ``True`` where such a stray mark was found."""
    spans = quote_spans(text)
    out, stray = [], False
    for start, end in spans:
        unclosed = end == len(text) and text[end - 1] not in "”\"»" and start > 0
        before = text[:start].rstrip()
        framed = not before or before[-1] in ":,—–-" or before.split()[-1].lower().strip(",") in REPORTING_FORMS
        if unclosed and not framed:
            stray = True
            stop = re.search(r"[.!?](\s|$)", text[start:])
            end = start + stop.end() if stop else end
        if start == 0 and text[:1] not in "“\"«„":
            start = -1  # the unit begins inside a quotation: its first word is quoted too
        out.append((start, end))
    return out, stray


def _sentences(doc: Any) -> list[Any]:
    """The parser's sentences of a unit, except where it splits a quotation from its frame
    ("“Why is that relevant?” Bacon said") or mid-sentence (the next part starts in lower case)."""
    bounds: list[list[int]] = []
    for sent in doc.sents:
        first = next((t for t in sent if not t.is_space), None)
        if bounds and first is not None:
            last = next((t for t in reversed(doc[bounds[-1][0] : bounds[-1][1]]) if not t.is_space), None)
            closes_quote = last is not None and last.is_quote and last.i > 0 and doc[last.i - 1].text in ("?", "!", ",", ".")
            if (closes_quote and not first.is_quote) or first.text[:1].islower():
                bounds[-1][1] = sent.end
                continue
        bounds.append([sent.start, sent.end])
    return [doc[start:end] for start, end in bounds]
