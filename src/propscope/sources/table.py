"""The outlet-name alias table and the domain ratings, loaded once per process.

Ratings: ``resources/sources/domain_ratings.csv`` (Lin et al., PNAS Nexus 2023: first principal
component of several expert rating sets, 0 = lowest quality, 1 = highest). Aliases:
``resources/sources/outlets.tsv``, written by hand: ``name<TAB>domain<TAB>flags``; the flag ``cue``
marks names that are also ordinary words ("Time", "The Sun"), which count only next to a citing cue;
``channel`` marks official bodies ("Kremlin"), which count only with "website", "Telegram channel" and
the like (otherwise they are speakers, not sources).

A name resolves by exact alias, then by an unambiguous near miss (rapidfuzz; "Far News" ->
Fars News), else stays unknown. A domain resolves to the most specific rated entry: an account path
on a platform (``twitter.com/name``), the host, then its parent domains. A social platform itself is
not a news source: it gets no rating of its own.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

How = Literal["alias", "fuzzy", "domain", "platform", "unknown"]

PLATFORMS = frozenset(
    {
        "t.me", "telegram.me", "telegram.org", "telegra.ph", "twitter.com", "x.com", "facebook.com", "fb.com",
        "youtube.com", "youtu.be", "vk.com", "ok.ru", "instagram.com", "tiktok.com", "medium.com", "substack.com",
        "wikipedia.org", "google.com", "reddit.com", "linkedin.com",
    }
)
FUZZY_MIN_SCORE = 88.0
FUZZY_MARGIN = 4.0
FUZZY_MIN_LENGTH = 5

_ARTICLE = re.compile(r"^(the)\s+", re.IGNORECASE)
_PUNCT = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")


def name_key(name: str) -> str:
    """Case-, punctuation- and leading-'the'-insensitive key of an outlet name."""
    key = _ARTICLE.sub("", name.strip())
    key = _PUNCT.sub(" ", key.replace("’s", "").replace("'s", ""))
    return _SPACE.sub(" ", key).strip().lower()


def registrable_host(url_or_domain: str) -> str:
    """Lower-case host of a URL or bare domain, without ``www.``/``m.`` and port."""
    text = url_or_domain.strip()
    if "//" not in text:
        text = "//" + text
    host = (urlsplit(text).hostname or "").lower().rstrip(".")
    for prefix in ("www.", "m.", "mobile.", "amp."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
    return host


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    domain: str
    cue_only: bool = False
    channel_only: bool = False


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a name or a link resolved to; ``reliability`` is None where the domain is not rated."""

    domain: str | None
    reliability: float | None
    how: How
    outlet: str | None = None


class SourceTable:
    """Aliases and ratings; ``SourceTable.load()`` reads the shipped files once per process."""

    def __init__(self, ratings: dict[str, float], outlets: list[Outlet]) -> None:
        self.ratings = ratings
        self.outlets = outlets
        self.by_key: dict[str, list[Outlet]] = {}
        for outlet in outlets:
            self.by_key.setdefault(name_key(outlet.name), []).append(outlet)
        self._keys = [key for key, group in self.by_key.items() if not all(o.channel_only for o in group)]
        self._by_domain: dict[str, Outlet] = {}
        for outlet in outlets:
            self._by_domain.setdefault(outlet.domain, outlet)

    @classmethod
    def load(cls) -> SourceTable:
        return _shipped_table()

    @classmethod
    def from_files(cls, ratings_csv: Path, outlets_tsv: Path) -> SourceTable:
        with ratings_csv.open(encoding="utf-8", newline="") as handle:
            ratings = {row["domain"]: float(row["pc1"]) for row in csv.DictReader(handle)}
        outlets = []
        for line in outlets_tsv.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            flags = fields[2] if len(fields) > 2 else ""
            outlets.append(Outlet(fields[0].strip(), fields[1].strip().lower(), "cue" in flags, "channel" in flags))
        return cls(ratings, outlets)

    # --- domains ----------------------------------------------------------------------------------

    def rate_url(self, url: str) -> Resolution:
        """Rating of a link or bare domain: account path on a platform, host, then parent domains."""
        host = registrable_host(url)
        if not host:
            return Resolution(None, None, "unknown")
        path = urlsplit(url if "//" in url else "//" + url).path.strip("/").split("/")[0].lower()
        if path and f"{host}/{path}" in self.ratings:
            return Resolution(f"{host}/{path}", self.ratings[f"{host}/{path}"], "domain")
        labels = host.split(".")
        for i in range(len(labels) - 1):
            candidate = ".".join(labels[i:])
            if candidate in PLATFORMS:
                return Resolution(candidate, None, "platform")
            if candidate in self.ratings:
                return Resolution(candidate, self.ratings[candidate], "domain")
        return Resolution(host, None, "domain")

    def rating(self, domain: str) -> float | None:
        return self.rate_url(domain).reliability

    # --- names ------------------------------------------------------------------------------------

    def outlet_for_domain(self, domain: str) -> Outlet | None:
        return self._by_domain.get(domain)

    def resolve_name(self, name: str, fuzzy: bool = True, channels: bool = False) -> Resolution:
        """Exact alias, else an unambiguous near miss, else unknown; official bodies only if ``channels``."""
        key = name_key(name)
        outlets = [o for o in self.by_key.get(key, []) if channels or not o.channel_only]
        if outlets:
            return self._resolution(outlets[0], "alias")
        if fuzzy:
            outlet = self.near_miss(key)
            if outlet is not None:
                return self._resolution(outlet, "fuzzy")
        return Resolution(None, None, "unknown")

    def near_miss(self, key: str) -> Outlet | None:
        """The one outlet a misspelt name can mean, or None when no alias is close or several are."""
        if len(key) < FUZZY_MIN_LENGTH:
            return None
        from rapidfuzz import fuzz, process

        found = process.extract(key, self._keys, scorer=fuzz.ratio, limit=8, score_cutoff=FUZZY_MIN_SCORE - FUZZY_MARGIN)
        if not found or found[0][1] < FUZZY_MIN_SCORE:
            return None
        best = found[0][1]
        close = {o.domain for alias, score, _ in found if score >= best - FUZZY_MARGIN for o in self.by_key[alias]}
        if len(close) != 1:
            return None
        return self.by_key[found[0][0]][0]

    def _resolution(self, outlet: Outlet, how: How) -> Resolution:
        rated = self.rate_url(outlet.domain)
        return Resolution(outlet.domain, rated.reliability, how, outlet.name)


def shipped_folder() -> Path:
    return Path(str(resources.files("propscope") / "resources" / "sources"))


def _shipped_table() -> SourceTable:
    from propscope.models.cache import load_once

    folder = shipped_folder()
    return load_once("sources", folder, lambda: SourceTable.from_files(folder / "domain_ratings.csv", folder / "outlets.tsv"))
