"""Where knowledge bases live: the user's KB (built or imported into), and the one shipped in the package.

The user's KB is ``$PROPSCOPE_HOME/kb.sqlite`` if ``PROPSCOPE_HOME`` is set, else
``$XDG_DATA_HOME/propscope/kb.sqlite`` (``~/.local/share/propscope/kb.sqlite``). The default KB of
``analyze`` and ``kb search`` is the user's KB where it exists, else the shipped EUvsDisinfo KB.
"""

from __future__ import annotations

import os
import shutil
from importlib import resources
from pathlib import Path

KB_FILE = "kb.sqlite"
SHIPPED_KB = "euvsdisinfo.kb.sqlite"


def data_home() -> Path:
    if os.environ.get("PROPSCOPE_HOME"):
        return Path(os.environ["PROPSCOPE_HOME"]).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "propscope"


def user_kb_path() -> Path:
    return data_home() / KB_FILE


def shipped_kb_path() -> Path:
    return Path(str(resources.files("propscope") / "resources" / "kb" / SHIPPED_KB))


def default_kb_path() -> Path | None:
    """The KB used when no ``--kb`` is given: the user's, else the shipped one, else None."""
    for path in (user_kb_path(), shipped_kb_path()):
        if path.is_file():
            return path
    return None


def writable_kb_path(path: Path | None) -> Path:
    """Where an import writes: the given file, else the user's KB, started as a copy of the shipped one."""
    if path is not None:
        return path
    target = user_kb_path()
    if not target.is_file() and shipped_kb_path().is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shipped_kb_path(), target)
    return target


def kb_kind(path: Path) -> str:
    """``shipped`` (the KB in the package), ``user`` (the user's default KB) or ``file`` (any other)."""
    resolved = Path(path).resolve()
    if resolved == shipped_kb_path().resolve():
        return "shipped"
    if resolved == user_kb_path().resolve():
        return "user"
    return "file"
