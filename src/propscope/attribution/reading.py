"""An article's units read in order (:func:`attribute_units`): pronouns and descriptions resolved to
the sources named before, quotations that run over several sentences, lists introduced by a source.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from collections.abc import Iterable
from typing import Any

from propscope.attribution.clauses import analyse
from propscope.attribution.lexicon import (
    CONTINUING, FEMININE, FEMININE_NAMES, FEMININE_WORDS, LIST_ITEM, LISTED_STATEMENTS, MASCULINE, MASCULINE_NAMES,
    MASCULINE_WORDS, MEDIA_ROLES, PERSON_ROLES, PLACES, QUOTE_GAP, RANK_MODIFIERS, ROLE_HOLDERS, _TITLE, TITLE_ROLES,
    TITLE_WORDS,
)
from propscope.attribution.mentions import Mention, _mention, SentenceAttribution, _vague_subject
from propscope.attribution.quotes import CLOSING_QUOTES, ends_inside_quote, _in_quote, _reliable_quotes, _sentences


@dataclass(slots=True)
class _Reading:
    """What the article has said so far, for pronouns, descriptions and running quotations."""

    last_speaker: Mention | None = None
    last_subject: Mention | None = None
    last_name: Mention | None = None
    named_after_speaker: Mention | None = None
    inside_quote: bool = False
    since_speaker: int = 99  # sentences since the last one with a speaker
    last_named_speaker: Mention | None = None
    last_plural_subject: Mention | None = None
    titles: dict[str, set[str]] = field(default_factory=dict)  # surname -> titles it was named with
    persons: list[Mention] = field(default_factory=list)  # the people named so far, in order (for "he"/"she")
    genders: dict[str, str] = field(default_factory=dict)  # surname -> "m"/"f", from a pronoun that stood for them
    outlets: list[Mention] = field(default_factory=list)  # named speakers that are news outlets, in order


@functools.lru_cache(maxsize=4096)  # asked for every named mention of every sentence
def _is_outlet(name: str) -> bool:
    """Whether a name is a news outlet of the source table (exact aliases only)."""
    from propscope.sources.table import SourceTable

    return SourceTable.load().resolve_name(name, fuzzy=False).outlet is not None


def _as_outlet(mention: Mention) -> Mention | None:
    """The mention, or its last capitalised words ("the Berlin newspaper Tagesspiegel": Tagesspiegel),
    where that names a news outlet of the source table."""
    if _is_outlet(mention.text):
        return mention
    words = mention.text.split()
    for size in (2, 1):
        tail = " ".join(words[-size:])
        if len(words) > size and all(w[:1].isupper() for w in words[-size:]) and _is_outlet(tail):
            start = mention.end - len(tail)
            return Mention(tail, start, mention.end, named=True)
    return None


def _gender(mention: Mention, state: _Reading) -> str | None:
    """'m', 'f' or None (unknown) for a named person: a pronoun that stood for them earlier, a word of
    their title ("Mrs", "spokeswoman"), or a common first name."""
    known = state.genders.get(_surname(mention) or mention.text)
    if known is not None:
        return known
    words = [w.strip(".,").lower() for w in mention.text.split()]
    if any(w in FEMININE_WORDS for w in words):
        return "f"
    if any(w in MASCULINE_WORDS for w in words):
        return "m"
    for word in mention.text.split():
        if word[:1].isupper() and word.lower().strip(".,") not in TITLE_WORDS:
            first = word.strip(".,")
            return "f" if first in FEMININE_NAMES else "m" if first in MASCULINE_NAMES else None
    return None


def _titles(text: str) -> set[str]:
    """'Argentine Vice-President Cristina Kirchner' -> {'vice president'}; 'the Argentine president' -> {'president'}."""
    found = set()
    for prefix, title in _TITLE.findall(text.lower()):
        found.add(f"{'vice' if prefix == 'deputy' else prefix} {title}".strip() if prefix not in ("ex", "former") else title)
    return found


def _surname(mention: Mention) -> str | None:
    words = [w for w in re.findall(r"[A-Z][\w’'-]+", mention.text) if w.lower() not in TITLE_ROLES]
    return words[-1] if words else None


def _role_holder(description: Mention, state: _Reading) -> Mention | None:
    """(v5) 'the French president' -> the last person of the article named 'Macron' (:data:`ROLE_HOLDERS`)."""
    words = [w.strip(".,’'").lower() for w in description.text.replace("-", " ").split()]
    surnames: set[str] = set()
    for place in words:
        for role in words:
            surnames |= ROLE_HOLDERS.get((place, role), set())
    if not surnames:
        return None
    return next((m for m in reversed(state.persons) if (_surname(m) or "") in surnames), None)


def _introduced_as(description: Mention, state: _Reading) -> Mention | None:
    """(v7) 'the journalist' -> the last person the article named with that word ('a journalist Matt Taibbi')."""
    role = description.text.split()[-1].strip(".,’'").lower()
    if role not in PERSON_ROLES:
        return None
    for person in reversed(state.persons):
        words = [w.strip(".,’'").lower() for w in person.text.split()[:-1]]  # "Vice-President" stays one word
        if person.named and any(w == role and (i == 0 or words[i - 1] not in RANK_MODIFIERS) for i, w in enumerate(words)) \
                and _compatible(description, person, state):
            surname = _surname(person)  # the person's latest mention ("President Cristina Kirchner ... Kirchner")
            return next((m for m in reversed(state.persons) if surname and _surname(m) == surname), person)
    return None


# the head words of organisations' names, which a description of a person ("the finance minister") cannot
# stand for (v5: "Eco-conscious Traffic Light Party ignites a clash ... The finance minister declared ...")
ORGANISATION_WORDS = {"party", "coalition", "government", "ministry", "union", "council", "committee", "agency",
                      "commission", "parliament", "bank", "company", "corporation", "office", "department", "army",
                      "alliance", "movement", "organization", "organisation", "group", "court", "senate", "congress"}


def _several(mention: Mention) -> bool:
    """(v7) A plural mention that is no one person: "number of employees", "European Union diplomats",
    "Borrell and officials"; not "Roger Waters" (tagged plural) nor "musician and activist Roger Waters"."""
    if not mention.plural:
        return False
    if not mention.named or mention.text.split()[-1].islower():
        return True
    before_and = mention.text.split(" and ")[0].split() if " and " in mention.text else []
    return bool(before_and) and before_and[-1].lower() not in PERSON_ROLES


def _compatible(description: Mention, candidate: Mention | None, state: _Reading) -> bool:
    """A description with a title ("the Argentine president") fits a person named with no title or the same
    one; a description of a person does not fit an organisation ("the Traffic Light Party")."""
    if candidate is not None and description.description == "person" and not candidate.pronoun and (
            candidate.text.split()[-1].lower().strip(".,") in ORGANISATION_WORDS
            or _several(candidate) or candidate.text in PLACES):  # v7: "the billionaire" is no group, "the author" no city
        return False
    wanted = _titles(description.text)
    if candidate is None or not wanted:
        return True
    known = state.titles.get(_surname(candidate) or "", set()) | _titles(candidate.text)
    return not known or bool(wanted & known)


def attribute_units(units: Iterable[Any], offsets: list[int]) -> list[SentenceAttribution]:
    """The attribution of each parsed unit of one article, read in order (see the module docstring).
    ``units`` may be a stream: each parse is dropped once read (those of a 2 MB article took 0.4 GB)."""
    per_sentence: list[tuple[int, SentenceAttribution]] = []  # (unit index, resolved attribution)
    state = _Reading()
    list_speaker: Mention | None = None  # who introduced the list that the coming units may be items of
    for u_index, (doc, offset) in enumerate(zip(units, offsets, strict=True)):
        spans, stray = _reliable_quotes(doc.text)
        if list_speaker is not None and not LIST_ITEM.match(doc.text):
            list_speaker = None
        for sent in _sentences(doc):
            result = analyse(doc, offset, sent, spans)
            if stray:
                result = replace(result, open_quote=False)
            continues = state.inside_quote or result.starts_in_quote
            if continues and result.verb is None and result.voice == "own" and sent.text.strip():
                # the sentence sits inside a quotation opened earlier: the last speaker goes on talking
                result = replace(result, voice="direct", open_quote=ends_inside_quote("“" + sent.text))
            elif state.inside_quote and result.verb is not None and not any(q in sent.text for q in CLOSING_QUOTES):
                # wholly inside a quotation that an earlier sentence opened: its reporting verb ("the
                # brigade responded") is the quoted speaker's words, not a frame of its own
                result = replace(result, speaker=None, verb=None, voice="direct", open_quote=True)
            result = _resolve(result, state)
            if list_speaker is not None and result.voice == "own":
                result = replace(result, speaker=list_speaker, voice="reported")  # "X listed the reasons:" "– ..."
            per_sentence.append((u_index, result))
            _advance(state, result)
        if list_speaker is None and doc.text.rstrip().endswith(":"):
            framed = [r for u, r in per_sentence if u == u_index and r.voice == "reported"
                      and r.speaker is not None and r.verb is not None]
            list_speaker = framed[0].speaker if framed else _listed_statements_source(doc, offset, spans)
    _share_quote_speakers(per_sentence)
    chosen: list[SentenceAttribution | None] = [None] * len(offsets)
    for u_index, result in per_sentence:
        current = chosen[u_index]
        if current is None or (current.voice == "own" and result.voice != "own"):
            chosen[u_index] = result
    return [c if c is not None else SentenceAttribution(None, None, "own") for c in chosen]


def _listed_statements_source(doc: Any, offset: int, spans: list[tuple[int, int]]) -> Mention | None:
    """'Here are the theories put forward by internet users:', 'the reasons given by the ministry:' -- the
    source of the statements that a list introduced by the unit holds."""
    for token in doc:
        if token.tag_ != "VBN" or token.dep_ not in ("acl", "relcl") or token.head.lower_ not in LISTED_STATEMENTS:
            continue
        if _in_quote(token, spans):
            continue
        agent = next((g for c in token.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
        if agent is not None and not _vague_subject(agent):
            return _mention(doc, agent, offset)
    return None


def _resolve(result: SentenceAttribution, state: _Reading) -> SentenceAttribution:
    speaker = result.speaker
    own_subject = result.subject
    if (speaker is not None and speaker.pronoun and speaker.text.lower() in MASCULINE | FEMININE and own_subject is not None
            and own_subject.person_like and own_subject.end + 3 < speaker.start  # v7: not "Victor, she claims, ..."
            and _gender(own_subject, state) in (None, "m" if speaker.text.lower() in MASCULINE else "f")):
        speaker = own_subject  # "Senator Tom Cotton supported the initiative: he said ..."
    elif speaker is not None and speaker.pronoun and speaker.text.lower() in ("they", "them", "their") and not (
            state.last_speaker is not None and state.last_speaker.plural):
        plural = own_subject if own_subject is not None and own_subject.plural and own_subject.start < speaker.start else None
        found = plural or state.last_plural_subject or _antecedent("they", state.last_speaker, state.last_subject,
                                                                  state.last_name, state.named_after_speaker)
        if found is not None and (found.person_like or found.description == "person"):
            found = None  # v7: "they" is not "the 45-year-old president"
        speaker = found
    elif speaker is not None and speaker.description == "source":
        singular = state.last_subject if state.last_subject is not None and state.last_subject.named and not state.last_subject.plural else None
        if speaker.text.lower().split()[-1] in MEDIA_ROLES:  # v5: "the agency" = Bloomberg, never a person
            media = state.outlets[-1] if state.outlets else None
            speaker = media or next((m for m in (state.last_named_speaker, singular, state.last_name)
                                     if m is not None and not m.person_like), None) or speaker
        else:
            speaker = state.last_named_speaker or singular or state.last_name or speaker
    elif speaker is not None and (speaker.pronoun or speaker.description is not None):
        key = speaker.text.lower() if speaker.pronoun else speaker.description or ""
        found = _antecedent(key, state.last_speaker, state.last_subject, state.last_name, state.named_after_speaker)
        wanted = "m" if key in MASCULINE else "f" if key in FEMININE else None
        continuing = wanted is not None and (result.verb or "").split()[0].lower() in CONTINUING and \
            state.last_speaker is not None and not state.last_speaker.pronoun and _gender(state.last_speaker, state) in (wanted, None)
        if continuing:
            found = state.last_speaker  # "He added that ...": the speaker goes on, whoever was named since
        if wanted is not None and found is not None and _gender(found, state) not in (wanted, None):
            # "Marine Le Pen ... Emmanuel Macron ... she said": the last person of the pronoun's gender
            found = next((m for m in reversed(state.persons) if _gender(m, state) == wanted), None) or next(
                (m for m in reversed(state.persons) if _gender(m, state) is None), found)
        if wanted is not None and found is not None and _gender(found, state) is None:
            # v5: "... Rutte ... The leader, Caroline van der Plas, ... She has expressed": a later person
            # known to have the pronoun's gender, over one whose gender is unknown
            later = None if continuing else next(
                (m for m in reversed(state.persons) if m.start > found.start and _gender(m, state) == wanted), None)
            found = later or found
            state.genders[_surname(found) or found.text] = wanted
        if speaker.description is not None and not _compatible(speaker, found, state):
            others = (state.named_after_speaker, state.last_named_speaker, state.last_subject, state.last_name)
            found = next((m for m in others if m is not None and m.named and not m.plural and _compatible(speaker, m, state)), None)
        holder = _role_holder(speaker, state) if speaker.description is not None else None
        introduced = _introduced_as(speaker, state) if speaker.description == "person" else None
        speaker = holder or introduced or found or speaker
        if speaker.pronoun:
            speaker = None
    if result.voice == "direct" and result.verb is None and result.speaker is None:
        if not (state.inside_quote or result.starts_in_quote or result.open_quote) and state.since_speaker > QUOTE_GAP:
            return replace(result, voice="own", speaker=None)  # a quotation nobody is said to have spoken
        speaker = state.named_after_speaker or state.last_speaker  # a quotation goes on: the last speaker
    return replace(result, speaker=speaker)


def _advance(state: _Reading, result: SentenceAttribution) -> None:
    speaker = result.speaker
    state.since_speaker = 0 if speaker is not None else state.since_speaker + 1
    if speaker is not None and not speaker.first_person:
        explicit = speaker.named and result.verb is not None
        state.last_speaker = speaker
        if explicit or result.verb is not None:
            state.named_after_speaker = None
    elif result.subject is not None and result.subject.person_like:
        state.named_after_speaker = result.subject  # "Ivanova ended her briefing. ... she said": Ivanova
    if speaker is not None and speaker.named:
        state.last_named_speaker = speaker
    for mention in (speaker, result.subject, result.name):  # "reported by the Berlin newspaper Tagesspiegel"
        outlet = _as_outlet(mention) if mention is not None and mention.named else None
        if outlet is not None and not (state.outlets and state.outlets[-1].text == outlet.text):
            state.outlets = [*state.outlets[-5:], outlet]
    if result.subject is not None:
        state.last_subject = result.subject
        if result.subject.plural:
            state.last_plural_subject = result.subject
    if result.name is not None:
        state.last_name = result.name
    for mention in (result.subject, result.name, speaker):
        if mention is not None and mention.person_like and mention.description is None and not mention.pronoun and (
                not state.persons or state.persons[-1].start != mention.start):
            state.persons = [*state.persons[-11:], mention]
    for mention in (speaker, result.subject, result.name):
        if mention is not None and mention.named and not mention.plural and _titles(mention.text):
            state.titles.setdefault(_surname(mention) or "", set()).update(_titles(mention.text))
    state.inside_quote = result.open_quote


def _share_quote_speakers(per_sentence: list[tuple[int, SentenceAttribution]]) -> None:
    """A quotation over several sentences has one speaker: sentences of it without a frame take the
    speaker named in a later sentence of the same quotation ("“One. Two,” he said")."""
    index = 0
    while index < len(per_sentence):
        _, result = per_sentence[index]
        if not (result.voice == "direct" and result.open_quote):
            index += 1
            continue
        run = [index]
        cursor = index + 1
        while cursor < len(per_sentence):
            _, following = per_sentence[cursor]
            if following.voice != "direct":
                break
            run.append(cursor)
            if not following.open_quote:
                break
            cursor += 1
        framed = next((per_sentence[i][1] for i in run if per_sentence[i][1].verb is not None
                       and per_sentence[i][1].speaker is not None), None)
        if framed is not None:
            for i in run:
                unit, member = per_sentence[i]
                if member.verb is None:
                    per_sentence[i] = (unit, replace(member, speaker=framed.speaker))
        index = cursor + 1 if cursor > index else index + 1


def _antecedent(pronoun: str, last_speaker: Mention | None, last_subject: Mention | None,
                last_name: Mention | None, named_after_speaker: Mention | None = None) -> Mention | None:
    """Who a pronoun or description stands for: a person named as the subject of a sentence after the
    last speaker ("he"/"she", "the Russian leader"), else the last speaker; without a speaker so far,
    the last main-clause subject or proper name."""
    personal = pronoun in MASCULINE | FEMININE | {"person"}
    if personal and named_after_speaker is not None:
        return named_after_speaker
    if last_speaker is not None and not last_speaker.pronoun:
        if not (pronoun in ("they", "them") and not last_speaker.plural and last_subject is not None and last_subject.plural):
            return last_speaker
    if personal:
        if last_subject is not None and not last_subject.plural and last_subject.named:
            return last_subject
        return last_name or last_subject
    return last_subject or last_name
