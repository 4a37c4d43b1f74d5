"""Derive the shipped ratings table from the published release of Lin et al. (2023).

``python -m propscope.sources.build ../shared/data/domain-ratings/data/domain_pc1.csv`` rewrites
``propscope/resources/sources/domain_ratings.csv`` (domain, pc1 rounded to 4 decimals). The outlet-name
aliases (``outlets.tsv``) are written by hand and kept beside it.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from propscope.errors import DataError

SHIPPED = Path(__file__).resolve().parents[1] / "resources" / "sources" / "domain_ratings.csv"


def build_ratings(source: Path, target: Path = SHIPPED) -> int:
    """Copy ``domain,pc1`` from the release (rounded), sorted by domain; returns the number of rows."""
    if not source.is_file():
        raise DataError(f"no ratings file at {source}")
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if not {"domain", "pc1"} <= set(reader.fieldnames or []):
            raise DataError(f"{source} lacks the columns domain and pc1")
        rows = sorted((r["domain"].strip().lower(), round(float(r["pc1"]), 4)) for r in reader if r["domain"].strip())
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["domain", "pc1"])
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m propscope.sources.build PATH/TO/domain_pc1.csv")
    print(f"{build_ratings(Path(sys.argv[1]))} domains written to {SHIPPED}")
