"""The report's Content-Security-Policy in a real headless Chromium: its own script runs (allowed by
hash), an altered or injected script does not (no ``'unsafe-inline'`` for scripts)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from propscope.report import render_html
from propscope.report.html import content_security_policy

from .sample import Outcome, build_article

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
browser = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no chromium installed")
_TITLED_MARK = re.compile(r'<mark class="hl[^>]*\btitle=')


def dump_dom(page: str, tmp_path: Path) -> str:
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=90,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_policy_allows_no_inline_script_but_the_reports_own() -> None:
    policy = content_security_policy()
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "'sha256-" in script_src


@browser
def test_the_reports_script_runs_under_its_policy(tmp_path: Path) -> None:
    page = render_html([Outcome("bucha.txt", build_article(), None)])
    assert _TITLED_MARK.search(page)  # the script's first act is to drop these (it shows its own tooltips)
    dom = dump_dom(page, tmp_path)
    assert "<article" in dom and not _TITLED_MARK.search(dom)


@browser
def test_an_altered_or_injected_script_is_blocked(tmp_path: Path) -> None:
    page = render_html([Outcome("bucha.txt", build_article(), None)])
    altered = page.replace('"use strict";', '"use strict"; ', 1)  # one byte more: the hash no longer matches
    assert not _TITLED_MARK.search(dump_dom(page, tmp_path))
    assert _TITLED_MARK.search(dump_dom(altered, tmp_path))
    injected = page.replace("</main>", '<script>document.body.setAttribute("data-pwned", "1")</script></main>', 1)
    assert "<body data-pwned" not in dump_dom(injected, tmp_path)
    # The control: without the policy the same injected script runs, so the check above is not vacuous.
    no_policy = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", injected)
    assert "<body data-pwned" in dump_dom(no_policy, tmp_path)
