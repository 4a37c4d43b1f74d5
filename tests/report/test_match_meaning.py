"""What a match means in every report: the verdict as its source gives it, how the article relates to
the claim, the related list apart, and what the KB covers compared with the article's date."""

from __future__ import annotations

import dataclasses
import json
import re

from propscope.document import Article, Claim, KnownClaimMatch
from propscope.report import render_html, render_json_lines, render_text
from propscope.runner import Outcome
from propscope.schema import article_from_dict, article_to_dict
from tests.report.sample import ALL_COMPONENTS, SHIPPED_KB


def flat(text: str) -> str:
    return " ".join(text.split())


def case(relation: str | None, verdict: str | None = "disinformation case", source: str = "EUvsDisinfo") -> KnownClaimMatch:
    return KnownClaimMatch(
        "euvsdisinfo:bucha", "The Bucha massacre was staged", source, "https://euvsdisinfo.eu/report/bucha/",
        "2021-02-01", 0.83, "disinformation", verdict=verdict, relation=relation,
    )


def one_claim(sentence: str, voice: str, speaker: str | None, matches: list[KnownClaimMatch],
              related: list[KnownClaimMatch] | None = None, date: str | None = "2021-01-10") -> Article:
    return Article(
        text=sentence, id="a1", date=date,
        claims=[Claim(0, len(sentence), sentence, 0.9, speaker=speaker, verb="said" if speaker else None,
                      voice=voice, matches=matches, related=related or [])],  # type: ignore[arg-type]
        components=list(ALL_COMPONENTS), knowledge_base=SHIPPED_KB,
    )


def text_of(article: Article) -> str:
    return flat(render_text([Outcome("a.txt", article, None)], colour=False))


def test_a_reported_false_claim_reads_as_reported_not_as_spread() -> None:
    article = one_claim("Lavrov said the Bucha massacre was staged.", "reported", "Lavrov", [case("reports")])
    report = text_of(article)
    assert "EUvsDisinfo disinformation case, 2021-02-01 similarity 0.83" in report
    assert "The article attributes this claim to Lavrov: it reports the claim, it does not state it in its own voice." in report
    assert "The article makes this claim in its own voice." not in report and "rated" not in report
    page = render_html([Outcome("a.txt", article, None)])
    assert 'class="claim matched rel-reports"' in page and "rel-repeats" not in page.split("<style>")[0]


def test_own_voice_repeats_and_rebuttal_are_told_apart() -> None:
    repeats = text_of(one_claim("The Bucha massacre was staged.", "own", None, [case("repeats")]))
    assert "The article makes this claim in its own voice." in repeats
    rebuts = text_of(one_claim("The claim is false.", "own", None, [case("rebuts")]))
    assert "The article calls this claim false." in rebuts


def test_claimreview_verdict_is_the_fact_checkers_words_and_none_is_said() -> None:
    rated = text_of(one_claim("X.", "own", None, [case("repeats", verdict="Pants on Fire", source="PolitiFact")]))
    assert "PolitiFact rated it “Pants on Fire”" in rated
    unrated = text_of(one_claim("X.", "own", None, [case("repeats", verdict=None, source="Snopes")]))
    assert "Snopes (no verdict in the data)" in unrated


def test_related_claims_are_a_separate_neutral_list_without_verdict() -> None:
    related = dataclasses.replace(case(None), same_claim=False, claim="Ukraine shelled its own cities")
    article = one_claim("Kyiv shelled Donetsk.", "own", None, [], related=[related])
    report = text_of(article)
    assert "Related known claims (similar, not verified as the same claim; no verdict applies to this sentence):" in report
    assert "“Ukraine shelled its own cities” (EUvsDisinfo, 2021-02-01, similarity 0.83)" in report
    assert "EUvsDisinfo disinformation case" not in report and "Same claim" not in report
    page = render_html([Outcome("a.txt", article, None)])
    assert '<details class="related">' in page and "matched" not in page.split('<tbody>')[-1].split("</tr>")[0]


def test_every_report_names_the_kb_and_what_it_covers() -> None:
    article = one_claim("The Bucha massacre was staged.", "own", None, [case("repeats")])
    sentence = ("Known claims were looked up in the knowledge base shipped with propscope: 10,892 records, "
                "2015-01-06 to 2021-02-18 (EUvsDisinfo 10,892, 2015-01-06 to 2021-02-18).")
    assert sentence in text_of(article)
    assert sentence in flat(render_html([Outcome("a.txt", article, None)]))
    record = json.loads(render_json_lines([Outcome("a.txt", article, None)]))
    assert record["knowledge_base"]["last_date"] == "2021-02-18" and record["knowledge_base"]["kind"] == "shipped"
    assert record["claims"][0]["matches"][0]["verdict"] == "disinformation case"
    assert record["claims"][0]["matches"][0]["relation"] == "repeats"


def test_an_article_newer_than_the_kb_gets_the_warning_and_a_hedged_no_match() -> None:
    newer = one_claim("The Bucha massacre was staged.", "own", None, [], date="2022-04-04")
    report = text_of(newer)
    assert ("Note: the knowledge base ends 2021-02-18 and the article is dated 2022-04-04: claims newer than that "
            "cannot match.") in report
    assert "No known case matches; note: the knowledge base ends 2021-02-18." in report
    page = flat(render_html([Outcome("a.txt", newer, None)]))
    assert "No known case matches; note: the knowledge base ends 2021-02-18." in page and 'class="kb-note"' in page

    undated = text_of(one_claim("Something happened.", "own", None, [], date=None))
    assert "Note: the article has no date, and the knowledge base ends 2021-02-18" in undated
    assert "No known case matches; note: the knowledge base ends 2021-02-18." in undated

    older = text_of(one_claim("Something happened.", "own", None, [], date="2020-05-01"))
    assert "Note:" not in older and "No known fact-check or disinformation case matches." in older


def test_new_fields_survive_the_json_round_trip() -> None:
    related = dataclasses.replace(case(None), same_claim=False, rerank_score=0.12)
    article = one_claim("Lavrov said it was staged.", "reported", "Lavrov", [case("reports")], related=[related])
    again = article_from_dict(json.loads(json.dumps(article_to_dict(article))))
    assert again == article
    assert re.match(r"1\.\d+", article_to_dict(article)["schema_version"])
