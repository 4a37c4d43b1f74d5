"""The article text that the project's labelled sets point into, read from the user's copy of the corpora.

PPN (CC BY-NC 4.0) and PTC (no licence stated) stay out of the repository (``shared/data/SOURCES.md``):
a labelled record keeps the article id, character offsets and a short hash of its text, and the text is
read back from the data path (``DATA/ppn/articles-en.jsonl``, ``DATA/ptc-2020/train-articles/``). The
hash tells a different release of the corpus from the annotated one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from propscope.document import text_hash
from propscope.errors import DataError
from propscope.ptc.corpus import read_article

PPN_ARTICLES = Path("ppn") / "articles-en.jsonl"
PTC_ARTICLES = Path("ptc-2020") / "train-articles"


def ppn_articles(path: Path, ids: set[str]) -> dict[str, dict[str, Any]]:
    """The rows (``id``, ``title``, ``text``, ...) of ``articles-en.jsonl`` whose id is in ``ids``."""
    if not path.is_file():
        raise DataError(f"no articles file at {path}")
    rows: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["id"] in ids:
                rows[row["id"]] = row
    return rows


def ptc_articles(folder: Path, ids: set[str]) -> dict[str, str]:
    """The text of ``article<ID>.txt`` in ``folder`` (``ptc-2020/train-articles``) for each id, read as the
    PTC offsets count it (UTF-8, ``newline=''``)."""
    if not folder.is_dir():
        raise DataError(f"no PTC article folder at {folder}")
    texts: dict[str, str] = {}
    for key in sorted(ids):
        path = folder / f"article{key}.txt"
        if not path.is_file():
            raise DataError(f"PTC article {key} not in {folder} (no {path.name})")
        texts[key] = read_article(path)
    return texts


def article_texts(path: Path, ids: set[str]) -> dict[str, str]:
    """Article text by id, from a folder of PTC ``article<ID>.txt`` files or from PPN's ``articles-en.jsonl``."""
    if path.is_dir():
        return ptc_articles(path, ids)
    return {key: row["text"] for key, row in ppn_articles(path, ids).items()}


def spaced(text: str) -> str:
    """``text`` with its runs of whitespace made single spaces (how the news pairs store a sentence)."""
    return " ".join(text.split())


def locate(text: str, sentence: str) -> tuple[int, int]:
    """Offsets of the first place in ``text`` that reads as ``sentence`` up to whitespace."""
    pattern = r"\s+".join(re.escape(word) for word in sentence.split())
    found = re.search(pattern, text) if pattern else None
    if found is None:
        raise DataError(f"sentence not found in its article: {sentence[:60]!r}")
    return found.start(), found.end()


class PairTexts:
    """Sentences of news pairs (``corpus`` ``ppn`` or ``ptc``, ``article``, ``start``, ``end``,
    ``sentence_sha1``) read from the data folder; PPN articles are read once, on first use."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self._ppn: dict[str, dict[str, Any]] | None = None
        self._ptc: dict[str, str] = {}

    def article(self, corpus: str, article: str, wanted: set[str]) -> dict[str, Any]:
        if corpus == "ppn":
            if self._ppn is None:
                self._ppn = ppn_articles(self.data / PPN_ARTICLES, wanted)
            if article not in self._ppn:
                raise DataError(f"PPN article {article} not in {self.data / PPN_ARTICLES}")
            return self._ppn[article]
        if corpus == "ptc":
            if article not in self._ptc:
                self._ptc[article] = read_article(self.data / PTC_ARTICLES / f"{article}.txt")
            return {"id": article, "title": "", "text": self._ptc[article]}
        raise DataError(f"pairs of corpus {corpus!r} must hold their sentence")

    def fill(self, rows: list[dict[str, Any]]) -> None:
        """Give every row without a ``sentence`` its sentence (and a PPN row its article's ``title``)."""
        wanted = {str(r["article"]) for r in rows if "sentence" not in r}
        for row in rows:
            if "sentence" in row:
                continue
            source = self.article(row["corpus"], str(row["article"]), wanted)
            sentence = spaced(source["text"][row["start"] : row["end"]])
            if text_hash(sentence) != row["sentence_sha1"]:
                raise DataError(f"pair {row['id']}: the text at {row['start']}-{row['end']} of {row['article']} "
                                "is not the labelled sentence (another release of the corpus?)")
            row["sentence"] = sentence
            row["title"] = source.get("title") or ""


def pair_offsets(row: dict[str, Any], text: str) -> dict[str, Any]:
    """``row`` with its ``sentence`` and ``title`` replaced by offsets into ``text`` and the hash."""
    start, end = locate(text, row["sentence"])
    kept = {k: v for k, v in row.items() if k not in ("sentence", "title")}
    position = list(kept).index("article") + 1
    items = list(kept.items())
    extra = [("start", start), ("end", end), ("sentence_sha1", text_hash(row["sentence"]))]
    return dict(items[:position] + extra + items[position:])
