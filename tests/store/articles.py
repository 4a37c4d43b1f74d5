"""Small analysed articles built by hand (no model runs), for store and API tests."""

from __future__ import annotations

from propscope.document import Article, Citation, Claim, ComponentRun, KnownClaimMatch, Segment, TechniqueSpan


def analysed(text: str, outlet: str | None = "Daily Example", date: str | None = "2024-03-05",
             techniques: tuple[str, ...] = ("Loaded_Language",), matched: bool = False, language: str = "en") -> Article:
    """An article whose first word is a span of each technique, whose first sentence is a claim
    (matched to one known claim if ``matched``), citing one outlet."""
    first = text.split(".")[0]
    word = text.split()[0]
    claim = Claim(start=0, end=len(first), text=first, score=0.9, speaker="officials", voice="reported",
                  matches=[KnownClaimMatch("kb:1", "A known false claim", "EUvsDisinfo", "https://example.org/1",
                                           "2020-01-01", 0.88, "disinformation")] if matched else [])
    return Article(
        text=text, title=first[:40], outlet=outlet, date=date, language=language,
        sentences=[Segment(0, len(first))],
        techniques=[TechniqueSpan(t, 0, len(word), 0.7) for t in techniques],
        claims=[claim],
        citations=[Citation(name="Reuters", domain="reuters.com", reliability=0.9, start=0, end=1, kind="named")],
        components=[ComponentRun("segment", "1", "abcd"), ComponentRun("techniques", "1", "ef01")],
    )
