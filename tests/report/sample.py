"""Hand-built articles for report tests: no models, no network, no shared data.

Also renders a sample report for a visual check: ``python -m tests.report.sample /tmp/report.html``.
"""

from __future__ import annotations


from propscope.document import (
    Article,
    Citation,
    Claim,
    ComponentRun,
    KBSourceInfo,
    KnowledgeBaseInfo,
    KnownClaimMatch,
    Segment,
    TechniqueSpan,
)

from propscope.runner import Outcome


ALL_COMPONENTS = [
    ComponentRun("segment", "1.0"),
    ComponentRun("techniques", "0.1.0"),
    ComponentRun("claims", "0.1.0"),
    ComponentRun("attribution", "0.1.0"),
    ComponentRun("citations", "0.1.0"),
    ComponentRun("matching", "0.1.0"),
]

# What the shipped KB covers (the figures of resources/kb/euvsdisinfo.kb.sqlite).
SHIPPED_KB = KnowledgeBaseInfo(
    kind="shipped",
    path="/site-packages/propscope/resources/kb/euvsdisinfo.kb.sqlite",
    records=10892,
    first_date="2015-01-06",
    last_date="2021-02-18",
    sources=[KBSourceInfo("EUvsDisinfo", 10892, "2015-01-06", "2021-02-18")],
)

TEXT = (
    "Moscow dismisses Bucha 'provocation'\n"
    "\n"
    "Foreign Minister Sergey Lavrov said on Monday that the so-called massacre in Bucha was staged "
    "by Kyiv authorities to sabotage peace talks. \"This is a monstrous forgery,\" he told reporters.\n"
    "\n"
    "What about Raqqa? Nobody in Washington asked questions when American bombs flattened that city. "
    "The neo-Nazi regime in Kyiv and its Western puppet masters will stop at nothing, "
    "according to Islam Times, which also cited Fars News.\n"
    "\n"
    "Analysts at Reuters noted that satellite images taken in March show bodies in the street. "
    "<script>alert(1)</script> Russia will never abandon its people."
)


def span(article_text: str, words: str, technique: str, score: float, occurrence: int = 0) -> TechniqueSpan:
    start = -1
    for _ in range(occurrence + 1):
        start = article_text.index(words, start + 1)
    return TechniqueSpan(technique, start, start + len(words), score)


def claim_for(article_text: str, sentence: str, **fields: object) -> Claim:
    start = article_text.index(sentence)
    return Claim(start=start, end=start + len(sentence), text=sentence, **fields)  # type: ignore[arg-type]


def citation_for(article_text: str, name: str, domain: str | None, reliability: float | None, kind: str = "named") -> Citation:
    start = article_text.index(name)
    return Citation(name, domain, reliability, start, start + len(name), kind)  # type: ignore[arg-type]


def build_article() -> Article:
    text = TEXT
    sentences = []
    offset = 0
    for part in text.replace("\n", " ").split(". "):
        sentences.append(Segment(offset, offset + len(part)))
        offset += len(part) + 2
    lavrov = (
        "Foreign Minister Sergey Lavrov said on Monday that the so-called massacre in Bucha was staged "
        "by Kyiv authorities to sabotage peace talks."
    )
    raqqa = "Nobody in Washington asked questions when American bombs flattened that city."
    return Article(
        text=text,
        id="bucha-demo",
        title="Moscow dismisses Bucha 'provocation' <script>alert('title')</script>",
        url="https://example.org/news/bucha?id=1&lang=en",
        outlet="Example Daily",
        date="2022-04-04",
        language="en",
        sentences=sentences,
        techniques=[
            span(text, "'provocation'", "Loaded_Language", 0.71),
            span(text, "so-called massacre", "Doubt", 0.88),
            # Nested inside the Doubt span: both must show.
            span(text, "massacre", "Loaded_Language", 0.64, occurrence=0),
            span(text, "was staged by Kyiv authorities to sabotage peace talks", "Causal_Oversimplification", 0.52),
            span(text, "monstrous forgery", "Loaded_Language", 0.93),
            span(text, "What about Raqqa? Nobody in Washington asked questions", "Whataboutism,Straw_Men,Red_Herring", 0.81),
            span(text, "neo-Nazi regime", "Name_Calling,Labeling", 0.95),
            # Partially overlapping the name-calling span.
            span(text, "regime in Kyiv and its Western puppet masters", "Name_Calling,Labeling", 0.58),
            span(text, "will stop at nothing", "Appeal_to_fear-prejudice", 0.66),
            span(text, "Russia will never abandon its people", "Flag-Waving", 0.77),
            span(text, "Russia will never abandon its people", "Slogans", 0.41),
        ],
        claims=[
            claim_for(
                text,
                lavrov,
                score=0.94,
                speaker="Foreign Minister Sergey Lavrov",
                verb="said",
                voice="reported",
                matches=[
                    KnownClaimMatch(
                        "euvsdisinfo-12345",
                        "The massacre in Bucha was staged by Ukraine.",
                        "EUvsDisinfo",
                        "https://euvsdisinfo.eu/report/bucha-staged/",
                        "2022-04-05",
                        0.87,
                        "disinformation",
                        verdict="disinformation case",
                        relation="reports",
                    ),
                    KnownClaimMatch(
                        "snopes-42",
                        "The chemical attack in Syria was staged.",
                        "Snopes",
                        "javascript:alert('match')",
                        None,
                        0.61,
                        relation="reports",
                    ),
                ],
            ),
            claim_for(text, raqqa, score=0.63, speaker=None, verb=None, voice="own"),
            claim_for(
                text,
                "Analysts at Reuters noted that satellite images taken in March show bodies in the street.",
                score=0.82,
                speaker="Analysts at Reuters",
                verb="noted",
                voice="reported",
            ),
        ],
        citations=[
            citation_for(text, "Islam Times", "islamtimes.org", 0.18),
            citation_for(text, "Fars News", "farsnews.ir", 0.57),
            citation_for(text, "Reuters", "reuters.com", 1.0),
            Citation("Example Blog", None, None, 0, 6, "link"),
        ],
        components=list(ALL_COMPONENTS),
        knowledge_base=SHIPPED_KB,
    )


if __name__ == "__main__":
    import sys
    from pathlib import Path

    from propscope.errors import InputNotFound
    from propscope.report import render_html

    outcomes = [
        Outcome("bucha.txt", build_article(), None),
        Outcome("missing.txt", None, InputNotFound("no such file: missing.txt")),
    ]
    Path(sys.argv[1]).write_text(render_html(outcomes), encoding="utf-8")
