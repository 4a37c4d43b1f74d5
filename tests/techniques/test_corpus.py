"""The PTC loader on a tiny release written here (offsets count characters as read with newline='')."""

from __future__ import annotations

from pathlib import Path

import pytest

from propscope.errors import BadRecord, DataError, InputNotFound
from propscope.ptc import load_corpus, read_article, read_labels, split_ids, write_labels
from propscope.ptc.corpus import LabelledSpan, load_unlabelled

TEXT_CRLF = "Title here\r\n\r\nThe evil regime lies.\r\nNothing else.\r\n"


def write_release(root: Path, labels: str) -> Path:
    (root / "train-articles").mkdir(parents=True)
    (root / "unlabelled-articles").mkdir()
    (root / "train-articles" / "article7.txt").write_bytes(TEXT_CRLF.encode("utf-8"))
    (root / "train-articles" / "article8.txt").write_text("Plain. No techniques.\n", encoding="utf-8")
    (root / "train-articles" / "notes.md").write_text("not an article", encoding="utf-8")
    (root / "unlabelled-articles" / "article9.txt").write_text("Unlabelled text.\n", encoding="utf-8")
    (root / "train-task2-TC.labels").write_text(labels, encoding="utf-8")
    return root


def test_offsets_count_carriage_returns(tmp_path: Path) -> None:
    start = TEXT_CRLF.index("evil regime")
    root = write_release(tmp_path, f"7\tName_Calling,Labeling\t{start}\t{start + 11}\n")
    assert read_article(root / "train-articles" / "article7.txt") == TEXT_CRLF
    corpus = load_corpus(root)
    assert corpus.ids == ["7", "8"]
    span = corpus.spans["7"][0]
    assert corpus.texts["7"][span.start : span.end] == "evil regime"
    assert corpus.spans["8"] == []
    assert load_unlabelled(root) == {"9": "Unlabelled text.\n"}


def test_the_parent_folder_of_the_release_is_accepted(tmp_path: Path) -> None:
    write_release(tmp_path / "ptc-2020", "7\tDoubt\t0\t5\n")
    assert load_corpus(tmp_path).ids == ["7", "8"]


def test_si_and_tc_files_and_templates(tmp_path: Path) -> None:
    path = tmp_path / "x.labels"
    path.write_text("7\t3\t9\n\n8\t?\t0\t4\r\n", encoding="utf-8")
    assert read_labels(path) == [LabelledSpan("7", 3, 9), LabelledSpan("8", 0, 4, "?")]
    out = tmp_path / "out.labels"
    write_labels(out, [LabelledSpan("7", 3, 9, "Doubt")], with_technique=True)
    assert out.read_text(encoding="utf-8") == "7\tDoubt\t3\t9\n"
    write_labels(out, [LabelledSpan("7", 3, 9, "Doubt")], with_technique=False)
    assert out.read_text(encoding="utf-8") == "7\t3\t9\n"


@pytest.mark.parametrize("line", ["7\tDoubt\tx\t9", "7\t9", "7\tDoubt\t9\t3", "7\ta\tb\tc\td"])
def test_bad_lines_name_the_file_and_line(tmp_path: Path, line: str) -> None:
    path = tmp_path / "bad.labels"
    path.write_text("7\tDoubt\t0\t4\n" + line + "\n", encoding="utf-8")
    with pytest.raises(BadRecord, match="bad.labels:2"):
        read_labels(path)


def test_spans_beyond_the_text_or_unknown_articles_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="ends after"):
        load_corpus(write_release(tmp_path / "a", "7\tDoubt\t0\t999\n"))
    with pytest.raises(DataError, match="lacks"):
        load_corpus(write_release(tmp_path / "b", "123\tDoubt\t0\t4\n"))
    with pytest.raises(InputNotFound):
        load_corpus(tmp_path / "nowhere")


def test_split_is_by_article_fixed_and_disjoint() -> None:
    ids = [str(i) for i in range(100, 200)]
    rest, held = split_ids(ids, 0.15, seed=2020)
    assert len(held) == 15 and len(rest) == 85
    assert not set(rest) & set(held) and sorted(rest + held) == ids
    assert split_ids(list(reversed(ids)), 0.15, seed=2020) == (rest, held)
    assert split_ids(ids, 0.15, seed=1)[1] != held
