"""What a domain-quality rating means, in words a reader can act on.

The scores are the first principal component (``pc1``, 0 = lowest quality, 1 = highest) of the
aggregated news-domain quality ratings of Lin et al. (2023), "High level of correspondence across
different news domain quality rating sets", PNAS Nexus 2(9), pgad286: several expert rating sets
(NewsGuard, Media Bias/Fact Check, Lewandowsky et al., fact-checkers' lists, ...) imputed and combined.
"""

from __future__ import annotations

from propscope.document import Article

# Our bands, not the authors': Lin et al. publish a continuous score and no cut-offs. The edges are
# round numbers that fall where the expert sets largely agree: well-known unreliable and state-media
# sites sit below 0.4 (rt.com 0.29, breitbart.com 0.30, tass.com 0.34), outlets with a mixed record
# between 0.4 and 0.6 (foxnews.com 0.53), mainstream outlets between 0.6 and 0.8 (cnn.com 0.66,
# theguardian.com 0.75), and wire services and papers of record above 0.8 (reuters.com 1.0,
# apnews.com 1.0, nytimes.com 0.86). The scale is relative: about a quarter of the 11,520 rated domains
# fall below 0.4 and about one in ten above 0.8.
BANDS: tuple[tuple[float, str, str], ...] = (
    (
        0.2,
        "very low",
        "among the least reliable news domains; raters agree it often publishes false or misleading "
        "content, so do not rely on it without independent confirmation",
    ),
    (
        0.4,
        "low",
        "rated below most news domains; raters found repeated failures of accuracy or transparency, "
        "so confirm its claims elsewhere",
    ),
    (
        0.6,
        "mixed",
        "a mixed record; some raters found problems with accuracy, sourcing or the separation of news "
        "and opinion, so check important claims",
    ),
    (
        0.8,
        "generally reliable",
        "raters found it generally accurate and transparent, with occasional problems",
    ),
    (
        float("inf"),
        "high",
        "rated among the most reliable news domains by all rating sets",
    ),
)

UNRATED = (
    "unrated",
    "not in the ratings; this says nothing either way (small, new and non-English outlets are often missing)",
)


def reliability_band(score: float | None) -> tuple[str, str]:
    """A label and a plain-language meaning for a domain-quality score from 0 to 1 (None: unrated).

    The bands are propscope's reading of the Lin et al. (2023) scores, not bands the authors defined;
    the score ranks a domain against the others rated and says nothing about a single article.
    """
    if score is None:
        return UNRATED
    for upper, label, meaning in BANDS:
        if score < upper:
            return label, meaning
    return BANDS[-1][1], BANDS[-1][2]


RATINGS_CITATION = (
    "Domain ratings: Lin, Lasser, Lewandowsky, Cole, Gully, Rand & Pennycook (2023), High level of "
    "correspondence across different news domain quality rating sets, PNAS Nexus 2(9), pgad286 "
    "(https://doi.org/10.1093/pnasnexus/pgad286). Bands are propscope's, not the authors'."
)


def publisher_summary(name: str | None, domain: str | None, score: float | None) -> str:
    """One line on the outlet that published the article: "Reliable Recent News (rrn.media): unrated
    (not in the ratings ...)" or "RT (rt.com): reliability low (0.29)"."""
    who = name or domain or "unknown outlet"
    if domain and domain != who:
        who = f"{who} ({domain})"
    if score is None:
        return f"{who}: unrated (not in the ratings table)" if domain else f"{who}: unrated (no domain known for it)"
    label, _ = reliability_band(score)
    return f"{who}: reliability {label} ({score:.2f})"


def publisher_line(article: Article) -> str | None:
    """The header line on the article's own outlet, for both reports; None when there is nothing to say."""
    outlet = article.publisher
    if outlet is not None:
        return publisher_summary(outlet.name, outlet.domain, outlet.reliability)
    if article.outlet:
        return article.outlet
    if article.has_run("citations"):
        return "not known (no URL or site name came with the article)"
    return None
