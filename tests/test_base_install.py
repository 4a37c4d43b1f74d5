"""``pip install propscope`` without extras must analyse: nothing on the analysis path may import
what only an extra installs. (Until 2 December 2026 the KB's BM25 imported scipy, which only
scikit-learn of ``[train]`` brings, so every analysis of a base install failed with E000.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Top-level modules of the [train], [scale] and [web] extras and of what they pull in.
EXTRAS_ONLY = (
    "torch", "transformers", "onnx", "onnxscript", "sklearn", "scipy",
    "pyarrow", "ray", "matplotlib",
    "fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic", "psycopg", "multipart", "swagger_ui_bundle",
)

PROBE = """
import runpy, sys
for name in sys.argv[1].split(","):
    sys.modules[name] = None  # "import name" raises ImportError, as where the extra is not installed
sys.argv = ["propscope"] + sys.argv[2:]
runpy.run_module("propscope", run_name="__main__")
"""


def test_the_whole_analysis_runs_without_any_extra(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(EXTRAS_ONLY), "analyze", str(ROOT / "examples" / "article.txt"),
         "-f", "json", "-o", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["status"] == "ok", report["status"]
    ran = [run["name"] for run in report["components"]]
    assert ran == ["segment", "techniques", "claims", "attribution", "citations", "matching"], ran
    assert report["claims"] and report["knowledge_base"], "claims and the KB search ran"
    assert any(claim["matches"] or claim["related"] for claim in report["claims"]), "the KB search found known claims"
