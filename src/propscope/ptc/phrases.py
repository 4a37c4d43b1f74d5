"""Whole-phrase spans: cut the function words a highlight may not start or end on, or widen it to the
noun phrases it cuts (numpy-free, word level).

The token tagger marks runs of tokens, so a shown span often starts or ends in the middle of a phrase:
"Neo-Nazis and", "the Ukrainian", "of the so-called". Two cheap rules on a word map of the text:

- ``trim_function_words``: a span never starts or ends on a function word (articles, prepositions,
  conjunctions, pronouns); "Neo-Nazis and" -> "Neo-Nazis". A span that is nothing but function words
  is dropped by the decoder already.
- ``snap_to_chunks``: with noun chunks of a parse (spaCy), a span that starts or ends inside a noun
  chunk is widened to the whole chunk ("the Ukrainian" -> "the Ukrainian neo-Nazis"). The parse costs
  tens of milliseconds per article, so it is a measured option, not the default.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from propscope.ptc.tagging import STOP_WORDS, TRIM_CHARS

# A word: letters/digits with inner apostrophes or hyphens ("so-called", "don't", "Leopard-2").
WORD = re.compile(r"[^\W_]+(?:['\u2019\-\u2010\u2011][^\W_]+)*")

# Words that may end or begin a phrase even though they are in the stop-word list: negations and
# quantifiers change what a phrase says ("not", "never", "nothing but"), and dropping them would turn
# "nothing but traitors" into a different claim. Pronouns and articles are still cut.
KEEP_AT_EDGE: frozenset[str] = frozenset(
    "not no never nothing nobody none everyone everybody everything all always only very much most more less "
    "least enough".split()
)
# Edge words that are cut: the stop words minus those kept above.
EDGE_WORDS: frozenset[str] = frozenset(w for w in STOP_WORDS if w not in KEEP_AT_EDGE)


def _is_edge_word(word: str) -> bool:
    return word.lower().replace("\u2019", "'").strip("'") in EDGE_WORDS


def trim_function_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``(start, end)`` without leading and trailing function words (and the trim characters); None
    when nothing but function words is left."""
    words = [(m.start() + start, m.end() + start) for m in WORD.finditer(text[start:end])]
    first, last = 0, len(words) - 1
    while first <= last and _is_edge_word(text[words[first][0] : words[first][1]]):
        first += 1
    while last >= first and _is_edge_word(text[words[last][0] : words[last][1]]):
        last -= 1
    if first > last:
        return None
    new_start = start if first == 0 else words[first][0]
    new_end = end if last == len(words) - 1 else words[last][1]
    while new_start < new_end and text[new_start] in TRIM_CHARS:
        new_start += 1
    while new_end > new_start and text[new_end - 1] in TRIM_CHARS:
        new_end -= 1
    return (new_start, new_end) if new_end > new_start else None


def snap_to_chunks(start: int, end: int, chunks: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """Widen ``[start, end)`` to every chunk (sorted, non-overlapping ``(start, end)``) it cuts at an edge.

    A chunk that the span covers whole, or does not touch, changes nothing; a chunk that the span
    starts or ends inside is taken in whole.
    """
    new_start, new_end = start, end
    for chunk_start, chunk_end in chunks:
        if chunk_end <= start or chunk_start >= end:
            continue
        if chunk_start < start < chunk_end:
            new_start = min(new_start, chunk_start)
        if chunk_start < end < chunk_end:
            new_end = max(new_end, chunk_end)
    return new_start, new_end


SENTENCE_END = re.compile(r"(?:[.!?]+[\"\u201d\u2019')\]]*\s+|\n+)")


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut at sentence ends (``.!?`` and closing quotes, then whitespace) and line
    breaks, each piece trimmed of the trim characters; empty pieces are left out."""
    pieces = []
    position = start
    for match in SENTENCE_END.finditer(text, start, end):
        pieces.append((position, match.start() + len(match.group(0).rstrip())))
        position = match.end()
    pieces.append((position, end))
    result = []
    for a, b in pieces:
        while a < b and text[a] in TRIM_CHARS:
            a += 1
        while b > a and text[b - 1] in TRIM_CHARS:
            b -= 1
        if b > a and any(char.isalnum() for char in text[a:b]):
            result.append((a, b))
    return result
