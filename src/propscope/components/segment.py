"""Sentence and paragraph segmentation of news text, with exact character offsets.

Rule-based on purpose: it runs on every article before anything else, a regex pass over a few
thousand characters takes well under a millisecond, and the rules below cover what news text needs
(spaCy's statistical sentence splitter is slower and splits on title lines and quotes just as often).

Line structure is evidence: a line break ends a sentence (titles without final punctuation,
one-sentence-per-line corpora such as PTC), unless the text is hard-wrapped or the next line plainly
continues the sentence. Inside a line, a candidate boundary is terminal punctuation, optional
closing quotes or brackets (kept inside the sentence), then whitespace; abbreviations, initials,
"No. 5", "Jan. 12" and lower-case continuations veto it.
"""

from __future__ import annotations

import re

from propscope.document import Article, Segment
from propscope.options import RunSettings
from propscope.pipeline import Component

# Titles and similar words that precede a name: never the end of a sentence.
_TITLES = frozenset(
    "Mr Mrs Ms Mx Messrs Dr Prof Gen Lt Col Maj Capt Cpt Sgt Cpl Adm Cmdr Brig Sen Rep Gov Pres Rev Fr Hon "
    "Amb Atty Supt Insp Det Sr Jr St Mt Ft Sir Gens Sens Reps Govs Msgr Pvt Mme Mlle".split()
)
# Abbreviations that are followed by more of the same sentence (compared lower-case).
_NEVER_FINAL = frozenset("e.g i.e cf vs viz approx ca al esp incl resp dept est fig figs".split())
# Before a number these are labels, not sentence ends ("No. 5", "Art. 3", "Jan. 12", "Vol. 2").
_BEFORE_NUMBER = frozenset(
    "No Nos Nr Art Vol Fig Figs pp p Ch Sec Para Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)
# Abbreviations that can also end a sentence ("... in the U.S. The ..."): they end one only when the
# next word is a typical sentence opener.
_AMBIGUOUS = frozenset(
    "etc Inc Ltd Co Corp Bros Jr Sr Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Tues Wed Thu Thur "
    "Thurs Fri Sat Sun No".split()
)
_OPENERS = frozenset(
    """The A An He She It They We I You This That These Those There Here His Her Its Their Our My Your
    But And Or So Yet Still Then Now Also However Meanwhile Moreover Furthermore Nevertheless Instead
    In On At For From With Without By After Before During Since Until When While If As Although Though
    Despite According Under Over Last Earlier Later Today Yesterday Tomorrow Some Many Most Other Others
    All Both Each Every One Two No Not Neither Nor What Why How Who Whom Whose Where Which Such Only
    Even Just Please Mr Mrs Ms Dr Prof Gen Sen Rep Gov President""".split()
)

_BOUNDARY = re.compile(r"(?P<punct>\.{2,}|…+|[.!?]+)(?P<close>[\"'”’»)\]]*)(?P<space>\s+)(?=\S)")
_PREV_TOKEN = re.compile(r"(\S+)$")
_NEXT_WORD = re.compile(r"[\"'“‘«(\[]*(\w+)")
_DOTTED_ACRONYM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")
_OPENING_PUNCT = "\"'“‘«(["
_LINE_END_TERMINAL = tuple(".!?…\"'”’»)]:")
_LINE_END_CONTINUES = tuple(",;–—-")
_TAIL = re.compile(r"(?:\.{2,}|…+|[.!?]+)[\"'”’»)\]]*$")
# Punctuation that cannot start a sentence: after it, the previous sentence goes on.
_CLOSING = frozenset(".!?”’»)]:;,")


class SentenceSegmenter(Component):
    """Fills ``article.paragraphs`` and ``article.sentences`` with stripped, exact offsets."""

    name = "segment"
    version = "1"
    requires = ("text",)
    assigns = ("sentences", "paragraphs")

    def __call__(self, article: Article, settings: RunSettings | None = None) -> Article:
        article.paragraphs, article.sentences = segment_text(article.text)
        return article


def segment_text(text: str) -> tuple[list[Segment], list[Segment]]:
    """Paragraphs and sentences of ``text``; ``text[s.start:s.end]`` has no outer whitespace."""
    lines = _lines(text)
    blocks = _blocks(text, lines)
    wrapped = _is_hard_wrapped(text, blocks)
    paragraphs: list[Segment] = []
    sentences: list[Segment] = []
    for block in blocks:
        if wrapped:
            paragraphs.append(Segment(block[0][0], block[-1][1]))
            units = [(block[0][0], block[-1][1])]
        else:
            units = _join_continued_lines(text, block)
        for unit_start, unit_end in units:
            sentences.extend(_split_unit(text, unit_start, unit_end))
    if not wrapped:
        paragraphs = _paragraphs(text, blocks)
    return paragraphs, sentences


def _lines(text: str) -> list[tuple[int, int]]:
    """Stripped (start, end) of every line; blank lines give an empty range."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in re.finditer(r"\n", text):
        spans.append(_strip(text, start, match.start()))
        start = match.end()
    spans.append(_strip(text, start, len(text)))
    return spans


def _blocks(text: str, lines: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Runs of non-blank lines between blank lines."""
    blocks: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for start, end in lines:
        if start == end:
            if current:
                blocks.append(current)
                current = []
        else:
            current.append((start, end))
    if current:
        blocks.append(current)
    return blocks


def _paragraphs(text: str, blocks: list[list[tuple[int, int]]]) -> list[Segment]:
    # Blank lines separate paragraphs where the text uses them; extracted HTML (trafilatura) and
    # other text without any blank line puts one paragraph on each line.
    if len(blocks) > 1:
        return [Segment(block[0][0], block[-1][1]) for block in blocks]
    return [Segment(start, end) for block in blocks for start, end in block]


def _is_hard_wrapped(text: str, blocks: list[list[tuple[int, int]]]) -> bool:
    """Text wrapped at a fixed width (e-mail style): most inner lines stop mid-sentence."""
    inner = [line for block in blocks for line in block[:-1]]
    if len(inner) < 4:
        return False
    open_ended = sum(1 for start, end in inner if not text[start:end].endswith(_LINE_END_TERMINAL))
    longest = max(end - start for block in blocks for start, end in block)
    return open_ended >= 0.6 * len(inner) and longest <= 100


def _join_continued_lines(text: str, block: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Lines of a block as sentence units; a line that plainly continues the previous one joins it."""
    units: list[tuple[int, int]] = [block[0]]
    for line in block[1:]:
        if _continues(text, units[-1], line):
            units[-1] = (units[-1][0], line[1])
        else:
            units.append(line)
    return units


def _continues(text: str, unit: tuple[int, int], line: tuple[int, int]) -> bool:
    """Whether a line break inside a paragraph is not a sentence end.

    Corpora such as PTC break lines after "Rev." or "U.S." and put stray punctuation ("!\u201d",
    ".") on lines of their own; the line break then gets the same test as a space would.
    """
    previous = text[unit[0] : unit[1]]
    following = text[line[0] : line[1]]
    if following[0] in _CLOSING or not any(char.isalnum() for char in following):
        return True
    if not any(char.isalnum() for char in previous):
        return True  # a lone opening quote or ellipsis belongs to what follows
    tail = _TAIL.search(previous)
    if tail is None:
        # No final punctuation: a title line, unless the next line plainly goes on with the sentence.
        return following[0].islower() or previous.endswith(_LINE_END_CONTINUES)
    joined = text[unit[0] : line[1]]
    match = _BOUNDARY.match(joined, tail.start())
    return match is not None and not _is_boundary(joined, match, 0)


def _split_unit(text: str, start: int, end: int) -> list[Segment]:
    unit = text[start:end]
    segments: list[Segment] = []
    sentence_start = 0
    for match in _BOUNDARY.finditer(unit):
        if not _is_boundary(unit, match, sentence_start):
            continue
        segments.append(Segment(*_strip(text, start + sentence_start, start + match.end("close"))))
        sentence_start = match.end("space")
    segments.append(Segment(*_strip(text, start + sentence_start, end)))
    return [segment for segment in segments if segment.end > segment.start]


def _is_boundary(unit: str, match: re.Match[str], sentence_start: int) -> bool:
    next_start = match.end("space")
    if unit[next_start].islower() or unit[next_start] in _CLOSING:
        return False  # '"Why?" he asked', 'i.e. the', '... and then', 'stop .\n.\n.'
    punct = match.group("punct")
    if "!" in punct or "?" in punct or "…" in punct or len(punct) > 1:
        return True
    if match.group("close"):
        return True  # a closing quote or bracket after the full stop: the sentence is over
    previous = _PREV_TOKEN.search(unit, sentence_start, match.start())
    token = previous.group(1).lstrip(_OPENING_PUNCT) if previous else ""
    if not token:
        return True
    next_word_match = _NEXT_WORD.match(unit, next_start)
    next_word = next_word_match.group(1) if next_word_match else ""
    next_is_number = unit[next_start].isdigit()
    if token in _TITLES:
        return False
    if token.lower() in _NEVER_FINAL:
        return False
    if token in _BEFORE_NUMBER and next_is_number:
        return False
    if token.isdigit() and previous is not None and previous.start() == sentence_start:
        return False  # a list number at the start of a line: "1. First point"
    if len(token) == 1 and token.isupper():
        return next_word in _OPENERS  # an initial: "J. K. Rowling", "George W. Bush"
    if token in _AMBIGUOUS or _DOTTED_ACRONYM.match(token):
        return next_word in _OPENERS  # "the U.S. Army" vs "in the U.S. The"
    return True


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and _is_blank(text[start]):
        start += 1
    while end > start and _is_blank(text[end - 1]):
        end -= 1
    return start, end


def _is_blank(char: str) -> bool:
    # A stray byte-order mark or zero-width space is invisible and belongs to no sentence.
    return char.isspace() or char in "\ufeff\u200b"
