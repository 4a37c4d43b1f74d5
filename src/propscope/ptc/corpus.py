"""Read the PTC release in its published formats.

Articles are ``article<ID>.txt`` files; label files are tab separated: ``id<TAB>technique<TAB>start<TAB>end``
(technique classification, TC) or ``id<TAB>start<TAB>end`` (span identification, SI). Offsets are
character offsets into the article read as UTF-8 with ``newline=''`` (so a ``\\r\\n`` counts as two
characters, as the organisers counted them).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from propscope.errors import BadRecord, DataError, InputNotFound

ARTICLE_PATTERN = re.compile(r"^article(?P<id>[^.]+)\.txt$")
TC_LABELS = "train-task2-TC.labels"
SI_LABELS = "train-task1-SI.labels"
TRAIN_ARTICLES = "train-articles"
UNLABELLED_ARTICLES = "unlabelled-articles"


@dataclass(frozen=True, slots=True, order=True)
class LabelledSpan:
    """One line of a label file; ``technique`` is None in SI files and ``"?"`` in TC templates."""

    article_id: str
    start: int
    end: int
    technique: str | None = None


@dataclass(slots=True)
class Corpus:
    """Articles by id and their labelled spans (every article id of ``texts`` has an entry in ``spans``)."""

    texts: dict[str, str]
    spans: dict[str, list[LabelledSpan]] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return sorted(self.texts)

    def subset(self, ids: Iterable[str]) -> Corpus:
        ids = list(ids)
        return Corpus({i: self.texts[i] for i in ids}, {i: list(self.spans.get(i, [])) for i in ids})

    def all_spans(self) -> list[LabelledSpan]:
        return [span for article_id in self.ids for span in self.spans.get(article_id, [])]


def read_article(path: Path) -> str:
    """The article text exactly as the offsets count it."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError as exc:
        raise InputNotFound(f"no article at {path}") from exc
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not UTF-8: {exc}") from exc


def article_id_of(path: Path) -> str | None:
    match = ARTICLE_PATTERN.match(path.name)
    return match.group("id") if match else None


def read_articles(folder: Path) -> dict[str, str]:
    """Every ``article<ID>.txt`` in ``folder``, by id."""
    if not folder.is_dir():
        raise InputNotFound(f"no article folder at {folder}")
    texts: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        article_id = article_id_of(path)
        if article_id is not None and path.is_file():
            texts[article_id] = read_article(path)
    if not texts:
        raise DataError(f"{folder} holds no article<ID>.txt files")
    return texts


def read_labels(path: Path) -> list[LabelledSpan]:
    """A TC (4 columns), TC template (``?`` as technique) or SI (3 columns) label file."""
    if not path.is_file():
        raise InputNotFound(f"no label file at {path}")
    spans: list[LabelledSpan] = []
    with open(path, encoding="utf-8", newline="") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            fields = line.split("\t")
            try:
                if len(fields) == 4:
                    article_id, technique, start, end = fields
                    span = LabelledSpan(article_id.strip(), int(start), int(end), technique.strip())
                elif len(fields) == 3:
                    article_id, start, end = fields
                    span = LabelledSpan(article_id.strip(), int(start), int(end))
                else:
                    raise ValueError(f"{len(fields)} columns, expected 3 (SI) or 4 (TC)")
            except ValueError as exc:
                raise BadRecord(f"{path}:{number}: cannot read '{line[:80]}': {exc}") from exc
            if not span.article_id or span.start < 0 or span.end <= span.start:
                raise BadRecord(f"{path}:{number}: bad span '{line[:80]}'")
            spans.append(span)
    return spans


def write_labels(path: Path, spans: Iterable[LabelledSpan], with_technique: bool) -> None:
    """Write spans in the official format (TC columns when ``with_technique``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for span in spans:
            if with_technique:
                handle.write(f"{span.article_id}\t{span.technique}\t{span.start}\t{span.end}\n")
            else:
                handle.write(f"{span.article_id}\t{span.start}\t{span.end}\n")


def group_by_article(spans: Iterable[LabelledSpan]) -> dict[str, list[LabelledSpan]]:
    grouped: dict[str, list[LabelledSpan]] = {}
    for span in spans:
        grouped.setdefault(span.article_id, []).append(span)
    return grouped


def resolve_data_dir(data: Path) -> Path:
    """Accept the PTC folder itself or a folder that holds ``ptc-2020/`` (such as ``../shared/data``)."""
    if (data / TRAIN_ARTICLES).is_dir():
        return data
    if (data / "ptc-2020" / TRAIN_ARTICLES).is_dir():
        return data / "ptc-2020"
    raise InputNotFound(f"no PTC release at {data}: expected {TRAIN_ARTICLES}/ and {TC_LABELS} in it")


def load_corpus(data: Path) -> Corpus:
    """The labelled training articles of a PTC release with their TC spans, checked against the texts."""
    root = resolve_data_dir(data)
    texts = read_articles(root / TRAIN_ARTICLES)
    spans = read_labels(root / TC_LABELS)
    grouped = {article_id: [] for article_id in texts} | group_by_article(spans)
    for article_id, article_spans in grouped.items():
        if article_id not in texts:
            raise DataError(f"{root / TC_LABELS} labels article {article_id}, which {root / TRAIN_ARTICLES} lacks")
        size = len(texts[article_id])
        for span in article_spans:
            if span.end > size:
                raise DataError(f"span {span} ends after the article ({size} characters)")
    return Corpus(texts, {k: sorted(v) for k, v in grouped.items()})


def load_unlabelled(data: Path) -> dict[str, str]:
    """The unlabelled articles of the release (an empty dict where the folder is absent)."""
    folder = resolve_data_dir(data) / UNLABELLED_ARTICLES
    return read_articles(folder) if folder.is_dir() else {}


def split_ids(ids: Iterable[str], fraction: float, seed: int) -> tuple[list[str], list[str]]:
    """Split article ids into (rest, held-out) with a fixed seed; the held-out part is ``fraction`` of them."""
    ordered = sorted(ids)
    random.Random(seed).shuffle(ordered)
    size = max(1, round(len(ordered) * fraction))
    return sorted(ordered[size:]), sorted(ordered[:size])
