"""Issue 13 item 4, the round trip: corrections made over HTTP (a real uvicorn server and the REST API)
reach the export, an undo over HTTP takes one back out, a tiny model retrained with the export
(``propscope train techniques --head-only --corrections DIR``) changes its reading of the corrected
passages, and the re-analysis with it is stored beside the analysis the corrections were made on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from propscope.cli.main import main
from propscope.ptc.corpus import read_articles, read_labels
from tests.api.conftest import Api, start
from tests.corrections.test_reanalyze import old_analysis
from tests.techniques.test_overfitting import ARTICLES


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from start(tmp_path / "api")


def test_api_corrections_reach_the_export_and_reanalysis_keeps_the_old_analysis(
    api: Api, tiny_technique_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = ARTICLES["1002"]
    article_id = api.store.save(old_analysis(text), "old-model", source="market.txt").article_id
    phrase = "radical mob"
    start_at = text.index(phrase)
    with api.client("reviewer") as client:
        url = f"/v1/articles/{article_id}/corrections"
        assert client.post(url, json={"target": "technique", "action": "reject", "index": 1}).status_code == 201
        added = client.post(url, json={"target": "technique", "action": "add", "technique": "Name_Calling,Labeling",
                                       "start": start_at, "end": start_at + len(phrase)})
        assert added.status_code == 201
        mistake = client.post(url, json={"target": "technique", "action": "relabel", "index": 0, "technique": "Slogans"})
        assert client.delete(f"{url}/{mistake.json()['id']}").status_code == 204  # the web page's Undo
    with api.client("reader") as client:
        assert client.post(f"/v1/articles/{article_id}/corrections", json={"target": "technique", "action": "accept",
                                                                         "index": 0}).status_code == 403

    out = tmp_path / "corrections"
    assert main(["corrections", "export", "--store", api.store.url, "--kind", "techniques", "--out", str(out)]) == 0
    decisions = [json.loads(line) for line in (out / "decisions.jsonl").read_text(encoding="utf-8").splitlines()]
    doubt = old_analysis(text).techniques[1]
    assert sorted((d["decision"], d["technique"], d["excerpt"], d["author"]) for d in decisions) == [
        ("add", "Name_Calling,Labeling", phrase, "reviewer"),
        ("reject", "Doubt", text[doubt.start : doubt.end], "reviewer"),
    ]
    (article_key,) = read_articles(out / "articles")
    assert read_articles(out / "articles")[article_key] == text
    assert [(s.technique, s.start, s.end) for s in read_labels(out / "labels.tsv")] == [
        ("Name_Calling,Labeling", start_at, start_at + len(phrase))]

    adapted = tmp_path / "adapted"
    assert main(["train", "techniques", "--data", str(tiny_technique_model.parent / "ptc"), "--out", str(adapted),
                 "--head-only", "--from", str(tiny_technique_model), "--corrections", str(out),
                 "--corrections-weight", "20", "--steps", "300"]) == 0
    rejected = (doubt.start, doubt.end)
    added_at = (start_at, start_at + len(phrase))
    assert probability(adapted, text, "Doubt", rejected) < probability(tiny_technique_model, text, "Doubt", rejected) - 0.1
    assert probability(adapted, text, "Name_Calling,Labeling", added_at) > probability(
        tiny_technique_model, text, "Name_Calling,Labeling", added_at) - 0.01  # it had it right; it keeps it

    capsys.readouterr()
    assert main(["reanalyze", "--store", api.store.url, "--model", str(adapted), "--all-spans", "--json"]) == 0
    (change,) = json.loads(capsys.readouterr().out)["articles"]
    with api.client("reader") as client:
        current = client.get(f"/v1/articles/{article_id}").json()
        old = client.get(f"/v1/articles/{article_id}", params={"analysis_id": change["old_analysis"]}).json()
    assert [a["id"] for a in current["analyses"]] == [change["new_analysis"], change["old_analysis"]]
    assert current["analysis"]["id"] == change["new_analysis"] != change["old_analysis"]
    assert [(t["technique"], t["start"], t["end"]) for t in old["document"]["techniques"]] == [
        (s.technique, s.start, s.end) for s in old_analysis(text).techniques]
    assert {c["analysis_id"] for c in current["corrections"]} == {change["old_analysis"]}
    # the export reads the analysis each correction was made on, not the new current one
    again = tmp_path / "again"
    assert main(["corrections", "export", "--store", api.store.url, "--kind", "techniques", "--out", str(again)]) == 0
    assert (again / "decisions.jsonl").read_bytes() == (out / "decisions.jsonl").read_bytes()


def probability(model_dir: Path, text: str, technique: str, span: tuple[int, int]) -> float:
    """The model's mean token probability of ``technique`` over the characters ``span`` of ``text``."""
    from propscope.components.techniques import TechniqueModel
    from propscope.ptc import tagging

    model = TechniqueModel.load(model_dir)
    (out,) = model.outputs([text])
    a, b = tagging.token_range(out.offsets, *span)
    return float(out.probs[a:b, model.labels.index(technique)].mean())
