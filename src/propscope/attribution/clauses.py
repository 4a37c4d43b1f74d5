"""One grammatical sentence's attribution (:func:`analyse`): which verb reports speech, whose speech it
is, and whether the words are quoted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from propscope.attribution.lexicon import (
    AGENT_SPEECH, APPOINTMENTS, BE_FORMS, CAUSATIVES, CITE_FORMS, CLAUSE_OR_QUOTE, DIRECT_MIN_WORDS,
    EVENT_SUBJECTS, FACT_OBJECT_SPEECH, FEMININE, FIRST_PERSON, FUTURE_AUX, LIGHT_VERBS, MASCULINE, NAME_DEPS,
    NAME_FORMS, LISTED_STATEMENTS, OPPORTUNITIES, PERSON_ROLES, POINT_FORMS, PUT_FORMS, QUOTE_ONLY, REFUSALS,
    REFLEXIVES, REPORTING_FORMS, RULE_TEXTS, SOURCE_ROLES, SPEECH_PREPS, STATEMENT_NOUNS, STATEMENT_OBJECTS,
    SUBJECT_DEPS, TEXT_SOURCES, TEXT_SUBJECTS, TOLL_OBJECTS, TWEET_SIGNATURE, VIEW_ADJECTIVES, VIEW_NOUNS, WITH_CLAUSE,
    WITH_QUOTE,
)
from propscope.attribution.mentions import Mention, _mention, SentenceAttribution, _vague_source, _vague_subject
from propscope.attribution.quotes import ends_inside_quote, _in_quote, quote_spans, _quoted_statement


def _depth(token: Any) -> int:
    depth = 0
    while token.head.i != token.i and depth < 50:  # spaCy makes a new Token object on each access
        token = token.head
        depth += 1
    return depth


def _inverted_speaker(verb: Any) -> Any | None:
    """'..., reported the Daily Telegraph', '..., noted Sky News', '..., said Lavrov': a reporting verb
    after the claim with its subject after it (the parser makes it an object or a subject)."""
    if verb.i == 0:
        return None
    before = verb.doc[verb.i - 1]
    if not (before.text in (",", "—", "–", ":") or before.is_quote) or verb.tag_ == "VBG":
        return None  # "..., demanding tanks and planes" is a participle, not an inverted clause
    closes_statement = before.is_quote and before.i > 0 and verb.doc[before.i - 1].text in (",", ".", "!", "?")
    if any(c.dep_ in ("nsubj", "nsubjpass", "csubj") and c.i < verb.i and not (closes_statement and c.i < before.i)
           for c in verb.children):
        return None  # "Syed Ahmed, told the Daily Mail": the subject is before the verb (v5: but not inside
        # the quotation that closes right before it: "“X ... is present,” claims the wine merchant")
    for child in verb.children:
        if child.i > verb.i and child.dep_ in ("dobj", "nsubj", "attr", "npadvmod", "appos", "nsubjpass") \
                and child.tag_ in ("NN", "NNS", "NNP", "NNPS"):
            return child
    return None


def _opportunity_clause(verb: Any) -> bool:
    """'Truss had time to say that ...', 'he took the opportunity to stress ...': the speech happened, and
    the subject of the root speaks."""
    head = verb.head
    return verb.dep_ in ("relcl", "acl") and verb.tag_ == "VB" and any(c.lower_ == "to" for c in verb.children) \
        and head.lower_ in OPPORTUNITIES and head.dep_ == "dobj" and head.head.dep_ == "ROOT"


def _speaker_of(verb: Any) -> Any | None:
    inverted = _inverted_speaker(verb)
    if inverted is not None:
        return inverted
    if _opportunity_clause(verb):
        return _speaker_of(verb.head.head)
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
    if verb.dep_ == "conj":  # "BMW was forced to publish a post and promised that ...": BMW
        return _speaker_of(verb.head) or next((c for c in verb.head.children if c.dep_ == "nsubjpass"), None)
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
    if dep == "ROOT" or _opportunity_clause(token):
        return True
    if dep == "ccomp" and head.dep_ == "ROOT" and head.lower_ in BE_FORMS and any(
            c.dep_ == "nsubj" and c.lower_ in ("that", "this") for c in head.children) and any(
            c.lower_ == "what" and c.i < token.i for c in token.children) and has_subject:
        return True  # v5: "That's what the FBI said in a statement": the sentences before are its words
    if dep in ("ccomp", "xcomp", "pcomp") and any(c.tag_ in ("WP", "WRB") and c.i < token.i for c in token.children):
        return False  # "they transcribed what the crowd was chanting": an embedded question
    if has_subject and _in_quote(head, spans) and dep != "relcl":
        return True  # "“...,” X said" with the verb hung on a quoted word; not "the “victim,” which she said ..."
    if dep == "conj":
        return _governs_sentence(head, spans)
    if dep == "advcl" and has_subject and any(c.dep_ == "mark" and c.lower_ == "as" for c in token.children):
        anchor = head.head if head.dep_ in ("aux", "auxpass") else head  # v5: "..., but, as X point out, they are ..."
        if anchor.dep_ == "ROOT" or (anchor.dep_ == "conj" and anchor.head.dep_ == "ROOT"):
            return True
    if dep == "xcomp" and head.dep_ != "ROOT" and head.lower_ not in BE_FORMS and head.dep_ in ("ccomp", "conj"):
        return _governs_sentence(head, spans)  # v5: "X is trying to reassure Y: ..." (the frame parsed as a ccomp)
    if head.dep_ != "ROOT":
        return False
    if dep == "xcomp":
        return head.lower_ not in BE_FORMS  # "continued to insist that"; not "it is important to note"
    if dep in ("ccomp", "parataxis") and has_subject and token.i < head.i and any(
            t.text in (":", ";") for t in token.doc[token.i : head.i]):
        return True  # "X announced the restoration of relations: on May 9, ...", "X called it false; he ..."
    if dep == "ccomp" and has_subject and token.i < head.i and head.lower_ not in REPORTING_FORMS and any(
            t.text == "," for t in token.doc[token.i : head.i]) and any(
            c.dep_ == "nsubj" and c.i > token.i for c in head.children):
        return True  # a comma splice: "Journalist accuses ex-president of rape, jury hears testimony"
    if dep in ("parataxis", "advcl") and has_subject and not any(c.dep_ == "mark" for c in token.children) \
            and _between_commas(token):
        return True  # a parenthetical reporting clause: "But after, the report reads, the server ..."
    if dep in ("ccomp", "parataxis"):
        return _in_quote(head, spans) or (has_subject and (token.i > head.i or head.lower_ in REPORTING_FORMS))
    if dep == "advcl":
        marks = {c.lower_ for c in token.children if c.dep_ == "mark"}
        return ("as" in marks and has_subject) or (token.tag_ == "VBG" and not marks)
    return False


def _between_commas(verb: Any) -> bool:
    """'..., the report reads, ...': a comma before the verb's subject and one right after the verb."""
    doc = verb.doc
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < verb.i), None)
    if subject is None or subject.left_edge.i == 0 or verb.i + 1 >= len(doc):
        return False
    return doc[subject.left_edge.i - 1].text == "," and doc[verb.i + 1].text == ","


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


def _speech_frame(token: Any, lemma: str, spans: list[tuple[int, int]]) -> bool:
    """Whether a verb with a non-speech sense is used here as speech: with a clause, a quotation, a
    colon before what was said, a statement object or a topic ("spoke about")."""
    children = list(token.children)
    if lemma in ("speak", "talk") and token.tag_ == "VBG":
        return False
    if any(c.dep_ in ("ccomp", "parataxis") for c in children):
        return True
    if token.dep_ in ("ccomp", "parataxis") and token.head.lower_ not in CAUSATIVES:
        return True  # "..., the report reads"; not "help its society maintain a normal life"
    if lemma in AGENT_SPEECH and any(c.dep_ == "auxpass" for c in children) and any(c.dep_ == "agent" for c in children):
        return True  # v5: "This fact is confirmed by the suppliers"
    if any(0 < start - token.idx <= 40 and len(token.doc.text[start:end].split()) >= DIRECT_MIN_WORDS
           for start, end in spans):  # a quotation right after the verb, not a quoted term ("indicated a “replacement value”")
        return True
    if any(c.dep_ == "prep" and c.lower_ == "about" for c in children):
        return True  # "reported about the attack", "posted about it"
    if any(c.text == ":" for c in children) or (token.i + 1 < len(token.doc) and token.doc[token.i + 1].text == ":"):
        return True
    if lemma != "raise" and any(c.dep_ == "dobj" and c.lower_ in STATEMENT_OBJECTS for c in children):
        return True  # not "raised concerns" (no content), but "raised the question: ..." (the colon, above)
    if lemma in ("speak", "talk"):  # "spoke about the rift"; not "talking about his pain" nor "spoke with Cruz"
        return token.tag_ != "VBG" and any(c.lower_ in SPEECH_PREPS and c.dep_ in ("prep", "prt") for c in children)
    if lemma in ("criticize", "criticise") and any(c.dep_ == "prep" and c.lower_ == "for" for c in children):
        return True  # "criticized the government for the decision": the criticism has its content
    if lemma == "advise" and any(c.dep_ == "xcomp" or (c.dep_ == "prep" and c.lower_ == "against") for c in children):
        return True  # "advised citizens not to travel", (v6) "advise against referring to ..."
    if lemma in FACT_OBJECT_SPEECH and any(c.dep_ == "dobj" for c in children) and any(
            c.dep_ == "nsubj" and (c.tag_ in ("NNP", "NNPS") or c.lower_ in SOURCE_ROLES) for c in children):
        return True  # v6: "The New York Times confirmed the shooting", "Jonson reported a change of plans"
    if lemma in ("share", "post") and not any(c.dep_ == "dobj" for c in children):
        return True  # "..., shared another eyewitness"
    return _inverted_speaker(token) is not None


def _characterises(token: Any, spans: list[tuple[int, int]]) -> bool:
    """'called it "a hoax"', 'called the killing as fake as ...', 'called this data false',
    'characterized it as ...' -- not 'called Netanyahu' or 'called for talks'."""
    children = list(token.children)
    if any(c.lower_ == "for" for c in children):
        return _calls_for(token)
    if any(token.idx < start <= token.right_edge.idx for start, _ in spans):
        return True
    has_object = any(c.dep_ == "dobj" for c in children)
    predicate = any(c.dep_ in ("oprd", "ccomp", "xcomp") for c in children)
    as_phrase = any(c.dep_ == "prep" and c.lower_ == "as" for c in children) or any(
        g.dep_ == "prep" and g.lower_ == "as" for c in children if c.dep_ == "dobj" for g in c.children)
    return has_object and (predicate or as_phrase)


def _names_as(token: Any) -> bool:
    """'named the organiser of the attack as the head of intelligence', 'named Pence a hero': an object with
    what it is said to be; not 'named his son after ...' nor an appointment (a person named as a role:
    'named Smith as his deputy')."""
    children = list(token.children)
    if not token.tag_.startswith("VB") or not any(c.dep_ == "dobj" for c in children):
        return False
    if any(c.dep_ == "dobj" and c.lower_ in LISTED_STATEMENTS for c in children):
        return True  # v6: "European analysts have named five reasons why ..."
    said = [c for c in children if c.dep_ == "oprd"]
    said += [g for c in children if c.dep_ == "prep" and c.lower_ == "as" for g in c.children if g.dep_ == "pobj"]
    person = any(c.dep_ == "dobj" and (c.tag_ in ("NNP", "NNPS", "PRP")) for c in children)
    return bool(said) and not (person and any(t.lower_ in PERSON_ROLES | APPOINTMENTS for t in said))


def _as_puts_it(token: Any) -> bool:
    """'as the economist Paul Brown puts it, ...'."""
    children = list(token.children)
    return any(c.dep_ == "mark" and c.lower_ == "as" for c in children) and any(
        c.dep_ == "dobj" and c.lower_ == "it" for c in children) and any(c.dep_ == "nsubj" for c in children)


def _calls_for(token: Any) -> bool:
    """'called for an end to military support', 'called on his compatriots to dismantle the barricades':
    a public demand is speech; 'the bill calls for ...' (a text's content) and 'called on the phone' are not."""
    children = list(token.children)
    if any(c.dep_ == "nsubj" and (c.lower_ in TEXT_SUBJECTS or c.lower_[:-1] in TEXT_SUBJECTS) for c in children):
        return False
    if any(c.dep_ == "prep" and c.lower_ == "for" and any(g.dep_ in ("pobj", "pcomp") for g in c.children) for c in children):
        return True
    on = next((c for c in children if c.dep_ == "prep" and c.lower_ == "on" and c.i == token.i + 1), None)
    return on is not None and not any(c.dep_ == "dobj" for c in children) and any(
        g.dep_ in ("xcomp", "advcl") and g.tag_ == "VB" for c in children for g in [c, *c.subtree])


def _quote_frame(doc: Any, tokens: Sequence[Any], spans: list[tuple[int, int]]) -> Any | None:
    """Any verb with a subject right before ", “" or ": “" frames the quotation ("an editorial opined,
    “...”", "the embassy posted: “...”"), whether or not it is a known reporting verb."""
    for token in tokens:
        if not token.is_quote or not any(start == token.idx for start, _ in spans):
            continue  # only an opening quotation mark
        before = [t for t in doc[max(0, token.i - 2) : token.i]]
        if len(before) == 2 and before[1].text in (",", ":") and before[0].tag_.startswith("VB") and not _in_quote(before[0], spans):
            verb = before[0]
            if any(c.dep_ == "mark" for c in verb.children):
                continue  # "as they say, “...”": an idiom
            if any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children) and verb.lower_ not in BE_FORMS:
                return verb
    return None


def _noun_root_speaker(token: Any) -> Any | None:
    """'the Human Rights Watch report states explicitly that ...' parsed with the noun as root and the verb
    as its object: the noun, when a that-clause of the root follows the verb."""
    head = token.head
    if not (token.tag_ in ("VBZ", "VBD") and head.dep_ == "ROOT" and head.i == token.i - 1 and head.tag_ in ("NN", "NNS", "NNP")):
        return None
    clause = any(c.dep_ == "ccomp" and c.i > token.i for c in [*head.children, *token.children])
    return head if clause else None


def _colon_frame_subject(doc: Any, tokens: Sequence[Any], spans: list[tuple[int, int]]) -> Any | None:
    """The subject of the clause before ': “' that opens a quoted statement, where it names a person or
    a source ("Senator Graham still criticized the Kremlin: “...”"); not "The situation is simple: “...”"."""
    for token in tokens:
        if not (token.is_quote and any(start == token.idx for start, _ in spans) and token.i > 0
                and doc[token.i - 1].text == ":"):
            continue
        for verb in tokens:
            if verb.i >= token.i - 1 or _in_quote(verb, spans) or not verb.tag_.startswith("VB"):
                continue
            subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            if subject is None or _in_quote(subject, spans):
                continue
            if subject.lower_ in MASCULINE | FEMININE or subject.tag_ in ("NNP", "NNPS") or subject.lower_ in PERSON_ROLES:
                return subject
            return None
    return None


def _by_gerund_speaker(token: Any) -> Any | None:
    """'X defended it by claiming that ...': X, when the governing verb is the root."""
    prep = token.head
    if token.dep_ == "pcomp" and token.tag_ == "VBG" and prep.lower_ == "by" and prep.head.dep_ == "ROOT":
        return _speaker_of(prep.head)
    return None


def _final_reporting_clause(tokens: Sequence[Any], spans: list[tuple[int, int]]) -> tuple[Any, Any] | None:
    """'CLAUSE, Virginia court records show.': a reporting verb that ends the sentence after a comma and
    a noun phrase, however the parser attached it; the verb and the head of the noun phrase."""
    words = [t for t in tokens if not t.is_punct]
    if len(words) < 4 or _in_quote(words[-1], spans):
        return None
    verb = words[-1]
    lemma = REPORTING_FORMS.get(verb.lower_)
    if lemma is None or lemma in QUOTE_ONLY or lemma in WITH_QUOTE or lemma in CITE_FORMS:
        return None
    phrase = []
    for token in reversed(tokens[: tokens.index(verb)]):
        if token.text == ",":
            break
        if not (token.tag_ in ("NN", "NNS", "NNP", "NNPS", "DT", "JJ", "POS", "PRP$") or token.dep_ == "compound"):
            return None
        phrase.append(token)
    else:
        return None
    nouns = [t for t in phrase if t.tag_.startswith("NN")]
    if not nouns or len(phrase) > 6 or phrase[-1].i == tokens[0].i:
        return None
    return verb, nouns[0]  # the last noun before the verb: the head of the phrase


def _light_verb_statement(token: Any) -> Any | None:
    """'made an official announcement', 'issued a statement': the statement noun, with the verb active;
    'has made it clear that ...' (v5): the word 'clear'."""
    if token.lower_ not in LIGHT_VERBS or not any(c.dep_ == "nsubj" for c in token.children):
        return None
    clear = next((t for t in token.subtree if t.lower_ == "clear" and t.i > token.i and t.head.i in (token.i, *(
        c.i for c in token.children))), None)
    subject = next(c for c in token.children if c.dep_ == "nsubj")
    named = subject.tag_ in ("NNP", "NNPS", "PRP") or subject.lower_ in PERSON_ROLES  # not "this address makes it clear"
    if clear is not None and named and any(c.lower_ == "it" and c.dep_ in ("dobj", "nsubj") for c in [*token.children, *clear.children]) \
            and any(t.dep_ == "ccomp" for t in token.subtree):
        return clear
    return next((c for c in token.children if c.dep_ == "dobj" and c.lower_ in STATEMENT_NOUNS), None)


def _statement_by(token: Any) -> Any | None:
    """(v5) 'A similar statement was made by X', 'an explanation ... was offered by X': a statement noun as
    the subject of a passive verb, and the agent who made it."""
    if token.tag_ != "VBN" or not any(c.dep_ == "auxpass" for c in token.children):
        return None
    if not any(c.dep_ == "nsubjpass" and c.lower_ in STATEMENT_NOUNS | {"explanation", "explanations"} for c in token.children):
        return None
    return next((g for c in token.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)


def _in_the_view_of(token: Any) -> tuple[Any, str] | None:
    """'In his opinion, ...', 'In the words of the minister, ...': the holder and the view noun, where the
    phrase hangs on the root of the sentence."""
    if token.lower_ != "in" or token.dep_ != "prep" or token.head.dep_ != "ROOT":
        return None
    noun = next((c for c in token.children if c.dep_ == "pobj" and c.lower_ in VIEW_NOUNS), None)
    if noun is None:
        return None
    owner = next((c for c in noun.children if c.dep_ == "poss" and c.lower_ not in FIRST_PERSON | {"my", "our"}), None)
    if owner is None:
        of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        owner = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    return (owner, noun.text) if owner is not None else None


def _view_adjective(token: Any) -> Any | None:
    """'he is confident that ...', 'citizens are afraid that ...': the holder of the view."""
    colon_after = token.i + 1 < len(token.doc) and token.doc[token.i + 1].text == ":"  # "X is convinced: ..."
    root_like = token.dep_ == "ROOT" or (token.dep_ == "ccomp" and colon_after and token.head.dep_ == "ROOT")
    if token.lower_ in VIEW_ADJECTIVES and root_like and token.tag_ == "VBN" and (colon_after or any(
            c.dep_ == "ccomp" for c in token.children)):  # "X is convinced that ..." parsed as a passive
        return next((c for c in token.children if c.dep_ == "nsubjpass"), None)
    if token.lower_ not in VIEW_ADJECTIVES or token.dep_ != "acomp" or token.head.dep_ != "ROOT":
        return None
    if not colon_after and not any(c.dep_ == "ccomp" for c in token.children) and not any(
            c.dep_ == "ccomp" for c in token.head.children):
        return None
    return next((c for c in token.head.children if c.dep_ == "nsubj"), None)


def analyse(doc: Any, offset: int, sentence: Any = None, spans: list[tuple[int, int]] | None = None) -> SentenceAttribution:
    """Speaker, verb and voice of one grammatical sentence (``sentence``, a span of ``doc``; the whole
    ``doc`` when not given) of a parsed unit that starts at ``offset`` in the article."""
    spans = quote_spans(doc.text) if spans is None else spans
    sent = doc[:] if sentence is None else sentence
    tokens = list(sent)
    quoted = sum(1 for t in tokens if not t.is_punct and _in_quote(t, spans))
    words = sum(1 for t in tokens if not t.is_punct)
    direct = _quoted_statement(tokens, spans)
    candidates = []
    for token in tokens:
        if _in_quote(token, spans):
            continue
        if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to" and not (
                token.i > 0 and doc[token.i - 1].tag_.startswith("VB")):  # not "acting according to the plan"
            objects = [c for c in doc[token.i + 1].children if c.dep_ == "pobj"]
            if objects and _vague_source(objects[0]):
                continue  # "according to some reports": a hedge
            if objects and objects[0].lower_ in RULE_TEXTS:
                continue  # v5: "according to local laws": what the rules say, not a source
            if objects and objects[0].tag_ in ("WDT", "WP"):
                continue  # v7: "values, according to which there is no free money": a relative clause, no source
            clause = next((c for c in doc[token.i + 1].children if c.dep_ == "pcomp" and c.tag_.startswith("VB")), None)
            if not objects and clause is not None:  # "according to what Nuncio Sambi wrote": the writer
                writer = _speaker_of(clause)
                objects = [writer] if writer is not None else []
            if objects:
                candidates.append((_depth(token), token.i, "according to", objects[0]))
            continue
        holder = _in_the_view_of(token)
        if holder is not None:
            candidates.append((_depth(token), token.i, f"in {holder[1]}", holder[0]))
            continue
        holder = _view_adjective(token)
        if holder is not None:
            candidates.append((_depth(token), token.i, f"{token.head.text} {token.text}", holder))
            continue
        agent = _statement_by(token)
        if agent is not None and _governs_sentence(token, spans):  # "a similar statement was made by X"
            candidates.append((_depth(token), token.i, f"{token.text} by", agent))
            continue
        light = _light_verb_statement(token)
        if light is not None and _governs_sentence(token, spans):  # "the MoD made an official announcement"
            candidates.append((_depth(token), token.i, f"{token.text} {light.text}", _speaker_of(token)))
            continue
        lemma = REPORTING_FORMS.get(token.lower_)
        if lemma is None and token.lower_ in ("reads", "read") and any(
                c.dep_ == "nsubj" and c.lower_ in TEXT_SOURCES for c in token.children):
            lemma = "read"  # "the report reads, ...": a text says
        if lemma is None and token.lower_ in NAME_FORMS and _names_as(token):
            lemma = "name"
        if lemma is None and token.lower_ in PUT_FORMS and _as_puts_it(token):
            lemma = "put"
        if lemma is None and token.lower_ not in POINT_FORMS:
            continue
        if not token.tag_.startswith("VB") and not (
            token.i > sent.start and any(c.dep_ == "nsubj" for c in token.children)  # "Loomer Tweeted." tagged as a name
        ):
            continue
        if any(c.dep_ == "neg" for c in token.children):
            continue  # "have not called Russia an 'aggressor'": no words are reported
        if token.dep_ == "xcomp" and token.head.lower_ in REFUSALS:
            continue  # "declined to say whether ...": no words are reported either
        if any(c.dep_ == "aux" and c.lower_ in FUTURE_AUX for c in token.children):
            continue  # "will officially announce his candidacy", "now he can say that": nothing has been said

        if any(c.dep_ == "nsubj" and c.lower_ in ("one", "you") and not any(g.lower_ == "of" for g in c.children)
               for c in token.children):
            continue  # "one can speak of high standards": nobody in particular
        if any(c.dep_ in ("poss", "det") for c in token.children) or token.dep_ in ("amod", "compound") or (
                token.i > sent.start and doc[token.i - 1].tag_ == "POS") or (
                token.i > sent.start + 1 and doc[token.i - 1].text in ("’", "'")
                and doc[token.i - 2].lower_.endswith("s")):
            continue  # a noun the tagger took for a verb: "Brussels’ claims against Washington"
        if lemma == "say" and any(c.lower_ == "as" and c.dep_ == "mark" for c in token.children) and any(
                c.dep_ == "nsubj" and c.lower_ == "they" for c in token.children):
            continue  # "as they say": an idiom, not a source
        verb_text = token.text
        particles = [c for c in token.children if c.dep_ == "prt"]
        if token.lower_ in POINT_FORMS:  # "pointed out that", "pointed to the presence of"
            particle = next((c for c in token.children if c.lower_ in ("out", "to") and c.dep_ in ("prt", "prep")), None)
            if particle is None and _inverted_speaker(token) is None:  # "..., pointed the authors"
                continue
            lemma, verb_text = "point", f"{token.text} {particle.text}" if particle is not None else token.text
        elif particles:
            verb_text = f"{token.text} {particles[0].text}"
        if lemma == "deny" and any(c.dep_ == "dative" for c in token.children):
            continue  # v5: "bureaucracy denied him a licence": a refusal, not a denial
        if lemma == "fear" and any(c.dep_ == "prep" and c.lower_ == "for" for c in token.children):
            continue  # v5: "fearing for his seat": a worry, not a stated fear
        if lemma == "claim" and any(c.dep_ == "dobj" and c.lower_ in TOLL_OBJECTS for c in token.children):
            continue  # v7: "the earthquake claimed the lives of ...": a toll
        if lemma == "promise" and any(c.dep_ == "xcomp" for c in token.children) and not any(
                start > token.idx for start, _ in spans):  # but "promised to help Ukraine “defeat Russia”" quotes him
            continue  # v7: "had promised to bring two million people": an own action promised, not a statement
        if lemma == "find" and any(t.lower_ in REFLEXIVES for c in token.children if c.dep_ in ("dobj", "ccomp", "oprd")
                                   for t in (c, *c.children)):
            continue  # v7: "Germany finds itself trapped": a predicament, not a finding
        if lemma in QUOTE_ONLY and not direct and not (
                lemma in ("agree", "disagree") and any(c.dep_ == "ccomp" for c in token.children)):
            continue  # but "Germany, Denmark and Sweden all agree that this is sabotage" states a view
        if lemma in WITH_QUOTE and not (_characterises(token, spans) or (lemma == "call" and _calls_for(token))):
            continue
        if lemma in CLAUSE_OR_QUOTE and not _speech_frame(token, lemma, spans):
            continue
        if lemma in CITE_FORMS and token.tag_ == "VB" and token.i - 1 == sent.start and doc[sent.start].lower_ == "to":
            cited = next((c for c in token.children if c.dep_ == "dobj"), None)
            if cited is not None:  # v7: "To cite the New York Post's investigation, ...": like "according to"
                candidates.append((_depth(token), token.i, f"{doc[sent.start].text} {token.text}", cited))
                continue
        if lemma in CITE_FORMS and not _cites_words(token, spans) and _inverted_speaker(token) is None:
            continue
        if lemma in WITH_CLAUSE and not (any(c.dep_ in ("ccomp", "oprd") for c in token.children) or token.dep_ in ("ccomp", "parataxis")):
            continue
        if lemma in WITH_CLAUSE and any(c.dep_ == "nsubj" and c.lower_ in EVENT_SUBJECTS for c in token.children):
            continue  # "the disaster showed that ...": an event is no source
        if lemma == "show" and any(c.dep_ in ("dative", "dobj") for c in token.children):
            continue  # "Ukraine has long shown the world that ...": a demonstration, not a finding
        by_speaker = _by_gerund_speaker(token) or _noun_root_speaker(token)
        if by_speaker is None and not _governs_sentence(token, spans):
            continue
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)
        if passive and not (lemma not in WITH_CLAUSE and any(c.dep_ == "agent" for c in token.children)):
            continue  # "she was charged", "it was revealed that" (a hedge); but "this is refuted by X" counts
        speaker = by_speaker if by_speaker is not None else _speaker_of(token)
        if speaker is not None and _vague_subject(speaker):
            continue  # "Some say that ...", "many people criticize ... and accuse them": nobody in particular
        if speaker is not None and speaker.lower_ in ("that", "which") and token.dep_ != "relcl":
            continue  # v7: "surprising that calls for an investigation ... do not arouse": a misparse, nobody speaks
        # v7: a parenthetical frame ("Victor, she claims, only complains ...") reports its whole sentence
        parenthetical = token.dep_ == "parataxis" and token.head.dep_ == "ROOT" and _between_commas(token)
        candidates.append((-1 if parenthetical else _depth(token), token.i, verb_text, speaker))
    final = _final_reporting_clause(tokens, spans)
    if final is not None and not any(c[3] is not None for c in candidates):
        candidates = [c for c in candidates if c[1] != final[0].i] + [(0, final[0].i, final[0].text, final[1])]
    if direct and not candidates:
        frame = _quote_frame(doc, tokens, spans)
        if frame is not None:
            candidates.append((_depth(frame), frame.i, frame.text, _speaker_of(frame)))
    if direct and not any(c[3] is not None for c in candidates):
        holder = _colon_frame_subject(doc, tokens, spans)
        if holder is not None:  # "The president of Kosovo is grateful ...: “I want to thank ...”"
            candidates = [(0, holder.i, holder.head.text, holder)]
    subject = None
    for token in tokens:
        if (token.dep_ in SUBJECT_DEPS and token.head.dep_ == "ROOT" and token.tag_ in ("NN", "NNS", "NNP", "NNPS", "CD")
                and not _in_quote(token, spans)):
            subject = _mention(doc, token, offset)
            break
    if subject is None:  # "Senator Tom Cotton supported the initiative: he said ...": the clause before the root's pronoun
        root = next((t for t in tokens if t.dep_ == "ROOT"), None)
        for token in tokens:
            if root is None or token.i >= root.i:
                break
            if (token.dep_ == "nsubj" and token.tag_ in ("NNP", "NNPS") and token.head.dep_ in ("ccomp", "parataxis")
                    and token.head.head.i == root.i and not _in_quote(token, spans)
                    and any(t.text in (":", ";", "–", "—") for t in doc[token.head.i : root.i])):  # v5: dashes
                subject = _mention(doc, token, offset)
                break
    name = None
    for token in reversed(tokens):
        if token.tag_ in ("NNP", "NNPS") and token.dep_ in NAME_DEPS and not _in_quote(token, spans):
            name = _mention(doc, token, offset)
            if name.named:
                break
            name = None
    end_char = sent.end_char
    open_quote = ends_inside_quote(doc.text) if end_char >= len(doc.text.rstrip()) else any(
        s < end_char - 1 and e > end_char for s, e in spans)
    starts_in_quote = any(s < sent.start_char < e for s, e in spans) if sent.start_char > 0 else False
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
            return SentenceAttribution(None, None, "own", subject, open_quote, name, starts_in_quote)
        return SentenceAttribution(speaker, verb, "direct" if direct else "reported", subject, open_quote, name, starts_in_quote)
    signature = TWEET_SIGNATURE.search(sent.text)
    if signature is not None and quoted == 0:  # an embedded post: "text — Name (@handle) date"
        start = offset + sent.start_char + signature.start(1)
        poster = Mention(signature.group(1).strip(), start, start + len(signature.group(1).strip()), named=True)
        return SentenceAttribution(poster, "posted", "direct", subject, open_quote, name, starts_in_quote)
    if direct and quoted >= 0.6 * words:  # a quotation on its own continues the last speaker's quote
        return SentenceAttribution(None, None, "direct", subject, open_quote, name, starts_in_quote)
    return SentenceAttribution(None, None, "own", subject, open_quote, name, starts_in_quote)
