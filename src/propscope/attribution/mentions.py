"""Who a speaker mention is: the noun phrase as written (:class:`Mention`), whether it is a definite
description or a vague source, and one sentence's attribution (:class:`SentenceAttribution`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from propscope.attribution.lexicon import (
    FIRST_PERSON, NAME_PARTICLES, NP_LEFT_DEPS, NP_PREPS, PERSON_ROLES, PERSONAL, PLACE_PREPS, PLACES, QUANTIFIERS,
    SOURCE_ROLES, TITLE_WORDS, VAGUE_MODIFIERS, VAGUE_SOURCES, VAGUE_SUBJECTS,
)
from propscope.document import Voice


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
    description: str | None = None  # "person" or "source" for "the Russian leader", "the publication"
    person_like: bool = False  # a name that "he"/"she" can stand for: two names, a title, or not sentence-initial


@dataclass(slots=True)
class SentenceAttribution:
    speaker: Mention | None
    verb: str | None
    voice: Voice
    subject: Mention | None = None  # the main clause's nominal subject (fallback antecedent for pronouns)
    open_quote: bool = False  # a quotation is still open at the end of the sentence
    name: Mention | None = None  # the last proper name outside quotations (antecedent for "he"/"she")
    starts_in_quote: bool = False  # the sentence begins inside a quotation opened earlier in its unit


def _mention(doc: Any, head: Any, offset: int) -> Mention:
    """The noun phrase of ``head`` as written: its modifiers, an 'of' phrase, coordinated names."""
    lower = head.lower_
    if head.tag_ in ("PRP", "PRP$") or lower in PERSONAL | FIRST_PERSON:
        return Mention(head.text, offset + head.idx, offset + head.idx + len(head), named=False,
                       pronoun=lower in PERSONAL, first_person=lower in FIRST_PERSON)
    if head.tag_ in ("NN", "NNS") or (head.tag_ == "NNP" and lower in PERSON_ROLES):
        for child in head.children:
            if child.dep_ == "appos" and child.tag_ in ("NNP", "NNPS"):
                return _mention(doc, child, offset)
    tokens = [head]
    for child in head.children:
        if child.i < head.i and child.dep_ in NP_LEFT_DEPS:
            tokens.extend(child.subtree)
        elif child.i > head.i and child.dep_ == "prep" and child.lower_ in NP_PREPS and not (
                child.lower_ in PLACE_PREPS and head.tag_ in ("NNP", "NNPS") and doc[child.i - 1].text != "-"):
            # (v6: not "Weyel [in the Parliamentary Assembly]", but "Commander-in-Chief")
            tokens.extend(_without_clauses(child))
        elif child.i > head.i and child.dep_ == "conj" and (child.tag_ in ("NNP", "NNPS") or child.tag_ == head.tag_):
            tokens.extend(t for t in _without_clauses(child) if not t.is_punct)  # "Members of the group and advocates"
            tokens.extend(c for c in head.children if c.dep_ == "cc" and c.i < child.i)
        elif child.i > head.i and child.dep_ == "case":
            tokens.append(child)
    start = min(t.i for t in tokens)
    end = max(t.i for t in tokens) + 1
    if start == head.i and start > 1 and doc[start - 1].lower_ in NAME_PARTICLES:
        # v6: "Ursula von der Leyen" parsed with "Leyen" alone as the name: take back the particles and
        # the first name before them
        while start > 1 and doc[start - 1].lower_ in NAME_PARTICLES:
            start -= 1
        if doc[start - 1].tag_ in ("NNP", "NNPS"):
            start -= 1
    while end < len(doc) and doc[end - 1].lower_ in NAME_PARTICLES and doc[end].tag_ in ("NNP", "NNPS"):
        end += 1  # v6: "... Ursula von der [Leyen]", the last name parsed as an apposition of "der"
    # never cross a comma or a quotation mark on the left; drop a leading article and trailing 's
    while start < head.i and (doc[start].is_punct or doc[start].is_quote or doc[start].tag_ in ("RB", "RBR") or (
            doc[start].tag_ == "DT" and doc[start].lower_ not in QUANTIFIERS)):  # "another protester", "all three countries"
        # (v5: and no adverb: "earlier RRN reported" is RRN)
        start += 1
    for i in range(head.i - 1, start - 1, -1):
        if doc[i].text in (",", ";", ":", "(") or doc[i].is_quote:
            start = i + 1
            break
    while end - 1 > head.i and (doc[end - 1].is_punct or doc[end - 1].tag_ == "POS" or doc[end - 1].is_quote):
        end -= 1
    opening = next((i for i in range(max(start, head.i + 1), end) if doc[i].text == "("), None)
    if opening is not None and not any(doc[i].text == ")" for i in range(opening, end)):
        end = opening  # v5: "Katrin Göring-Eckardt (Greens), wrote": not "... Göring-Eckardt (Greens"
        while end - 1 > head.i and (doc[end - 1].is_punct or doc[end - 1].is_quote):
            end -= 1
    span = doc[start:end]
    named = any(t.tag_ in ("NNP", "NNPS") for t in span)
    plural = head.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in head.children)
    description = _description(head)
    if description is not None:
        named = False
    names = [t for t in span if t.tag_ in ("NNP", "NNPS")]
    # a single capitalised word opening a sentence may be no name at all ("Snow fell"); without a
    # named-entity tagger it still counts, as most such subjects in news are names
    person_like = named and not plural and bool(names) and (
        head.tag_ in ("NNP", "NNPS") or head.lower_ in PERSON_ROLES) and span.text not in PLACES
    return Mention(span.text, offset + span.start_char, offset + span.end_char, named=named, plural=plural,
                   description=description, person_like=person_like)


def _without_clauses(token: Any) -> list[Any]:
    """The subtree of ``token`` without relative clauses, clausal modifiers and appositions (whole):
    "a report by the Congressional Research Service[, which provides annual reports to lawmakers]"."""
    dropped: set[int] = set()
    for t in token.subtree:
        if t.dep_ in ("relcl", "acl", "appos") and t.i != token.i:
            dropped.update(g.i for g in t.subtree)
    return [t for t in token.subtree if t.i not in dropped]


def _description(head: Any) -> str | None:
    """'person' / 'source' where ``head`` is a definite description of one ("the Russian leader", "the
    President of Ukraine", "the publication"), not a name ("the Daily Telegraph") nor an indefinite
    noun ("another protester", "experts")."""
    determiners = [c.lower_ for c in head.children if c.dep_ == "det"]
    if determiners not in (["the"], ["this"]) or head.tag_ in ("NNS", "NNPS"):
        return None
    if any(c.dep_ == "compound" and c.tag_ in ("NNP", "NNPS") and c.lower_ not in TITLE_WORDS for c in head.children):
        return None  # "the Washington Post", "the Kremlin spokesman" (the compound names it); not "the Prime Minister"
    if head.lower_ == "head" and [(c.lower_, [g.lower_ for g in c.subtree]) for c in head.children if c.dep_ == "prep"] in (
            [("of", ["of", "state"])], [("of", ["of", "government"])]):
        return "person"  # v7: "the head of state", "the head of government"
    if any(c.dep_ == "prep" and c.lower_ in ("of", "for") and any(g.tag_ in ("NN", "NNS") for g in c.subtree)
           for c in head.children):
        return None  # "the head of the French Defense Ministry", "the office of the head of state"
    of_name = [c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
               and all(g.tag_ in ("NNP", "NNPS", "DT") for g in c.subtree if g.i != c.i)]
    if head.lower_ in PERSON_ROLES and of_name and not [c for c in head.children if c.dep_ in ("acl", "relcl")]:
        return "person"  # "the President of Ukraine"
    if any(c.dep_ in ("prep", "acl", "relcl") for c in head.children):
        return None  # "the latest survey by Datafolha": it names its source
    lower = head.lower_
    modifiers = [c for c in head.children if c.dep_ not in ("det", "punct")]
    if lower in PERSON_ROLES and all(c.dep_ in ("amod", "compound") for c in modifiers):
        return "person"  # "the Russian leader", "the politician"
    if lower in SOURCE_ROLES and all(c.dep_ == "amod" and c.tag_ in ("JJ", "NNP") for c in modifiers):
        return "source"  # "the publication", "the newspaper", "the organization", (v5) "the Norwegian corporation"
    return None


def _vague_subject(token: Any) -> bool:
    """'Some', 'others', 'many people', 'some experts' without more: nobody in particular."""
    if token.lower_ in VAGUE_SUBJECTS and not any(c.dep_ == "prep" for c in token.children):
        return True
    determiners = [c.lower_ for c in token.children if c.dep_ in ("det", "amod")]
    return token.lower_ in ("people", "users") and bool(determiners) and all(d in VAGUE_SUBJECTS for d in determiners) \
        and len(list(token.children)) == len(determiners)


def _vague_source(head: Any) -> bool:
    """'some reports', 'preliminary information': no one in particular."""
    if head.lower_ not in VAGUE_SOURCES:
        return False
    modifiers = [c for c in head.children if c.dep_ not in ("punct",)]
    return all(c.dep_ in ("det", "amod") and c.lower_ in VAGUE_MODIFIERS for c in modifiers) and (
        any(c.lower_ != "the" for c in modifiers) or not modifiers)
