"""The Ray engine on a local Ray and on a simulated two-node cluster: the same results as the local engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propscope.batch import BatchOptions, run_batch
from propscope.options import EngineConfig

from .test_batch import SEGMENT, annotating_analyzer, batch_marking_analyzer, jsonl_records, write_corpus

ray = pytest.importorskip("ray")
pa = pytest.importorskip("pyarrow")
import pyarrow.dataset as pads  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

pytestmark = pytest.mark.slow

# Ray workers import the test component (tests/batch/test_batch.py) by its module name.
RUNTIME = {"env_vars": {"PYTHONPATH": f"{Path(__file__).resolve().parents[1]}:{Path(__file__).resolve().parents[2] / 'src'}"}}


def comparable(out: Path) -> dict[str, dict]:
    """The records by id, without the input address (Ray names records path#id, local path:line)."""
    records = {}
    for record in jsonl_records(out):
        record.pop("source")
        record["metadata"].pop("source")
        records[record["id"]] = record
    return records


def articles_table(out: Path) -> list[dict]:
    rows = pads.dataset(out / "articles").to_table().drop_columns(["source"]).to_pylist()
    return sorted(rows, key=lambda row: row["article_id"])


def test_ray_equals_local_resumes_and_reads_parquet(tmp_path: Path) -> None:
    # Two one-CPU actors and a CPU for Ray Data's read tasks.
    ray.init(num_cpus=3, include_dashboard=False, log_to_driver=False, runtime_env=RUNTIME)
    try:
        corpus = write_corpus(tmp_path / "in.jsonl", 24, bad=[4], boom=[9])
        local, on_ray = tmp_path / "local", tmp_path / "ray"
        expected = run_batch([str(corpus)], BatchOptions(out=local, chunk_size=5), factory=annotating_analyzer)
        options = BatchOptions(out=on_ray, chunk_size=5, engine="ray", workers=2)
        got = run_batch([str(corpus)], options, factory=annotating_analyzer)
        assert (got.ok, got.failed) == (expected.ok, expected.failed) == (22, 2)
        assert comparable(on_ray) == comparable(local)
        assert articles_table(on_ray) == articles_table(local)
        options.resume = True
        again = run_batch([str(corpus)], options, factory=annotating_analyzer)
        assert (again.ok, again.failed, again.skipped_done) == (0, 0, 24)  # ok and failed earlier

        # The actors analyse the batches the local engine forms: consecutive records, batch_size each.
        clean = write_corpus(tmp_path / "clean.jsonl", 12)
        local, on_ray = tmp_path / "local-batches", tmp_path / "ray-batches"
        run_batch([str(clean)], BatchOptions(out=local, batch_size=5), factory=batch_marking_analyzer)
        run_batch([str(clean)], BatchOptions(out=on_ray, batch_size=5, engine="ray", workers=2), factory=batch_marking_analyzer)
        assert comparable(on_ray) == comparable(local)
        assert {r["metadata"]["batch"] for r in comparable(local).values()} == {
            "doc0,doc1,doc2,doc3,doc4", "doc5,doc6,doc7,doc8,doc9", "doc10,doc11"}

        rows = [json.loads(line) for line in clean.read_text().splitlines()]
        pq.write_table(pa.Table.from_pylist(rows), tmp_path / "in.parquet", row_group_size=5)
        local, on_ray = tmp_path / "local-pq", tmp_path / "ray-pq"
        run_batch([str(tmp_path / "in.parquet")], BatchOptions(out=local), settings=SEGMENT)
        run_batch([str(tmp_path / "in.parquet")], BatchOptions(out=on_ray, engine="ray", workers=2), settings=SEGMENT)
        assert comparable(on_ray) == comparable(local) and len(comparable(local)) == 12
    finally:
        ray.shutdown()


def test_two_node_cluster_gives_the_local_results(tmp_path: Path) -> None:
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 2})
    cluster.add_node(num_cpus=1)
    try:
        ray.init(address=cluster.address, log_to_driver=False, runtime_env=RUNTIME)
        corpus = write_corpus(tmp_path / "in.jsonl", 16, bad=[2])
        local, on_ray = tmp_path / "local", tmp_path / "ray"
        run_batch([str(corpus)], BatchOptions(out=local), factory=annotating_analyzer)
        summary = run_batch(
            [str(corpus)], BatchOptions(out=on_ray, engine="ray", workers=2), EngineConfig(threads=1), factory=annotating_analyzer
        )
        assert (summary.ok, summary.failed) == (15, 1)
        assert comparable(on_ray) == comparable(local)
    finally:
        ray.shutdown()
        cluster.shutdown()
