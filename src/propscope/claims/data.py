"""Readers for the check-worthiness releases, as published.

- ClaimBuster (``claimbuster/``, Arslan et al. 2020, files of the ClaimSpotter repository): JSON lists
  of ``{"sentence_id", "label", "text"}`` where ``label`` 1 is a check-worthy factual sentence (CFS) and
  0 a non-check-worthy one (NCS = non-factual + unimportant factual). ``train.json`` and ``test.json``
  are the train/test split (disjoint ids; ``test.json`` is balanced 1:1); the ``kfold_*`` and
  ``cfs_ncs_ratio_study_*`` files are other samplings of the same pool that overlap the test split.
  Some files are UTF-16 with a byte-order mark, others UTF-8: the encoding is sniffed.
- CLEF CheckThat! 2019 Task 1 (``CT19-T1-Training.csv``): one row per sentence with ``line_number,
  speaker, text, label, file_name``; ``file_name`` names the debate or speech.
- CLEF CheckThat! 2020 Task 5 (``train.tsv``): ``text<TAB>label`` with a header and no debate id.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

from propscope.errors import DataError

CLAIMBUSTER = "claimbuster"
CLEF2019 = "clef2019"
CLEF2020_T5 = "clef2020t5"


@dataclass(frozen=True, slots=True)
class LabelledSentence:
    """One labelled sentence and where it comes from.

    ``group`` is the unit a split must keep together: the debate for CLEF 2019, a block of consecutive
    ClaimBuster sentence ids (ids run through the debates in order), the file for CLEF 2020 Task 5.
    """

    text: str
    label: int
    source: str
    group: str
    key: str
    speaker: str = ""  # who says it (CLEF 2019 debates: the speaker turn); "" where the release has none


def read_text_sniffed(path: Path) -> str:
    """Read a file that may be UTF-16 (with BOM) or UTF-8 (with or without BOM)."""
    raw = path.read_bytes()
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16")
    return raw.decode("utf-8-sig")


def _require(path: Path) -> Path:
    if not path.is_file():
        raise DataError(f"missing data file {path}")
    return path


def load_claimbuster(path: Path, block_size: int = 1000) -> list[LabelledSentence]:
    """A ClaimBuster two-class JSON file (``train.json``, ``test.json``, ``kfold_25ncs.json``, ...)."""
    try:
        records = json.loads(read_text_sniffed(_require(path)))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"{path} is not a ClaimBuster JSON file: {exc}") from exc
    out = []
    for record in records:
        try:
            sid = int(record["sentence_id"])
            out.append(
                LabelledSentence(
                    text=str(record["text"]).strip(),
                    label=int(record["label"]),
                    source=CLAIMBUSTER,
                    group=f"{CLAIMBUSTER}:{sid // block_size}",
                    key=f"{CLAIMBUSTER}:{sid}",
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"{path}: bad record {record!r}: {exc}") from exc
    return out


def load_clef2019(path: Path) -> list[LabelledSentence]:
    """``CT19-T1-Training.csv`` (all debates of the CLEF 2019 Task 1 training release)."""
    out = []
    with _require(path).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"line_number", "text", "label", "file_name"} - set(reader.fieldnames or [])
        if missing:
            raise DataError(f"{path} lacks the columns {sorted(missing)}")
        for row in reader:
            debate = row["file_name"].removesuffix(".tsv")
            out.append(
                LabelledSentence(
                    text=row["text"].strip(),
                    label=int(row["label"]),
                    source=CLEF2019,
                    group=f"{CLEF2019}:{debate}",
                    key=f"{CLEF2019}:{debate}:{row['line_number']}",
                    speaker=(row.get("speaker") or "").strip(),
                )
            )
    return out


def load_clef2020_t5(path: Path) -> list[LabelledSentence]:
    """``train.tsv`` of CLEF 2020 Task 5 (``text<TAB>label``; the release carries no debate ids)."""
    out = []
    with _require(path).open(encoding="utf-8", newline="") as handle:
        for number, line in enumerate(handle):
            fields = line.rstrip("\r\n").split("\t")
            if number == 0 and fields[-1] == "label":
                continue
            if len(fields) != 2 or fields[1] not in ("0", "1"):
                raise DataError(f"{path}:{number + 1}: expected text<TAB>label, got {line[:80]!r}")
            out.append(
                LabelledSentence(
                    text=fields[0].strip(),
                    label=int(fields[1]),
                    source=CLEF2020_T5,
                    group=f"{CLEF2020_T5}:train",
                    key=f"{CLEF2020_T5}:{number}",
                )
            )
    return out


_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lower-case words only: the key used to find the same sentence across releases."""
    return _NON_WORD.sub(" ", text.lower()).strip()
