"""Versioned JSON for articles: the public interface of the CLI, the API and batch output.

Field names are stable within a major ``schema_version``; new optional fields bump the minor part.
``article_from_dict(article_to_dict(a)) == a`` for every article.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from propscope.document import (
    Article,
    Citation,
    Claim,
    ComponentRun,
    KBSourceInfo,
    KnowledgeBaseInfo,
    KnownClaimMatch,
    Link,
    HiddenTechnique,
    Publisher,
    Segment,
    TechniqueReport,
    TechniqueSpan,
)
from propscope.errors import BadRecord

# 1.1: components[].fingerprint; 1.2: publisher; 1.3: claims[].related, verdict/relation/same_claim in
# matches, knowledge_base; 1.4: technique spans carry ``triggers``, and ``technique_report`` says which
# operating point the spans come from and which techniques were hidden.
SCHEMA_VERSION = "1.4"


def article_to_dict(article: Article) -> dict[str, Any]:
    data = asdict(article)
    return {"schema_version": SCHEMA_VERSION, **data}


def article_from_dict(data: dict[str, Any]) -> Article:
    version = str(data.get("schema_version", SCHEMA_VERSION))
    if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise BadRecord(f"schema_version {version} is not readable by this version (reads {SCHEMA_VERSION})")
    if "text" not in data:
        raise BadRecord("an article record needs a 'text' field")
    return Article(
        text=data["text"],
        id=data.get("id", ""),
        title=data.get("title"),
        url=data.get("url"),
        outlet=data.get("outlet"),
        date=data.get("date"),
        language=data.get("language"),
        metadata=dict(data.get("metadata") or {}),
        links=[Link(**link) for link in data.get("links", [])],
        sentences=[Segment(**s) for s in data.get("sentences", [])],
        paragraphs=[Segment(**p) for p in data.get("paragraphs", [])],
        techniques=[TechniqueSpan(**t) for t in data.get("techniques", [])],
        technique_report=_technique_report_from_dict(data.get("technique_report")),
        claims=[_claim_from_dict(c) for c in data.get("claims", [])],
        citations=[Citation(**c) for c in data.get("citations", [])],
        publisher=Publisher(**data["publisher"]) if data.get("publisher") else None,
        components=[ComponentRun(**c) for c in data.get("components", [])],
        knowledge_base=_kb_from_dict(data.get("knowledge_base")),
    )


def _kb_from_dict(data: dict[str, Any] | None) -> KnowledgeBaseInfo | None:
    if not data:
        return None
    fields = dict(data)
    sources = [KBSourceInfo(**s) for s in fields.pop("sources", [])]
    return KnowledgeBaseInfo(**fields, sources=sources)


def _technique_report_from_dict(data: dict[str, Any] | None) -> TechniqueReport | None:
    if data is None:
        return None
    fields = dict(data)
    hidden = [HiddenTechnique(**h) for h in fields.pop("hidden", [])]
    return TechniqueReport(**fields, hidden=hidden)


def _claim_from_dict(data: dict[str, Any]) -> Claim:
    fields = dict(data)
    matches = [KnownClaimMatch(**m) for m in fields.pop("matches", [])]
    related = [KnownClaimMatch(**m) for m in fields.pop("related", [])]
    return Claim(**fields, matches=matches, related=related)


def dumps(article: Article, indent: int | None = 2) -> str:
    return json.dumps(article_to_dict(article), ensure_ascii=False, indent=indent)


def loads(text: str) -> Article:
    return article_from_dict(json.loads(text))
