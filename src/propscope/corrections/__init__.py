"""Reviewer corrections become training data, and stored articles can be re-analysed with a new model.

::

    from propscope.corrections import export_corrections, reanalyze

    summary = export_corrections(store, "techniques", Path("corrections"), merge=True)
    report = reanalyze(store, Path("models/techniques-v2"))   # new analyses beside the old ones
    report.totals()                                            # spans added / removed / relabelled / resized

:mod:`propscope.corrections.decisions` turns correction rows into records with stable hashes;
:mod:`propscope.corrections.export` writes them in the layouts the trainers read;
:mod:`propscope.corrections.reanalyze` re-runs the technique tagger over stored analyses.
"""

from __future__ import annotations

from propscope.corrections.export import KINDS, ExportSummary, export_corrections
from propscope.corrections.reanalyze import ArticleChange, Reanalysis, reanalyze

__all__ = ["KINDS", "ArticleChange", "ExportSummary", "Reanalysis", "export_corrections", "reanalyze"]
