"""The sources an article leans on: outlets named in the text and linked domains, with their ratings.

Named outlets are found three ways, each giving a character span of the article text:
- a known outlet name anywhere in the text ("Reuters", "the Daily Telegraph", "Islam Times");
- a capitalised name next to a citing cue ("according to X", "reported X", "X reported", "cited X",
  "told X", "noted X"): names that are also ordinary words ("The Sun", "Metro") count only there, and
  an unknown name counts there when it looks like an outlet ("... News", "... Times", "... Agency");
  a near miss of a known name is resolved when it is unambiguous ("Far News" -> Fars News);
- officials' channels ("on his Telegram channel", "the Kremlin website") and bare domains ("rt.com").
Every HTML link (``Article.links``) to another site becomes a ``link`` citation.

The article's own outlet (``Article.publisher``) is rated the same way, from its URL, else from the
outlet or site name given with it: a fact-checker weighs the publisher before any source it cites.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from propscope.document import Article, Citation, Publisher
from propscope.models.cache import combine, dir_fingerprint
from propscope.options import AnalyzeOptions, EngineConfig, RunSettings
from propscope.pipeline import Component
from propscope.sources import Resolution, SourceTable, registrable_host
from propscope.sources.table import name_key

_CAP = r"[A-Z](?:[\w&'’-]|\.(?=\w))*"  # a dot only inside a name ("Lenta.ru"), never a full stop
_CONNECT = r"(?:of|de|del|della|and|&|for|al|el|on)"
NAME = rf"{_CAP}(?:[ \t]+(?:{_CONNECT}[ \t]+)?{_CAP}){{0,5}}"
_ARTICLE = r"(?:[Tt]he[ \t]+)?"
_VERBS_AFTER = r"reported|reports|cited|cites|quoted|quotes|noted|notes|wrote|writes|published|publishes|revealed|reveals|claimed|claims|said|says|broadcast|aired|learned|learnt|has learned|has reported|has learnt"
_VERBS_BEFORE = r"repeated by|carried by|reposted by|amplified by|reported|reports|cited|cites|noted|notes|wrote|writes|told|tells|said|says|claimed|claims|added|adds|revealed|reveals|quoted|quotes|published|writing in|speaking to|in an interview with|in an interview to|interview with|quoted by|cited by|reported by|published by|broadcast by|aired on|according to|told the|in a report by|in a statement to"

CUE_PATTERNS = (
    re.compile(rf"\b(?i:according to|citing|quoting)[ \t]+(?P<name>{_ARTICLE}{NAME})"),
    re.compile(rf"\b(?i:{_VERBS_BEFORE})[ \t]+(?:by[ \t]+)?(?P<name>{_ARTICLE}{NAME})"),
    # "Tagesspiegel cautiously publishes": one adverb may stand between the outlet and its verb
    re.compile(rf"(?P<name>{_ARTICLE}{NAME})[ \t]+(?:[a-z]+ly[ \t]+)?(?:{_VERBS_AFTER})\b"),
    re.compile(rf"(?P<name>{_ARTICLE}{NAME})(?:’s|'s)?[ \t]+(?:report|reporter|correspondent|journalist|website|editor|newspaper|channel|broadcaster|agency)\b"),
)
_PLATFORM = {
    "telegram": "t.me", "twitter": "twitter.com", "x": "x.com", "facebook": "facebook.com", "vkontakte": "vk.com",
    "vk": "vk.com", "youtube": "youtube.com", "instagram": "instagram.com", "tiktok": "tiktok.com",
}
PLATFORM_CHANNEL = re.compile(
    r"\b(?i:on)[ \t]+(?:(?i:his|her|its|their|the|a)[ \t]+)?(?:(?P<owner>[A-Z][\w’'-]*(?:[ \t]+[A-Z][\w’'-]*){0,4})(?:’s|'s)?[ \t]+)?"
    r"(?:official[ \t]+)?(?P<platform>Telegram|Twitter|X|Facebook|VKontakte|VK|YouTube|Instagram|TikTok)"
    r"(?:[ \t]+(?:channel|account|page|feed))?\b"
)
CHANNEL = re.compile(
    rf"(?P<name>{_ARTICLE}{NAME})(?:’s|'s)?[ \t]+(?:official[ \t]+)?(?:website|web[ \t]+site|press[ \t]+service|Telegram[ \t]+channel|Twitter[ \t]+account)\b"
)
DOMAIN = re.compile(
    r"(?<![@\w.-])(?:www\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\."
    r"(?:com|org|net|info|ru|ir|ua|uk|de|fr|cn|io|news|tv|me|co|us|ca|au|in|il|tr|sy|by|kp|eu|it|es|ch|pl|press|su|media|world|online|live|today|site)\b"
)
_BARE_DOMAIN = re.compile(r"(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}")
OUTLET_WORDS = re.compile(
    r"\b(?:News|Times|Post|Agency|TV|Television|Radio|Daily|Telegraph|Gazette|Journal|Herald|Tribune|Press|Media|"
    r"Channel|Network|Broadcasting|Magazine|Review|Observer|Chronicle|Courier|Monitor|Today|Insider|Wire|Report|"
    r"Pravda|Novosti|Express|Mail|Star|Sun|Standard|Independent|Reporter|Online|Info|Zeitung)\b"
)
_LEADING_THE = re.compile(r"^[Tt]he[ \t]+")
_TRAILING = re.compile(r"[.’']+$")


class CitationFinder(Component):
    name = "citations"
    warm_cost = 0.02  # s of CPU, python bench/warm.py (2 cores, 2 December 2026)
    version = "2"
    requires: tuple[str, ...] = ()
    assigns = ("citations", "publisher")

    def __init__(self, config: EngineConfig | AnalyzeOptions | None = None, table: SourceTable | None = None) -> None:
        super().__init__(config)
        self._table = table
        self._given = table is not None  # not "loaded": the fingerprint must not change on first use
        self._alias_regex: re.Pattern[str] | None = None

    def warm(self) -> None:
        self.alias_regex  # noqa: B018  (loads the table too)

    @property
    def table(self) -> SourceTable:
        if self._table is None:
            self._table = SourceTable.load()
        return self._table

    @property
    def alias_regex(self) -> re.Pattern[str]:
        """Outlet names that are unambiguous by themselves, longest first, case as written."""
        if self._alias_regex is None:
            names = sorted({o.name for o in self.table.outlets if not o.cue_only and not o.channel_only}, key=len, reverse=True)
            body = "|".join(re.escape(n) for n in names)
            self._alias_regex = re.compile(rf"(?<![\w.-])(?:{body})(?![\w-]|\.\w)")
        return self._alias_regex

    def fingerprint(self, settings: RunSettings | None = None) -> str:
        from propscope.sources.table import shipped_folder

        # A table given by the caller has no files to hash: its outlets are the provenance.
        table = combine(len(self.table.outlets)) if self._given else dir_fingerprint(shipped_folder())
        return combine(self.name, self.version, table)

    def __call__(self, article: Article, settings: RunSettings | None = None) -> Article:
        article.citations = self.find(article)
        article.publisher = self.publisher(article)
        return article

    def publisher(self, article: Article) -> Publisher | None:
        """The outlet that published the article: from its URL, else its outlet/site name; rated
        where the ratings have it (``reliability`` None: unrated)."""
        if article.url and registrable_host(article.url):
            rated = self.table.rate_url(article.url)
            known = self.table.outlet_for_domain(rated.domain or "")
            name = known.name if known else (article.outlet or rated.domain)
            return Publisher(name, rated.domain, rated.reliability, "url")
        outlet = (article.outlet or "").strip()
        if not outlet:
            return None
        if _BARE_DOMAIN.fullmatch(outlet.lower()):  # an outlet given as its domain ("rrn.media")
            rated = self.table.rate_url(outlet)
            known = self.table.outlet_for_domain(rated.domain or "")
            return Publisher(known.name if known else outlet, rated.domain, rated.reliability, "outlet")
        resolved = self.table.resolve_name(outlet, fuzzy=False)
        return Publisher(resolved.outlet or outlet, resolved.domain, resolved.reliability, "outlet")

    def pipe(self, articles: Sequence[Article], settings: RunSettings | None = None) -> list[Article]:
        return [self(article, settings) for article in articles]

    def find(self, article: Article) -> list[Citation]:
        text = article.text
        found: dict[tuple[int, int], Citation] = {}

        def add(start: int, end: int, resolution: Resolution, kind: str = "named", name: str | None = None) -> None:
            name = name if name is not None else text[start:end]
            citation = Citation(name=name, domain=resolution.domain, reliability=resolution.reliability,
                                start=start, end=end, kind=kind)  # type: ignore[arg-type]
            # one citation per place in the text: a longer span wins over one it contains
            for (s, e) in list(found):
                if s <= start and end <= e:
                    return
                if start <= s and e <= end:
                    del found[(s, e)]
            found[(start, end)] = citation

        for match in self.alias_regex.finditer(text):
            add(match.start(), match.end(), self.table.resolve_name(match.group(0), fuzzy=False), name=match.group(0))
        for pattern in CUE_PATTERNS:
            for match in pattern.finditer(text):
                self._cued_name(text, match.start("name"), match.end("name"), add)
        for match in PLATFORM_CHANNEL.finditer(text):
            platform = match.group("platform")
            if platform == "X" and not re.search(r"(?:channel|account|page|feed)$", match.group(0)):
                continue
            resolution = Resolution(_PLATFORM[platform.lower()], None, "platform")
            owner = match.group("owner")
            if owner:
                owned = self.table.resolve_name(owner, fuzzy=False, channels=True)
                if owned.domain:
                    resolution = owned
            start = match.start("owner") if owner else match.start("platform")
            add(start, match.end(), resolution)
        for match in CHANNEL.finditer(text):
            start, end = _trim(text, match.start("name"), match.end("name"))
            resolution = self.table.resolve_name(text[start:end], fuzzy=False, channels=True)
            if resolution.domain:
                add(start, match.end(), resolution)
        for match in DOMAIN.finditer(text):
            resolution = self.table.rate_url(match.group(0))
            if resolution.reliability is not None or self.table.outlet_for_domain(resolution.domain or "") is not None:
                add(match.start(), match.end(), resolution)
        citations = sorted(found.values(), key=lambda c: (c.start, c.end))
        citations += self._links(article)
        return citations

    def _cued_name(self, text: str, start: int, end: int, add: object) -> None:
        """A capitalised name next to a citing cue: the longest prefix that resolves, else an outlet-like
        unknown name, else nothing (it is probably a person: attribution handles speakers)."""
        start, end = _trim(text, start, end)
        resolution = self.table.resolve_name(text[start:end], fuzzy=True)
        if resolution.domain:
            add(start, end, resolution)  # type: ignore[operator]
            return
        # "Tasnim and Far News reported": each name of the list on its own
        joined = list(re.finditer(r"[ \t]+(?:and|&)[ \t]+", text[start:end]))
        if joined:
            cuts = [start, *(start + m.start() for m in joined), end]
            begins = [start, *(start + m.end() for m in joined)]
            for s, e in zip(begins, cuts[1:], strict=True):
                self._cued_name(text, s, e, add)
            return
        # "Reuters correspondent Ann Lee": a leading outlet name, but only one that is a name by itself
        # ("Atlantic" in "the Atlantic Council" is not The Atlantic)
        words = list(re.finditer(r"\S+", text[start:end]))
        for n in range(len(words) - 1, 0, -1):
            s, e = _trim(text, start, start + words[n - 1].end())
            outlets = self.table.by_key.get(name_key(text[s:e]), [])
            if any(not o.cue_only and not o.channel_only for o in outlets):
                add(s, e, self.table.resolve_name(text[s:e], fuzzy=False))  # type: ignore[operator]
                return
        # "Iran's Far News", "the Iranian Far News", "A Far News": a qualifier before the outlet's name;
        # the rest must be two words or more for a near miss (one word is too easily a person's name)
        for word in words[1:]:
            s, e = _trim(text, start + word.start(), end)
            rest = text[s:e]
            exact = [o for o in self.table.by_key.get(name_key(rest), []) if not o.cue_only and not o.channel_only]
            if exact or len(rest.split()) >= 2:
                resolution = self.table.resolve_name(rest, fuzzy=True)
                if resolution.domain:
                    add(s, e, resolution)  # type: ignore[operator]
                    return
        candidate = text[start:end]
        if OUTLET_WORDS.search(candidate) and len(candidate) > 3:
            add(start, end, Resolution(None, None, "unknown"))  # type: ignore[operator]

    def _links(self, article: Article) -> list[Citation]:
        own = registrable_host(article.url) if article.url else None
        out = []
        for link in article.links:
            if not re.match(r"(?i)^(?:https?:)?//", link.href):
                continue
            host = registrable_host(link.href)
            if not host or host == own:
                continue
            resolution = self.table.rate_url(link.href)
            outlet = self.table.outlet_for_domain(resolution.domain or "")
            out.append(Citation(name=outlet.name if outlet else host, domain=resolution.domain,
                                reliability=resolution.reliability, start=link.start, end=link.end, kind="link"))
        return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Without a leading 'the' and trailing dots/apostrophes."""
    piece = text[start:end]
    lead = _LEADING_THE.match(piece)
    if lead:
        start += lead.end()
    piece = text[start:end]
    trail = _TRAILING.search(piece)
    if trail:
        end -= len(trail.group(0))
    return start, end
