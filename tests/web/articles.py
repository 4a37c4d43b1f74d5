"""Test articles written for these tests (no third-party text): loaded wording, named speakers,
cited outlets and a claim that resembles a debunked one, so every part of the page has something."""

from __future__ import annotations

PARAGRAPHS = [
    "The minister said on Tuesday that 40 percent of the budget was spent on defence. Critics called the plan "
    "a disaster for ordinary families, and opposition leader Maria Lopez said the government had lied to voters "
    "for years.",
    "According to Reuters, the vote is expected next week. RT claimed that the massacre in Bucha was staged by "
    "Ukrainian forces, a claim fact-checkers have rejected. The spokesman insisted that only traitors and "
    "cowards would oppose the bill.",
    "Every patriot knows the truth: the corrupt elites in the capital are destroying our country. Either we "
    "stand together now or we lose everything we have built. The unions warned that wages fell by 3 percent "
    "in the last quarter, the statistics office reported.",
    "Experts agree that the reform is the only way forward, the prime minister told reporters. The radical "
    "mob in the streets does not speak for the silent majority. Prices rose by 12 percent last year, the "
    "central bank said in its annual report.",
]


def article(words: int = 800) -> str:
    """About ``words`` words: the paragraphs over and over, blank lines between them."""
    out: list[str] = []
    count = 0
    i = 0
    while count < words:
        paragraph = PARAGRAPHS[i % len(PARAGRAPHS)]
        out.append(paragraph)
        count += len(paragraph.split())
        i += 1
    return "\n\n".join(out) + "\n"


HOSTILE = (
    "<script>window.__pwned = 'script';</script> The mayor said the bridge <img src=x onerror=\"window.__pwned='img'\"> "
    "would close. Read more at javascript:window.__pwned='link' or [here](javascript:alert(1)). "
    "Critics called it a disgraceful betrayal by corrupt traitors.\n"
)

HOSTILE_HTML = (
    "<html><head><title>Hostile <script>window.__pwned='title'</script></title></head><body><article>"
    "<h1>Bridge closes</h1><p>The mayor said the bridge would close <a href=\"javascript:window.__pwned='a'\">next week</a>."
    "</p><p onmouseover=\"window.__pwned='p'\">Critics called it a disgraceful betrayal by corrupt traitors, "
    "the newspaper reported.</p><img src=x onerror=\"window.__pwned='img'\"><script>window.__pwned='body'</script>"
    "</article></body></html>"
)
