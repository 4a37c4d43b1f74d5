"""propscope: take news articles apart like a fact-checker."""

from __future__ import annotations

import logging

from propscope.document import Article

__version__ = "0.1.0"
__all__ = ["Article", "__version__"]

logging.getLogger(__name__).addHandler(logging.NullHandler())
