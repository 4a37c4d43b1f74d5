"""Reports of analysed articles: terminal text, one self-contained HTML page, and JSON Lines.

Every format reads the same :class:`~propscope.runner.Outcome` list, numbers technique spans the same
way, and explains techniques from :mod:`propscope.techniques` and source ratings from
:mod:`propscope.report.reliability`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from propscope.report.html import render_html
from propscope.report.jsonl import outcome_to_dict, render_json_lines
from propscope.report.reliability import reliability_band

if TYPE_CHECKING:
    from propscope.report.text import render_text

__all__ = ["outcome_to_dict", "reliability_band", "render_html", "render_json_lines", "render_text"]


def __getattr__(name: str) -> Any:
    # The terminal report needs rich (a tenth of a second to import); JSON and HTML output do not.
    if name == "render_text":
        from propscope.report.text import render_text

        return render_text
    raise AttributeError(name)
