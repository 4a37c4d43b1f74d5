"""The one process-wide cache of loaded models, keyed by what was loaded and its fingerprint.

Every model, KB embedder, spaCy pipeline or table a component needs is loaded through
:func:`load_once`, so that a process loads each thing once however many analysers, pipelines or
settings use it. The key is ``(kind, resolved path, fingerprint, extra)``: a model directory that
changes on disk (a retrained model written in place) gets a new fingerprint and is loaded afresh,
while the old object stays valid for whoever still holds it.

Fingerprints are SHA-256 digests over file names and contents (weights, config, tokenizer,
thresholds), computed once per file state (path, size, mtime) so that asking again is cheap.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

FINGERPRINT_LENGTH = 16  # hex characters kept: 64 bits tell model versions apart

_lock = threading.RLock()
_loaded: dict[tuple[Hashable, ...], Any] = {}
_loading: dict[tuple[Hashable, ...], threading.Lock] = {}  # one lock per key while it loads
_digests: dict[tuple[str, int, int], str] = {}


def file_fingerprint(path: Path) -> str:
    """SHA-256 of one file's contents (first 16 hex characters), cached per (path, size, mtime)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _lock:
        cached = _digests.get(key)
    if cached is not None:
        return cached
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    value = digest.hexdigest()[:FINGERPRINT_LENGTH]
    with _lock:
        _digests[key] = value
    return value


def dir_fingerprint(path: Path) -> str:
    """One digest over every file of a directory (names and contents; model cards and READMEs too,
    since they change with the model), or of the file itself if ``path`` is a file."""
    if path.is_file():
        return file_fingerprint(path)
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(file.relative_to(path).as_posix().encode())
        digest.update(b"\0")
        digest.update(file_fingerprint(file).encode())
    return digest.hexdigest()[:FINGERPRINT_LENGTH]


def combine(*parts: object) -> str:
    """A short digest of several values (fingerprints, thresholds): the provenance of one run."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:FINGERPRINT_LENGTH]


def load_once(kind: str, path: Path | None, loader: Callable[[], T], *extra: Hashable) -> T:
    """The object ``loader()`` returns, loaded at most once per (kind, path, fingerprint, extra)."""
    if path is not None:
        resolved = path.resolve()
        key: tuple[Hashable, ...] = (kind, str(resolved), dir_fingerprint(resolved) if resolved.exists() else None, *extra)
    else:
        key = (kind, None, None, *extra)
    with _lock:
        if key in _loaded:
            return _loaded[key]  # type: ignore[no-any-return]
        key_lock = _loading.setdefault(key, threading.Lock())
    # One lock per key: two threads asking for the same model load it once, not twice, while other
    # models load at the same time (the engine's prefetch thread loads spaCy as the tagger runs).
    with key_lock:
        with _lock:
            if key in _loaded:
                return _loaded[key]  # type: ignore[no-any-return]
        value = loader()
        with _lock:
            _loaded[key] = value
            _loading.pop(key, None)
        return value


def loaded_count() -> int:
    """How many objects this process has loaded (tests use it to prove a call loaded nothing)."""
    with _lock:
        return len(_loaded)


def clear() -> None:
    """Forget every loaded object (tests; a long-lived process never needs it)."""
    with _lock:
        _loaded.clear()
        _loading.clear()
        _digests.clear()
