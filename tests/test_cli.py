"""The CLI through its real entry point (a subprocess running ``python -m propscope``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from propscope.schema import article_from_dict

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


def propscope(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "propscope", *args],
        input=stdin,
        capture_output=True,
        timeout=300,
        cwd=cwd,
    )


def one_line_error(result: subprocess.CompletedProcess[bytes]) -> str:
    assert result.returncode != 0
    err = result.stderr.decode().strip()
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("propscope: error")]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_analyze_txt_in_every_format(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"report.{fmt}"
    result = propscope("analyze", str(EXAMPLES / "article.txt"), "--format", fmt, "--out", str(out))
    assert result.returncode == 0, result.stderr.decode()
    content = out.read_text(encoding="utf-8")
    source = (EXAMPLES / "article.txt").read_text(encoding="utf-8")
    if fmt == "json":
        article = article_from_dict(json.loads(content))
        assert article.text == source
        assert article.sentences and article.components
        for span in article.sentences:
            assert article.text[span.start : span.end].strip() == article.text[span.start : span.end]
        for technique in article.techniques:
            assert 0 <= technique.start < technique.end <= len(article.text)
        for claim in article.claims:
            assert article.text[claim.start : claim.end] == claim.text
    elif fmt == "html":
        assert content.startswith("<!DOCTYPE html>")
        assert "Bucha" in content
    else:
        assert "Bucha" in content
        assert "\x1b[" not in content


def test_analyze_html_escapes_script(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = propscope("analyze", str(EXAMPLES / "article.html"), "--format", "html", "--out", str(out))
    assert result.returncode == 0, result.stderr.decode()
    page = out.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page


def test_analyze_html_with_script_in_text_shows_it_escaped(tmp_path: Path) -> None:
    source = tmp_path / "note.txt"
    source.write_text("The minister said <script>alert('x')</script> was nothing but a lie by the West.\n")
    out = tmp_path / "r.html"
    result = propscope("analyze", str(source), "--format", "html", "--out", str(out))
    assert result.returncode == 0, result.stderr.decode()
    page = out.read_text(encoding="utf-8")
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;" in page


def test_analyze_stdin_json() -> None:
    text = "Foreign Minister Sergey Lavrov said the Bucha massacre was staged by Kyiv.\n"
    result = propscope("analyze", "-", "--format", "json", stdin=text.encode())
    assert result.returncode == 0, result.stderr.decode()
    record = json.loads(result.stdout)
    assert record["status"] == "ok"
    assert record["text"] == text


def test_analyze_jsonl_batch_goes_on_past_bad_documents(tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        json.dumps({"id": "a", "text": "The government claimed that inflation fell to 2 percent in March."}) + "\n"
        + "{broken json\n"
        + json.dumps({"id": "c", "text": "Die Regierung hat gestern angekündigt, dass die Steuern im nächsten Jahr deutlich steigen werden."}) + "\n",
        encoding="utf-8",
    )
    result = propscope("analyze", str(batch), "--format", "json")
    assert result.returncode == 1  # some documents failed, not all
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [r["status"] for r in records] == ["ok", "error", "error"]
    assert records[1]["error"]["code"] == "E108"
    assert records[2]["error"]["code"] == "E106"
    assert "skipped" in result.stderr.decode()


def test_missing_file(tmp_path: Path) -> None:
    line = one_line_error(propscope("analyze", str(tmp_path / "nope.txt")))
    assert "E101" in line


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    assert "E102" in one_line_error(propscope("analyze", str(empty)))


def test_binary_file(tmp_path: Path) -> None:
    binary = tmp_path / "image.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    assert "E103" in one_line_error(propscope("analyze", str(binary)))


def test_too_large(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000)
    assert "E105" in one_line_error(propscope("analyze", str(big), "--max-bytes", "100"))


def test_unsupported_language_and_force(tmp_path: Path) -> None:
    german = tmp_path / "de.txt"
    german.write_text(
        "Die Bundesregierung hat am Montag beschlossen, die Hilfen für die Ukraine deutlich zu erhöhen. "
        "Der Kanzler sagte, man werde das Land so lange wie nötig unterstützen.\n",
        encoding="utf-8",
    )
    assert "E106" in one_line_error(propscope("analyze", str(german)))
    forced = propscope("analyze", str(german), "--force-language", "--format", "json")
    assert forced.returncode == 0, forced.stderr.decode()
    assert json.loads(forced.stdout)["language"] == "de"


def test_private_url_is_refused() -> None:
    line = one_line_error(propscope("analyze", "http://127.0.0.1:9/article"))
    assert "E111" in line


def test_version_and_help() -> None:
    assert propscope("--version").stdout.decode().startswith("propscope ")
    help_text = propscope("--help").stdout.decode()
    for command in ("analyze", "train", "ptc", "claims", "kb"):
        assert command in help_text


def test_match_options_limit_the_matches(tmp_path: Path) -> None:
    result = propscope(
        "analyze", str(EXAMPLES / "article.txt"), "--format", "json", "--matches", "1", "--match-threshold", "0.65"
    )
    assert result.returncode == 0, result.stderr.decode()
    claims = json.loads(result.stdout)["claims"]
    assert claims
    for claim in claims:
        assert len(claim["matches"]) <= 1
        assert all(match["similarity"] >= 0.65 for match in claim["matches"])


def test_reports_say_which_kb_and_warn_about_articles_newer_than_it(tmp_path: Path) -> None:
    """The shipped KB ends 2021-02-18: a 2022 article's report says so, and words 'no match' with it."""
    from propscope.kb.paths import shipped_kb_path

    if not shipped_kb_path().is_file():
        pytest.skip("the shipped KB is not built in this tree")
    record = {"id": "bucha", "date": "2022-04-05", "text": "Russian officials said the massacre in Bucha was staged "
              "by Ukraine. The White Helmets staged the chemical attack in Douma, Fars News wrote."}
    batch = tmp_path / "news.jsonl"
    batch.write_text(json.dumps(record) + "\n", encoding="utf-8")
    home = tmp_path / "home"  # no KB of the user's own: the shipped one is used
    env_args = ("env", f"PROPSCOPE_HOME={home}", sys.executable, "-m", "propscope")
    done = subprocess.run([*env_args, "analyze", str(batch), "--format", "json"], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    line = json.loads(done.stdout)
    kb = line["knowledge_base"]
    assert (kb["kind"], kb["last_date"], kb["sources"][0]["name"]) == ("shipped", "2021-02-18", "EUvsDisinfo")
    matched = [m for c in line["claims"] for m in c["matches"]]
    assert all(m["verdict"] == "disinformation case" and m["relation"] in ("repeats", "reports") for m in matched)
    text = subprocess.run([*env_args, "analyze", str(batch)], capture_output=True, timeout=300).stdout.decode()
    flat = " ".join(text.split())
    assert "Known claims were looked up in the knowledge base shipped with propscope: 10,892 records" in flat
    assert "Note: the knowledge base ends 2021-02-18 and the article is dated 2022-04-05" in flat
    assert "rated: disinformation" not in flat
