"""JSON from untrusted files with limits on nesting depth and size, checked before parsing.

Python's ``json`` parser recurses once per nesting level: a row nested a thousand deep raises
``RecursionError`` (not a ``ValueError``), which escapes the usual handlers and stops a batch. The
depth is measured first on the raw text with string literals blanked out, which costs one regular
expression pass and a loop over the brackets only.
"""

from __future__ import annotations

import json
import re
from typing import Any

from propscope.errors import BadRecord, RecordTooComplex

MAX_DEPTH = 64
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def nesting_depth(text: str) -> int:
    """How deep ``[`` and ``{`` nest in JSON text (strings ignored; unbalanced text is measured as is)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def loads(text: str, where: str, max_depth: int = MAX_DEPTH, max_chars: int | None = None) -> Any:
    """Parse JSON text; :class:`RecordTooComplex` (E109) past the limits, :class:`BadRecord` if invalid."""
    if max_chars is not None and len(text) > max_chars:
        raise RecordTooComplex(f"{where}: the JSON is {len(text):,} characters, over the limit of {max_chars:,}")
    depth = nesting_depth(text)
    if depth > max_depth:
        raise RecordTooComplex(f"{where}: the JSON nests {depth} levels deep, over the limit of {max_depth}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadRecord(f"{where}: invalid JSON ({exc.msg})") from None
    except RecursionError:  # belt and braces: the pre-check should have caught it
        raise RecordTooComplex(f"{where}: the JSON nests too deep to read") from None
