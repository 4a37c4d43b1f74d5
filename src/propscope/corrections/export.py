"""Write the store's corrections as training data, one folder layout per kind, mergeable.

Every kind writes one JSONL of records with ``input_hash`` and ``task_hash`` (the decisions); the
other files are derived from it, so merging reads the JSONL back, keeps the newest record per task
hash and writes every file again. Files are sorted and written byte for byte the same for the same
decisions: exporting twice, or merging an export into itself, changes nothing.

- ``techniques``: ``articles/article{ID}.txt`` (the analysed text, so offsets hold),
  ``labels.tsv`` (PTC TC lines ``ID<TAB>TECHNIQUE<TAB>START<TAB>END``: accepted and added spans,
  and with ``include_unreviewed`` the model spans of the reviewed analyses nobody decided on),
  ``decisions.jsonl`` (accept / reject / add; rejected spans are the explicit negatives);
- ``claims``: ``claims.jsonl`` and ``checkworthy.tsv`` (``text<TAB>label`` with a header, the
  CLEF 2020 Task 5 layout that :func:`propscope.claims.data.load_clef2020_t5` reads);
- ``attribution``: ``attribution.jsonl`` (the records of ``tests/fixtures/attribution/``);
- ``matches``: ``pairs.jsonl`` (the records of ``eval/news_pairs/pairs.jsonl``, which
  ``propscope train calibrate-reranker --pairs`` reads; they keep the reviewer's own ``sentence``, where
  the corpus pairs of ``eval/news_pairs`` hold offsets into articles that stay out of the project), and ``queries.tsv`` + ``qrels.txt`` (the
  sentences and their confirmed KB ids, relevance 1, rejected ones 0) for ``propscope kb calibrate``.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from propscope.corrections.decisions import BUILDERS, effective, export_id, input_hash, newest_per_task
from propscope.document import Article
from propscope.errors import DataError, OutputExists, OutputNotWritable, UsageError
from propscope.ptc.corpus import ARTICLE_PATTERN, read_article, read_labels
from propscope.store import Store

KINDS: tuple[str, ...] = tuple(BUILDERS)
RECORDS = {"techniques": "decisions.jsonl", "claims": "claims.jsonl", "attribution": "attribution.jsonl",
           "matches": "pairs.jsonl"}
LABELS = "labels.tsv"
ARTICLES = "articles"
CHECKWORTHY = "checkworthy.tsv"
QUERIES = "queries.tsv"
QRELS = "qrels.txt"


@dataclass(slots=True)
class ExportSummary:
    kind: str
    out: Path
    records: int  # in the folder after the export (merged ones included)
    articles: int
    decisions: dict[str, int]  # records per decision
    from_store: int  # records the store gave (after keeping the newest per task hash)
    kept_from_folder: int  # records of the earlier export that the store did not replace
    labels: int | None = None  # positive spans in labels.tsv (techniques)
    files: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Collected:
    records: list[dict[str, Any]] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # export id -> analysed text
    model_spans: set[tuple[str, int, int, str]] = field(default_factory=set)  # (id, start, end, technique)


def export_corrections(
    store: Store, kind: str, out: Path, merge: bool = False, include_unreviewed: bool = False
) -> ExportSummary:
    """Export the store's standing corrections of ``kind`` into ``out``; ``merge`` joins them with
    the export already there (else the folder must not hold one of this kind)."""
    if kind not in BUILDERS:
        raise UsageError(f"--kind must be one of {', '.join(KINDS)}")
    if include_unreviewed and kind != "techniques":
        raise UsageError("--include-unreviewed applies to --kind techniques only")
    records_path = out / RECORDS[kind]
    if not merge and records_path.exists():
        raise OutputExists(f"{out} already holds a {kind} export ({records_path.name}); add --merge to merge into it")
    collected = _collect(store, kind, include_unreviewed)
    fresh = newest_per_task(collected.records)
    earlier = _read_records(records_path) if merge and records_path.exists() else []
    merged = newest_per_task([*earlier, *fresh.values()])
    kept = sum(1 for key, record in merged.items() if fresh.get(key) != record)
    records = sorted(merged.values(), key=_order)
    try:
        out.mkdir(parents=True, exist_ok=True)
        labels, files = None, []
        if kind == "techniques":  # checks the texts before it writes anything
            labels, files = _write_techniques(out, records, collected, merge)
        elif kind == "claims":
            files = [_write_checkworthy(out / CHECKWORTHY, records)]
        elif kind == "matches":
            files = _write_queries(out, records)
        files.insert(0, _write_jsonl(records_path, records))  # last: a failed merge leaves the earlier records
    except OSError as exc:
        raise OutputNotWritable(f"cannot write the export to {out}: {exc.strerror or exc}") from exc
    return ExportSummary(
        kind=kind, out=out, records=len(records), articles=len({_article(r) for r in records}),
        decisions=dict(sorted(Counter(str(r.get("decision", "speaker")) for r in records).items())),
        from_store=len(fresh), kept_from_folder=kept, labels=labels, files=files,
    )


def _collect(store: Store, kind: str, include_unreviewed: bool) -> _Collected:
    target, build = BUILDERS[kind]
    collected = _Collected()
    for article_id in store.article_ids(corrected=target):
        analyses: dict[int, Article] = {}
        for correction in effective(c for c in store.corrections(article_id) if c["target"] == target):
            analysis_id = correction["analysis_id"]
            if analysis_id not in analyses:
                analyses[analysis_id] = store.get(article_id, analysis_id).article
            article = analyses[analysis_id]
            eid = export_id(input_hash(article.text))
            collected.texts[eid] = article.text
            collected.records.extend(build(correction, article, eid))
        if include_unreviewed:
            for article in analyses.values():
                eid = export_id(input_hash(article.text))
                collected.model_spans.update((eid, s.start, s.end, s.technique) for s in article.techniques)
    return collected


def _write_techniques(out: Path, records: list[dict[str, Any]], collected: _Collected, merge: bool) -> tuple[int, list[str]]:
    folder = out / ARTICLES
    texts = _read_texts(folder) if merge and folder.is_dir() else {}
    for eid, text in collected.texts.items():
        if texts.get(eid, text) != text:
            raise DataError(f"{folder / f'article{eid}.txt'} holds another text than the store's article with that id")
        texts[eid] = text
    for record in records:
        text = texts.get(record["article"])
        if text is None:
            raise DataError(f"{out / RECORDS['techniques']} names article {record['article']}, which {folder} lacks")
        if input_hash(text) != record["input_hash"]:
            changed = folder / f"article{record['article']}.txt"
            raise DataError(f"{changed} was changed after the export (its hash is not the decisions' input_hash)")
    spans = {(r["article"], r["start"], r["end"], r["technique"]) for r in records if r["decision"] in ("accept", "add")}
    rejected = {(r["article"], r["start"], r["end"], r["technique"]) for r in records if r["decision"] == "reject"}
    decided = spans | rejected
    spans |= {s for s in collected.model_spans if s not in decided}
    if merge and (out / LABELS).is_file():  # unreviewed spans of earlier exports stay unless now rejected
        spans |= {(s.article_id, s.start, s.end, s.technique or "") for s in read_labels(out / LABELS)} - rejected
    wanted = {r["article"] for r in records} | {s[0] for s in spans}
    folder.mkdir(exist_ok=True)
    written = []
    for eid in sorted(wanted):
        path = folder / f"article{eid}.txt"
        if not path.is_file() or read_article(path) != texts[eid]:
            with open(path, "w", encoding="utf-8", newline="") as handle:
                handle.write(texts[eid])
        written.append(f"{ARTICLES}/{path.name}")
    lines = "".join(f"{a}\t{t}\t{s}\t{e}\n" for a, s, e, t in sorted(spans, key=lambda x: (x[0], x[1], x[2], x[3])))
    _write_atomic(out / LABELS, lines)
    return len(spans), [LABELS, *written]


def _write_checkworthy(path: Path, records: list[dict[str, Any]]) -> str:
    rows = ["text\tlabel\n"]
    rows += [f"{' '.join(r['sentence'].split())}\t{r['label']}\n" for r in records if r["sentence"].strip()]
    _write_atomic(path, "".join(rows))
    return path.name


def _write_queries(out: Path, records: list[dict[str, Any]]) -> list[str]:
    """One query per corrected sentence (id ``ARTICLE-START-END``); TREC qrels of its decided KB ids."""
    queries: dict[str, str] = {}
    qrels = []
    for r in records:
        qid = f"{r['article']}-{r['start']}-{r['end']}"
        queries[qid] = " ".join(r["sentence"].split())
        qrels.append(f"{qid} 0 {r['kb_id']} {1 if r['label'] == 'same' else 0}\n")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(["id", "text"])
    writer.writerows(sorted(queries.items()))
    _write_atomic(out / QUERIES, buffer.getvalue())
    _write_atomic(out / QRELS, "".join(sorted(set(qrels))))
    return [QUERIES, QRELS]


def _order(record: dict[str, Any]) -> tuple[str, int, int, str, str]:
    label = str(record.get("technique") or record.get("kb_id") or "")
    return _article(record), int(record["start"]), int(record["end"]), label, record["task_hash"]


def _article(record: dict[str, Any]) -> str:
    return str(record["article"] if "article" in record else record["article_id"])


def _write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> str:
    _write_atomic(path, "".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in records))
    return path.name


def _write_atomic(path: Path, content: str) -> None:
    partial = path.with_name(path.name + ".partial")
    with open(partial, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(content)
    os.replace(partial, path)


def _read_records(path: Path) -> list[dict[str, Any]]:
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or not isinstance(record.get("task_hash"), str) or "created" not in record:
                raise ValueError("no task_hash or created")
        except ValueError as exc:
            raise DataError(f"{path}:{number}: not an exported decision ({exc})") from exc
        records.append(record)
    return records


def _read_texts(folder: Path) -> dict[str, str]:
    texts = {}
    for path in sorted(folder.iterdir()):
        match = ARTICLE_PATTERN.match(path.name)
        if match and path.is_file():
            texts[match.group("id")] = read_article(path)
    return texts
