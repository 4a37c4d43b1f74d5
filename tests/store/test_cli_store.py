"""The store's commands, run as a user runs them: db upgrade/status, token create/list/revoke,
analyze --store (twice: stored once)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from propscope.store import ArticleQuery, Store

ROOT = Path(__file__).resolve().parents[2]


def propscope(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PROPSCOPE_HOME": str(home), "PYTHONPATH": str(ROOT / "src")}
    env.pop("PROPSCOPE_DB", None)
    return subprocess.run([sys.executable, "-m", "propscope", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)


@pytest.mark.slow
def test_db_token_and_analyze_store(tmp_path: Path) -> None:
    upgraded = propscope(tmp_path, "db", "upgrade")
    assert upgraded.returncode == 0 and "is at revision" in upgraded.stdout
    assert (tmp_path / "propscope.db").is_file()
    created = propscope(tmp_path, "token", "create", "--name", "ana", "--role", "reviewer")
    token = created.stdout.strip()
    assert created.returncode == 0 and token.startswith("psk_") and "shown only now" in created.stderr
    again = propscope(tmp_path, "token", "create", "--name", "ana")
    assert again.returncode == 2 and again.stderr.strip() == "propscope: error E504: a token named 'ana' exists"
    listed = propscope(tmp_path, "token", "list")
    assert listed.stdout.startswith("ana\treviewer\t") and token not in listed.stdout
    for _ in range(2):
        analysed = propscope(tmp_path, "analyze", "examples/article.txt", "--store", "--components", "segment,techniques,claims",
                             "-f", "json")
        assert analysed.returncode == 0, analysed.stderr
    assert "stored 0 new analyses (1 already in the store)" in analysed.stderr
    store = Store.open(f"sqlite:///{tmp_path / 'propscope.db'}")
    page = store.list_articles(ArticleQuery())
    assert page["total"] == 1 and page["items"][0]["analysis"]["techniques"] > 0
    assert store.authenticate(token) is not None
    store.close()
    assert propscope(tmp_path, "token", "revoke", "ana").returncode == 0
    status = propscope(tmp_path, "db", "status")
    assert status.stdout.strip().endswith("revision 0003 (newest: 0003)")
    bad = propscope(tmp_path, "db", "upgrade", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert bad.returncode == 5 and bad.stderr.startswith("propscope: error E500: cannot reach database") and len(bad.stderr.splitlines()) == 1
