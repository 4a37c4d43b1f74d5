"""The word lists of the attribution rules: reporting verbs and their forms, the frames some verbs need,
roles and titles, gendered words and first names, and who holds the roles the news pages name.
"""

from __future__ import annotations

import re


DIRECT_MIN_WORDS = 3
QUOTE_GAP = 2  # a quotation without a frame continues a speaker of at most this many sentences before

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
    "confess advocate recommend apologize apologise object convince reassure raise denounce"
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
                   "raise", "fear"}  # "raised the question", not "raised prices"; (v7) "fears that", not "fears capitulation"
# ... unless the object is itself a statement word ("expressed doubts", "voiced alarm", "reported the deaths")
STATEMENT_OBJECTS = {"doubt", "doubts", "concern", "concerns", "alarm", "hope", "hopes", "fear", "fears", "view",
                     "views", "opinion", "opinions", "regret", "support", "outrage", "dissatisfaction", "reason",
                     "reasons", "readiness", "position", "deaths", "death", "figures", "news", "decision",
                     "what", "point", "words", "claim", "claims", "criticism", "anger", "indignation", "displeasure",
                     "thoughts", "existence", "question", "questions", "issue", "explanation"}  # v5
# (v6) ... and the CLAUSE_OR_QUOTE verbs whose noun object is the fact stated, with a named source as
# subject ("The New York Times confirmed the shooting", "reported a change of plans"; not "the test
# confirmed the diagnosis")
FACT_OBJECT_SPEECH = {"confirm", "report", "reveal"}
# (v7) "claimed the lives of 20 people": a toll, not a claim
TOLL_OBJECTS = {"life", "lives"}
REFLEXIVES = {"itself", "himself", "herself", "themselves", "oneself", "ourselves", "myself", "yourself"}
# verbs that take a bare clause of another verb ("help its society maintain", "made them reveal")
CAUSATIVES = {"help", "helps", "helped", "helping", "make", "makes", "made", "making", "let", "lets", "letting",
              "see", "sees", "saw", "seen", "watch", "watched", "hear", "heard"}
# verbs whose passive with an agent reports the agent's words ("is confirmed by X", "was voiced by X")
AGENT_SPEECH = {"confirm", "report", "voice", "express", "question", "reveal"}
# "according to local laws", "according to the Energy Act": what a rule provides, not what a source says
RULE_TEXTS = {"law", "laws", "act", "rules", "regulation", "regulations", "constitution", "legislation", "code",
              "treaty", "terms", "schedule", "plan", "plans", "procedure", "protocol", "charter", "statute",
              "standard", "standards", "norms", "guidelines", "instructions"}  # v7: "according to earthquake-proof standards"
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
PLACE_PREPS = {"in", "at", "within"}  # (v6) where a named speaker spoke, not part of the name: "Weyel in the Assembly"
NAME_PARTICLES = {"von", "der", "van", "de", "den", "la", "le", "da", "di", "del", "bin", "al", "el"}  # "Ursula von der Leyen"
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
RANK_MODIFIERS = {"vice", "deputy", "former", "ex", "late", "acting"}  # (v7) "former president X" is not "the president"
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
