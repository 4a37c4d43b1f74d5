"""Writing reports without losing anything: inputs, earlier reports, and the work of an interrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import propscope
from propscope.errors import OutputExists, OutputIsInput, OutputNotWritable
from propscope.output import GracefulStop, ReportFile, check_output, completed_sources

# The subprocesses import this checkout even when run from a temporary folder.
ENV = {**os.environ, "PYTHONPATH": str(Path(propscope.__file__).parents[1])}
ROW = "The minister said the pictures were staged. It was not true. "


def propscope(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "propscope", *args], capture_output=True, text=True, timeout=120, cwd=cwd, env=ENV
    )


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("propscope: error")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def rows(path: Path, n: int, repeat: int = 1) -> Path:
    path.write_text("".join(json.dumps({"id": f"r{i}", "text": f"{i}. {ROW * repeat}"}) + "\n" for i in range(n)))
    return path


def test_output_that_is_an_input_is_refused(tmp_path: Path) -> None:
    source = rows(tmp_path / "in.jsonl", 2)
    with pytest.raises(OutputIsInput):
        check_output(source, [str(source)], force=True)
    link = tmp_path / "alias.jsonl"
    link.symlink_to(source)
    with pytest.raises(OutputIsInput):
        check_output(link, [str(source)], force=True)


def test_output_inside_an_input_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ROW)
    with pytest.raises(OutputIsInput):
        check_output(tmp_path / "reports" / "out.jsonl", [str(tmp_path)])
    check_output(tmp_path.parent / f"{tmp_path.name}-out.jsonl", [str(tmp_path)])  # beside it: fine


def test_existing_output_needs_force_or_resume(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("earlier\n")
    with pytest.raises(OutputExists):
        check_output(out, [])
    check_output(out, [], force=True)
    check_output(out, [], resume=True)
    with pytest.raises(OutputNotWritable):
        check_output(tmp_path, [], force=True)


def test_report_file_replaces_the_output_only_when_complete(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("earlier report\n")
    with pytest.raises(RuntimeError), ReportFile(out) as report:
        report.write("half of a new one")
        raise RuntimeError("the run failed")
    assert out.read_text() == "earlier report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temporary file left
    with ReportFile(out) as report:
        report.write("new report\n")
    assert out.read_text() == "new report\n"
    assert out.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_disk_full_is_a_coded_error() -> None:
    report = ReportFile(Path("/dev/full"))
    with pytest.raises(OutputNotWritable, match="No space left"):
        report.write("x" * 100_000)
        report.commit()


def test_path_through_a_file_is_a_coded_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputNotWritable, match="not a folder"):
        ReportFile(tmp_path / "file" / "out.jsonl")


def test_completed_sources_keeps_ok_lines_and_drops_errors_and_a_cut_line(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    ok = json.dumps({"status": "ok", "source": "a:1"}) + "\n"
    bad = json.dumps({"status": "error", "source": "a:2"}) + "\n"
    out.write_text(ok + bad + '{"status": "ok", "sou')
    assert completed_sources(out) == ([ok], {"a:1"})


def test_graceful_stop_finishes_the_current_item_then_stops() -> None:
    seen = []
    # Whatever handler was there before (SIG_DFL, or one that ray.init installed in this test worker)
    # must be back afterwards.
    before = signal.getsignal(signal.SIGTERM)
    with GracefulStop() as stop:
        for item in stop.until_stopped(range(10)):
            seen.append(item)
            if item == 2:
                # raise_signal delivers the signal synchronously to this thread; wait (bounded) for
                # the handler so that a slow machine cannot pull item 3 first.
                signal.raise_signal(signal.SIGTERM)
                deadline = time.monotonic() + 5
                while stop.signal is None and time.monotonic() < deadline:
                    time.sleep(0.01)
    assert seen == [0, 1, 2] and stop.name == "SIGTERM" and stop.done == 3
    assert signal.getsignal(signal.SIGTERM) is before


@pytest.mark.parametrize(
    ("out", "code"),
    [("in.jsonl", "E121"), ("/dev/full", "E123"), (".", "E123"), ("in.jsonl/x.jsonl", "E123")],
)
def test_cli_output_errors_are_one_coded_line(tmp_path: Path, out: str, code: str) -> None:
    source = rows(tmp_path / "in.jsonl", 3)
    before = source.read_bytes()
    result = propscope("analyze", "in.jsonl", "--components", "segment", "-f", "json", "-o", out, cwd=tmp_path)
    assert result.returncode == 2 and error_line(result).startswith(f"propscope: error {code}:")
    assert source.read_bytes() == before


def test_cli_existing_output_needs_force(tmp_path: Path) -> None:
    rows(tmp_path / "in.jsonl", 2)
    (tmp_path / "out.jsonl").write_text("keep me\n")
    args = ("analyze", "in.jsonl", "--components", "segment", "-f", "json", "-o", "out.jsonl")
    result = propscope(*args, cwd=tmp_path)
    assert result.returncode == 2 and "E122" in error_line(result)
    assert (tmp_path / "out.jsonl").read_text() == "keep me\n"
    assert propscope(*args, "--force", cwd=tmp_path).returncode == 0
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 2


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_cli_signal_keeps_the_finished_documents_and_resume_completes_them(tmp_path: Path, signum: int) -> None:
    n = 3000
    rows(tmp_path / "in.jsonl", n, repeat=20)
    args = [sys.executable, "-m", "propscope", "analyze", "in.jsonl", "--components", "segment"]
    args += ["--batch-size", "1", "-f", "json", "-o", "out.jsonl"]
    process = subprocess.Popen(args, cwd=tmp_path, stderr=subprocess.PIPE, text=True, env=ENV)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(
        p.name.endswith(".partial") and p.stat().st_size > 0 for p in tmp_path.iterdir()
    ):
        time.sleep(0.01)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert f"interrupted by {signal.Signals(signum).name} after" in stderr and "--resume" in stderr
    done = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert 0 < len(done) < n and all(record["status"] == "ok" for record in done)
    resumed = propscope(*args[3:], "--resume", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    sources = [json.loads(line)["source"] for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert sorted(sources) == sorted(f"in.jsonl:{i}" for i in range(1, n + 1))
