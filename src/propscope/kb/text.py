"""Text preparation for retrieval: strip what every social-media post carries and no claim does."""

from __future__ import annotations

import re

_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S+", re.IGNORECASE)
# "— Name (@handle) January 14, 2020" closing an embedded tweet.
_SIGNATURE = re.compile(r"\s*[—–-]\s*[^—–]{0,80}\(@\w+\)\s*\w+ \d{1,2}, \d{4}\s*$")
_HANDLE = re.compile(r"@(\w+)")
_HASHTAG = re.compile(r"#(\w+)")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.UNICODE)

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can did do does doing down during each few for from further had has have having he her
    here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with you your yours yourself yourselves s t don rt amp
    via""".split()
)


def clean_query(text: str, keep_signature: bool = True) -> str:
    """Drop links and the embedded-tweet date line; keep the author's name, it often names the claimant."""
    text = _URL.sub(" ", text)
    match = _SIGNATURE.search(text)
    if match:
        tail = match.group(0)
        if keep_signature:
            # Keep "Name" (often the claimant), drop the handle markup and the date.
            name = re.sub(r"\(@\w+\).*$", "", tail).strip(" —–-")
            text = text[: match.start()] + " — " + name
        else:
            text = text[: match.start()]
    text = _HANDLE.sub(r"\1", text)
    text = _HASHTAG.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


def query_terms(text: str, limit: int = 64) -> list[str]:
    """Lower-cased content words, in order, without repeats: the terms of the BM25 query."""
    seen: set[str] = set()
    terms: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word in STOPWORDS or word in seen or len(word) < 2 and not word.isdigit():
            continue
        seen.add(word)
        terms.append(word)
        if len(terms) >= limit:
            break
    return terms
