"""One known claim of the knowledge base, as importers produce it and the store keeps it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field


@dataclass(slots=True)
class KBRecord:
    """A fact-checked claim or documented disinformation case.

    ``id`` is given by the importer (the data set's own id where it has one) and is what benchmark run
    files print; ``importer`` names the importer that brought the record in.
    """

    id: str
    claim: str
    source: str
    importer: str
    title: str | None = None
    summary: str | None = None
    rating: str | None = None
    url: str | None = None
    date: str | None = None
    language: str | None = None
    keywords: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)

    def content_hash(self) -> str:
        """Hash of everything but the importer, so that re-importing the same data changes nothing."""
        payload = [
            self.id,
            self.claim,
            self.source,
            self.title,
            self.summary,
            self.rating,
            self.url,
            self.date,
            self.language,
            self.keywords,
            self.outlets,
        ]
        return hashlib.sha1(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()[:20]

    def dense_text(self) -> str:
        """What the dense index embeds: the claim, led by the title where it adds words."""
        if self.title and self.title.strip().lower() not in self.claim.lower():
            return f"{self.title.strip()}. {self.claim.strip()}"
        return self.claim.strip()


@dataclass(slots=True)
class BadRow:
    """A row an importer could not read: where it is (``line`` or item number) and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"
