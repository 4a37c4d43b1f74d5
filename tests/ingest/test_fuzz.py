"""Fuzzing the ingest entry points with hypothesis (bounded: a fixed number of examples, no deadline
per example): whatever the bytes, the result is an article or a coded error, never an exception."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from propscope.errors import BadRecord, PropscopeError
from propscope.ingest import load_inputs
from propscope.ingest.text import decode_bytes
from propscope.jsonsafe import loads
from propscope.kb.importers import read_source
from propscope.kb.record import BadRow, KBRecord
from propscope.options import IngestOptions

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
OPTIONS = IngestOptions(max_bytes=64 * 1024)

# Bytes that look a little like text: mixtures of ASCII, UTF-8, cp1252, NULs and markup.
textish = st.lists(
    st.one_of(
        st.binary(max_size=40),
        st.text(max_size=40).map(lambda t: t.encode("utf-8")),
        st.text(alphabet="éüß“”–€", max_size=10).map(lambda t: t.encode("cp1252")),
        st.sampled_from([b"\x00", b"<p>", b"</div>", b"<html><body>", b"\xef\xbb\xbf", b"\xff\xfe", b"[", b"{"]),
    ),
    max_size=30,
).map(b"".join)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25,
)


@FUZZ
@given(textish)
def test_decode_bytes_gives_text_or_a_coded_error(data: bytes) -> None:
    try:
        text = decode_bytes(data, "fuzz", OPTIONS)
    except PropscopeError as exc:
        assert exc.code.startswith("E1")
        return
    assert isinstance(text, str) and "\x00" not in text


@FUZZ
@given(textish, st.sampled_from([".txt", ".html", ".jsonl", ".csv"]))
def test_load_inputs_never_raises(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        for result in load_inputs([str(path)], OPTIONS):
            assert (result.article is None) != (result.error is None)
            if result.error is not None:
                assert isinstance(result.error, PropscopeError) and result.error.code.startswith("E1")


@FUZZ
@given(st.text(alphabet='[]{}",:\\ ab1', max_size=300))
def test_json_with_limits_parses_or_says_why(text: str) -> None:
    try:
        loads(text, "fuzz", max_depth=8)
    except BadRecord:
        pass


@FUZZ
@given(json_values)
def test_claimreview_of_any_shape_gives_records_or_bad_rows(value: object) -> None:
    review = {"@type": "ClaimReview", "claimReviewed": "The pictures were staged"}
    if isinstance(value, dict):
        review.update(value)
        review["@type"] = "ClaimReview"
    else:
        review["keywords"] = value
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "review.json"
        path.write_text(json.dumps(review))
        for row in read_source("claimreview", path):
            assert isinstance(row, (KBRecord, BadRow))
            if isinstance(row, KBRecord):
                for text in (row.claim, row.title, row.url, row.source, row.rating, row.date, *row.keywords):
                    assert text is None or isinstance(text, str)
