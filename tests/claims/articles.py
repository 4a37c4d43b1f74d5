"""Short articles written for the tests, with their sentences set by hand (one per line)."""

from __future__ import annotations

from propscope.document import Article, Claim, Link, Segment


def article(lines: list[str], claims: list[int] | None = None, links: list[tuple[str, str]] | None = None,
            url: str | None = None) -> Article:
    """Sentences joined by spaces; ``claims``: the indexes of the sentences that are claims (default:
    all); ``links``: (anchor text, href) pairs, the anchor found in the text."""
    text = " ".join(lines)
    segments, start = [], 0
    for line in lines:
        segments.append(Segment(start, start + len(line)))
        start += len(line) + 1
    doc = Article(text=text, sentences=segments, url=url)
    chosen = range(len(lines)) if claims is None else claims
    doc.claims = [Claim(start=segments[i].start, end=segments[i].end, text=lines[i], score=0.9) for i in chosen]
    for anchor, href in links or []:
        position = text.index(anchor)
        doc.links.append(Link(position, position + len(anchor), href))
    return doc


KREMLIN = [
    "“The West is prolonging the war,” Foreign Minister Sergey Lavrov said on Tuesday.",
    "He added that NATO had sent 40 tanks to Poland in March.",
    "According to Reuters, the talks collapsed after two days.",
    "Russian President Vladimir Putin claimed that the massacre in Bucha was staged.",
    "Ukraine has lost 20,000 soldiers since May.",
    "Kyiv authorities denied the report.",
    "Lavrov said the talks had failed, but Kuleba insisted that Kyiv was ready to negotiate.",
    "The head of the Donetsk republic, Denis Pushilin, told TASS that 300 civilians had died.",
    "Maria Zakharova wrote on Telegram: “The so-called massacre is a provocation staged by Kyiv.",
    "Nobody in Europe believes these lies any more.”",
    "The economy grew by 3 percent last year, officials said.",
    "Zelensky visited Kharkiv on Friday.",
    "He said that the city would be rebuilt within five years.",
]
