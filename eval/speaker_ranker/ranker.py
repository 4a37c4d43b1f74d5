"""A learned second opinion on who makes a claim: the rules' speaker against the other noun phrases
of the claim's unit and of the units before it, and against "nobody" (the article's own voice).

Every candidate is described by sparse string features (its grammatical role, the verb it depends on,
where it stands, whether the rules chose it, ...); a linear model trained on the hand-labelled PPN
attribution sets (``fit.py`` beside this file) scores them, and the best one wins. The rules stay the
first reader: they resolve pronouns and descriptions, follow quotations over sentences and give the
verb; the ranker only decides between their speaker and the mentions actually written nearby.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from propscope.attribution.lexicon import PERSONAL, REPORTING_FORMS
from propscope.attribution.mentions import Mention, SentenceAttribution, _mention
from propscope.attribution.quotes import quote_spans

CONTEXT_UNITS = 2  # units before the claim's own whose mentions are candidates
NOMINAL_TAGS = {"NN", "NNS", "NNP", "NNPS"}
_ROLE_DEPS = {"nsubj", "nsubjpass", "pobj", "dobj", "appos", "conj", "poss", "attr", "ROOT", "npadvmod", "dative"}


@dataclass(slots=True)
class Candidate:
    """One possible speaker of a unit (``mention`` None: nobody, the article's own voice)."""

    mention: Mention | None
    features: list[str] = field(default_factory=list)


def normalize(text: str) -> str:
    lowered = " ".join(text.replace("’", "'").lower().split()).strip(" ,.;:\"“”")
    for article in ("the ", "a ", "an "):
        if lowered.startswith(article):
            return lowered[len(article):]
    return lowered


def _bucket(value: int, edges: tuple[int, ...]) -> str:
    return str(next((i for i, edge in enumerate(edges) if value <= edge), len(edges)))


def _in_spans(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _quoted_words(text: str, spans: list[tuple[int, int]]) -> int:
    return max((len(text[max(a, 0) : b].split()) for a, b in spans), default=0)


def _role_features(token: Any, prefix: str) -> list[str]:
    head = token.head
    speech = head.lower_ in REPORTING_FORMS
    lemma = REPORTING_FORMS.get(head.lower_, "")
    grand = head.head
    out = [f"{prefix}dep={token.dep_}", f"{prefix}dep={token.dep_}|speech={speech}",
           f"{prefix}dep={token.dep_}|htag={head.tag_[:2]}", f"{prefix}tag={token.tag_}"]
    if speech:
        out.append(f"{prefix}dep={token.dep_}|lemma={lemma}")
        out.append(f"{prefix}speechhead|root={head.dep_ == 'ROOT'}")
        if token.i > head.i and token.dep_ in ("nsubj", "nsubjpass"):
            out.append(f"{prefix}inverted")
    if token.dep_ == "pobj" and head.lower_ == "to" and grand.lower_ == "according":
        out.append(f"{prefix}according_to")
    if token.dep_ == "pobj" and head.lower_ == "by":
        out.append(f"{prefix}by|{head.dep_}|speech={grand.lower_ in REPORTING_FORMS}")
    if token.dep_ == "poss":
        out.append(f"{prefix}poss|head={head.lower_ if head.lower_ in ('words', 'opinion', 'view', 'statement') else 'other'}")
    if token.dep_ in ("nsubj", "nsubjpass") and head.dep_ == "ROOT":
        out.append(f"{prefix}root_subject|speech={speech}")
    if head.tag_.startswith("VB"):
        clause = any(c.dep_ == "ccomp" for c in head.children)
        following = head.nbor(1).text if head.i + 1 < len(head.doc) else ""
        out.append(f"{prefix}dep={token.dep_}|verb={head.lower_}")
        out.append(f"{prefix}dep={token.dep_}|ccomp={clause}")
        if following in (":", "“", '"', ","):
            out.append(f"{prefix}dep={token.dep_}|verb_then={following}")
    return out


def _unit_mentions(doc: Any, offset: int) -> list[tuple[Mention, Any]]:
    """The noun phrases of one unit as the rules write them, with their head token; a bare run of
    proper names inside a longer phrase too ("Sergey Lavrov" in "Foreign Minister Sergey Lavrov")."""
    found: list[tuple[Mention, Any]] = []
    for token in doc:
        if token.tag_ not in NOMINAL_TAGS or token.dep_ not in _ROLE_DEPS:
            continue
        mention = _mention(doc, token, offset)
        found.append((mention, token))
        if token.tag_ in ("NNP", "NNPS"):
            start = token.i
            while start > 0 and doc[start - 1].tag_ in ("NNP", "NNPS"):
                start -= 1
            span = doc[start : token.i + 1]
            if span.text != mention.text:
                found.append((replace(mention, text=span.text, start=offset + span.start_char,
                                      end=offset + span.end_char), token))
    return found


def unit_candidates(docs: list[Any], offsets: list[int], index: int, rules: SentenceAttribution) -> list[Candidate]:
    """The candidates for unit ``index`` of an article: nobody, the rules' speaker, and every noun
    phrase of the unit and of the ``CONTEXT_UNITS`` before it (the first occurrence of each text)."""
    doc = docs[index]
    text = doc.text
    spans = quote_spans(text)
    speech_words = sum(t.lower_ in REPORTING_FORMS for t in doc)
    quoted = _quoted_words(text, spans)
    unit = [f"rules_voice={rules.voice}", f"speech_words={_bucket(speech_words, (0, 1, 2))}",
            f"quoted={_bucket(quoted, (0, 2, 6))}", f"rules_verb={rules.verb is not None}"]
    rule_key = normalize(rules.speaker.text) if rules.speaker is not None else None
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is not None:
        unit.append(f"root={root.lower_}")
        unit.append(f"root_ccomp={any(c.dep_ == 'ccomp' for c in root.children)}")
    nobody = Candidate(None, ["nobody", *(f"nobody|{f}" for f in unit)])
    if "according" in text.lower():
        nobody.features.append("nobody|according")
    if text.rstrip().endswith(":"):
        nobody.features.append("nobody|colon")
    candidates = [nobody]
    by_key: dict[str, Candidate] = {}
    earlier: dict[str, int] = {}
    for distance in range(min(index, CONTEXT_UNITS), -1, -1):
        u = index - distance
        where = "u0" if distance == 0 else f"u-{distance}"
        prefix = "" if distance == 0 else "c:"
        u_spans = spans if distance == 0 else quote_spans(docs[u].text)
        length = max(len(docs[u].text), 1)
        for mention, head in _unit_mentions(docs[u], offsets[u]):
            key = normalize(mention.text)
            if not key or key in PERSONAL:
                continue
            if key in by_key:
                if distance == 0 and "u0" not in by_key[key].features:
                    by_key[key].features.append("also_in_unit")
                earlier[key] = earlier.get(key, 0) + 1
                continue
            features = [where, *_role_features(head, prefix), f"words={_bucket(len(key.split()), (1, 2, 3, 5))}",
                        f"named={mention.named}", f"description={mention.description}",
                        f"plural={mention.plural}", f"person_like={mention.person_like}"]
            if _in_spans(head.idx, u_spans):
                features.append(f"{prefix}in_quote")
            if distance == 0:
                features.append(f"position={min(4, 5 * head.idx // length)}")
                features.extend(f"cand|{f}" for f in unit)
            candidate = Candidate(mention, features)
            by_key[key] = candidate
            candidates.append(candidate)
    for key, candidate in by_key.items():
        if earlier.get(key):
            candidate.features.append("repeated")
    if rules.speaker is not None and rule_key:
        chosen = by_key.get(rule_key)
        if chosen is None:
            chosen = Candidate(rules.speaker, ["not_written_nearby"])
            candidates.append(chosen)
        chosen.mention = rules.speaker  # the rules' text and offsets (a resolved name, as written)
        chosen.features.extend(["rules", f"rules|voice={rules.voice}", f"rules|pronoun_resolved={rules.speaker.start < offsets[index]}"])
    else:
        nobody.features.append("rules")
    return candidates


@dataclass(slots=True)
class SpeakerRanker:
    """The linear scorer over candidate features, from a model directory's ``config.json``."""

    weights: dict[str, float]
    bias: float
    version: str
    scope: str = "all"  # "speech": only units the rules attribute, and only their speaker

    @classmethod
    def load(cls, directory: Path) -> "SpeakerRanker":
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        return cls(dict(config["weights"]), float(config["bias"]), str(config["version"]), str(config.get("scope", "all")))

    def score(self, candidate: Candidate) -> float:
        return self.bias + math.fsum(self.weights.get(f, 0.0) for f in candidate.features)

    def choose(self, candidates: list[Candidate]) -> Candidate:
        return max(candidates, key=self.score)


def decide(ranker: SpeakerRanker, docs: list[Any], offsets: list[int], index: int,
           rules: SentenceAttribution) -> SentenceAttribution:
    """The unit's attribution with the ranker's speaker; the voice follows where the speaker appears or
    disappears (a quoted statement in the unit: direct, else reported; nobody: own)."""
    candidates = unit_candidates(docs, offsets, index, rules)
    if ranker.scope == "speech":  # only who speaks, where the rules found speech
        if rules.voice == "own" or rules.speaker is None:
            return rules
        candidates = [c for c in candidates if c.mention is not None]
    chosen = ranker.choose(candidates)
    if chosen.mention is None:
        return rules if rules.speaker is None else replace(rules, speaker=None, voice="own", verb=None)
    if rules.speaker is not None and chosen.mention is rules.speaker:
        return rules
    voice = rules.voice
    if voice == "own":
        voice = "direct" if _quoted_words(docs[index].text, quote_spans(docs[index].text)) >= 3 else "reported"
    return replace(rules, speaker=chosen.mention, voice=voice)
