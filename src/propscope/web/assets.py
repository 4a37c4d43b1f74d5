"""The static files of the package (CSS, JavaScript), read once: the HTML report inlines them, the web
app serves them under ``/static/``. No third-party asset: nothing is fetched from a CDN."""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib import resources


@cache
def static_text(name: str) -> str:
    """The text of ``propscope/web/static/NAME`` (a plain file name, never a path)."""
    if "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"not a static file name: {name!r}")
    return resources.files("propscope.web").joinpath("static", name).read_text(encoding="utf-8")


def script_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script (``'sha256-...'``) and nothing else."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
