"""Command-line mistakes through the real entry point: one line ``propscope: error ...``, exit 2, fast.

Most cases call ``propscope.cli.main.main(argv)`` in-process (the function the console script runs);
the start-up cases run the console script's module in a fresh process, since import cost is what they
measure.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from propscope.cli.main import main

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "article.txt"


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, err: str, *needles: str) -> str:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("propscope: error E"), line
    assert "Traceback" not in err
    for needle in needles:
        assert needle in line, line
    return line


@pytest.mark.parametrize(
    ("argv", "needles"),
    [
        (["analyze", "x.txt", "-f", "csv"], ["E003", "--format", "'csv'", "'html'"]),
        (["analyze", "x.txt", "--claim-threshold", "2"], ["E003", "--claim-threshold"]),
        (["analyze", "x.txt", "--match-threshold", "-0.5"], ["E003", "--match-threshold"]),
        (["analyze", "x.txt", "--technique-shift", "3"], ["E003", "--technique-shift"]),
        (["analyze", "x.txt", "--threads", "0"], ["E003", "--threads"]),
        (["analyze", "x.txt", "--matches", "abc"], ["E003", "--matches"]),
        (["analyze", "x.txt", "--bogus"], ["E003", "--bogus", "propscope analyze --help"]),
        (["analyze"], ["E003", "Missing argument", "INPUT"]),
        (["nosuch"], ["E003", "nosuch", "propscope --help"]),
        (["kb", "search"], ["E003", "Missing argument"]),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    argv: list[str], needles: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_main(argv, capsys)
    assert_one_line_error(code, err, *needles)
    assert out == ""


def test_unknown_component_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(["analyze", str(EXAMPLE), "--components", "segment,bogus"], capsys)
    assert_one_line_error(code, err, "E002", "'bogus'", "known: segment")


def test_empty_components_list_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(["analyze", str(EXAMPLE), "--components", ","], capsys)
    assert_one_line_error(code, err, "E003", "--components")


def test_required_components_are_added(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(["analyze", str(EXAMPLE), "--components", "claims", "-f", "json"], capsys)
    assert code == 0, err
    record = json.loads(out)
    assert [c["name"] for c in record["components"]] == ["segment", "claims"]
    assert record["sentences"] and record["claims"]


def test_output_suffix_contradicting_format_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.html"
    code, _, err = run_main(["analyze", str(EXAMPLE), "-f", "text", "-o", str(out)], capsys)
    assert_one_line_error(code, err, "E003", "--format text", "x.html", "-f html")
    assert not out.exists()


def test_output_suffix_sets_the_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    html_out, json_out = tmp_path / "x.html", tmp_path / "x.jsonl"
    code, _, err = run_main(["analyze", str(EXAMPLE), "--components", "segment", "-o", str(html_out)], capsys)
    assert code == 0, err
    assert html_out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, _, err = run_main(["analyze", str(EXAMPLE), "--components", "segment", "-o", str(json_out)], capsys)
    assert code == 0, err
    assert json.loads(json_out.read_text(encoding="utf-8"))["status"] == "ok"


def test_bare_group_prints_help_and_succeeds(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(["kb"], capsys)
    assert code == 0
    assert "search" in out and "import" in out


def test_train_help_keeps_the_extra_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--help"]) == 0
    out = capsys.readouterr().out
    assert "[train]" in out
    assert "pip install 'propscope[train]'" in out
    root = subprocess.run([sys.executable, "-m", "propscope", "--help"], capture_output=True, timeout=60)
    assert "[train]" in root.stdout.decode()


def fresh(*args: str) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    """The command's wall time in a fresh process (best of three: the machine may be busy)."""
    best = float("inf")
    result = None
    for _ in range(3):
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "propscope", *args], capture_output=True, timeout=120)
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


def test_fast_paths_import_no_model_code(tmp_path: Path) -> None:
    """--help, a missing file and a refused language must not import what models need; measured by
    what the process imported (wall-time budgets are in bench/startup.py: this machine is shared)."""
    german = tmp_path / "de.txt"
    german.write_text(
        "Die Bundesregierung hat am Montag beschlossen, die Hilfen für die Ukraine deutlich zu erhöhen. "
        "Der Kanzler sagte, man werde das Land so lange wie nötig unterstützen.\n",
        encoding="utf-8",
    )
    heavy = ("onnxruntime", "spacy", "torch", "trafilatura", "rich", "numpy", "tokenizers")
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['propscope'] + sys.argv[1:]\n"
        "try:\n    runpy.run_module('propscope', run_name='__main__')\n"
        "except SystemExit as exc:\n    code = exc.code\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    for args, expected_code in (
        (["--help"], 0),
        (["--version"], 0),
        (["analyze", str(tmp_path / "missing.txt")], 2),
        (["analyze", str(german)], 2),
        (["analyze", "x.txt", "--threads", "0"], 2),
    ):
        result = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, timeout=120)
        assert result.returncode == expected_code, result.stderr.decode()
        assert result.stderr.decode().strip().splitlines()[-1] == "[]", (args, result.stderr.decode())


def test_missing_file_is_reported_quickly(tmp_path: Path) -> None:
    seconds, result = fresh("analyze", str(tmp_path / "missing.txt"))
    assert result.returncode == 2
    assert "E101" in result.stderr.decode()
    assert seconds < 5.0  # budget 0.5 s on an idle machine (bench/startup.py); generous for a shared one
