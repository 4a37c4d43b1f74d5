"""`propscope kb ...` through the real entry point."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from propscope.cli.main import main
from propscope.kb.paths import shipped_kb_path, user_kb_path


def test_import_twice_search_stats(tmp_path: Path, kb_fixtures: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb = tmp_path / "kb.sqlite"
    assert main(["kb", "import", "euvsdisinfo", str(kb_fixtures / "posts.csv"), "--kb", str(kb)]) == 0
    out, err = capsys.readouterr()
    assert "3 added" in out and "2 bad rows skipped" in out
    assert "line 4: no case URL" in err and "line 5: empty title" in err
    assert main(["kb", "import", "euvsdisinfo", str(kb_fixtures / "posts.csv"), "--kb", str(kb)]) == 0
    assert "0 added, 0 updated, 3 unchanged" in capsys.readouterr().out

    args = ["kb", "search", "Navalny poisoned by Western spies", "-k", "2", "--kb", str(kb), "--json"]
    assert main([*args, "--min-similarity", "0"]) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(hits) == 2 and hits[0]["kb_id"] == "euvsdisinfo:navalny-poisoning-is-a-western-provocation"
    assert hits[0]["url"].startswith("https://euvsdisinfo.eu/report/") and 0 < hits[0]["similarity"] <= 1

    assert main(["kb", "stats", "--kb", str(kb), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["records"] == 3 and stats["embedded"] == 3 and stats["sources"] == {"EUvsDisinfo": 3}
    assert stats["coverage"]["last_date"] == "2020-10-08" and stats["coverage"]["updated_at"]

    assert main(["kb", "stats", "--kb", str(kb)]) == 0
    words = capsys.readouterr().out
    assert "It holds 3 known claims from 1 source, dated 2016-05-02 to 2020-10-08:" in words
    assert "  - EUvsDisinfo: 3 records, 2016-05-02 to 2020-10-08 (imported with euvsdisinfo)" in words
    assert "Claims first made after 2020-10-08 cannot match" in words
    assert "Dense index: 3 of 3 records embedded" in words and "{" not in words
    # A KB given with --kb is not what analyze uses by default: stats says so and names the default.
    assert "'propscope analyze' uses " in words and "not this one (pass --kb to use it)" in words


def test_csv_import_with_map(tmp_path: Path, kb_fixtures: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb = tmp_path / "kb.sqlite"
    code = main(
        ["kb", "import", "csv", str(kb_fixtures / "claims.csv"), "--kb", str(kb),
         "--map", "claim=Claim,url=Link,rating=Verdict", "--source", "Checks"]
    )
    assert code == 0 and "1 added" in capsys.readouterr().out
    assert main(["kb", "import", "csv", str(kb_fixtures / "claims.csv"), "--kb", str(kb), "--map", "url=Link"]) == 4
    assert "E300" in capsys.readouterr().err


def test_run_file_format_and_score(tmp_path: Path, kb_fixtures: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb = tmp_path / "kb.sqlite"
    main(["kb", "import", "csv", str(kb_fixtures / "claims.csv"), "--kb", str(kb), "--map", "id=Link,claim=Claim"])
    main(["kb", "import", "checkthat2022", str(kb_fixtures / "vclaims"), "--kb", str(kb)])
    # qrels name the csv record by its id column: rewrite the fixture's short id to the URL id.
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text(
        (kb_fixtures / "qrels.tsv").read_text(encoding="utf-8").replace("great-wall", "https://checks.example.org/great-wall"),
        encoding="utf-8",
    )
    run = tmp_path / "out.run"
    capsys.readouterr()
    assert main(["kb", "run", "--queries", str(kb_fixtures / "queries.tsv"), "--out", str(run), "-k", "3",
                 "--kb", str(kb), "--tag", "mytag"]) == 0
    lines = run.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 6
    pattern = re.compile(r"^(q1|q2)\tQ0\t\S+\t[123]\t-?\d+\.\d{6}\tmytag$")
    assert all(pattern.match(line) for line in lines), lines
    for qid in ("q1", "q2"):
        rows = [line.split("\t") for line in lines if line.startswith(qid + "\t")]
        assert [int(r[3]) for r in rows] == [1, 2, 3]
        scores = [float(r[4]) for r in rows]
        assert scores == sorted(scores, reverse=True) and len(set(scores)) == 3
    assert main(["kb", "score", "--qrels", str(qrels), "--run", str(run)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split("\t") == ["MAP@1", "MAP@3", "MAP@5", "MAP@10", "MRR"]
    assert out.splitlines()[1].split("\t") == ["1.0000"] * 5


def test_default_kb_is_the_shipped_one_until_the_user_builds_one(capsys: pytest.CaptureFixture[str]) -> None:
    if not shipped_kb_path().is_file():
        pytest.skip("the shipped KB is not built in this tree")
    assert main(["kb", "search", "White Helmets staged chemical attacks in Syria", "-k", "1", "--json"]) == 0
    hit = json.loads(capsys.readouterr().out)
    assert hit["source"] == "EUvsDisinfo" and hit["similarity"] > 0.7
    assert not user_kb_path().exists()


def test_import_without_kb_starts_from_the_shipped_kb(kb_fixtures: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not shipped_kb_path().is_file():
        pytest.skip("the shipped KB is not built in this tree")
    assert main(["kb", "import", "checkthat2022", str(kb_fixtures / "vclaims")]) == 0
    assert user_kb_path().is_file()
    capsys.readouterr()
    assert main(["kb", "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["sources"]["Snopes"] == 2 and stats["sources"]["EUvsDisinfo"] > 10000
    assert stats["kind"] == "user" and stats["is_analyze_default"]
    assert main(["kb", "stats"]) == 0
    words = capsys.readouterr().out
    assert ": your knowledge base." in words and "'propscope analyze' uses this knowledge base" in words
    assert "  - Snopes: 2 records" in words and "  - EUvsDisinfo: 10,892 records, 2015-01-06 to 2021-02-18" in words


def test_missing_kb_is_a_coded_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "search", "anything", "--kb", str(tmp_path / "none.sqlite")]) == 4
    assert "E300" in capsys.readouterr().err


def test_build_default_from_fixture_folder(tmp_path: Path, kb_fixtures: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    (data / "euvsdisinfo").mkdir(parents=True)
    (data / "euvsdisinfo" / "posts.csv").write_bytes((kb_fixtures / "posts.csv").read_bytes())
    (data / "checkthat-2022-t2a" / "vclaims").mkdir(parents=True)
    for file in (kb_fixtures / "vclaims").glob("*.json"):
        (data / "checkthat-2022-t2a" / "vclaims" / file.name).write_bytes(file.read_bytes())
    out = tmp_path / "default.sqlite"
    assert main(["kb", "build-default", "--data", str(data), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "euvsdisinfo: 3 records" in text and "checkthat2022: 2 records" in text and "5 records" in text
    assert main(["kb", "build-default", "--data", str(tmp_path / "nowhere"), "--out", str(out)]) == 2


def test_stats_of_the_shipped_kb_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    if not shipped_kb_path().is_file():
        pytest.skip("the shipped KB is not built in this tree")
    assert main(["kb", "stats"]) == 0
    words = capsys.readouterr().out
    assert words.startswith(f"{shipped_kb_path()}: the knowledge base shipped with propscope.")
    assert "It holds 10,892 known claims from 1 source, dated 2015-01-06 to 2021-02-18:" in words
    assert "'propscope analyze' uses this knowledge base (no --kb needed)." in words
    assert "You have no knowledge base of your own yet" in words
    # No path is printed that does not exist.
    for token in words.split():
        if token.startswith("/"):
            assert Path(token.rstrip(":.,")).exists(), token


def test_search_hides_weak_hits_and_calls_nothing_the_same_claim_without_a_reranker(
    tmp_path: Path, kb_fixtures: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kb = tmp_path / "kb.sqlite"
    assert main(["kb", "import", "euvsdisinfo", str(kb_fixtures / "posts.csv"), "--kb", str(kb)]) == 0
    capsys.readouterr()
    assert main(["kb", "search", "The bakery opens at nine on Sundays.", "-k", "3", "--kb", str(kb), "--no-rerank"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "not shown (--min-similarity 0 shows them)" in err and "no match" in err
    assert main(["kb", "search", "Navalny was poisoned by Western intelligence", "-k", "1", "--kb", str(kb), "--no-rerank"]) == 0
    out = capsys.readouterr().out
    assert "navalny" in out.lower() and "cosine " in out
    assert "similar, not verified as the same claim;" in out and "\n   same claim" not in out
