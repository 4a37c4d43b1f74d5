"""``propscope kb import|update|search|stats|run|score|build-default``: the knowledge base of known claims."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path

import typer

from propscope.errors import KnowledgeBaseError
from propscope.eval.retrieval import RunLine, format_scores, read_qrels, read_queries, read_run, score_run, write_run
from propscope.kb.build import DEFAULT_SOURCES, build_kb
from propscope.kb.coverage import record_coverage
from propscope.kb.importers import IMPORTERS, read_source
from propscope.kb.importers.csv import parse_map
from propscope.kb.paths import default_kb_path, shipped_kb_path, user_kb_path, writable_kb_path
from propscope.kb.search import KnowledgeBase, Progress, SearchSettings

app = typer.Typer(help="The knowledge base of fact-checks and disinformation cases.", no_args_is_help=True)

KB_OPTION = typer.Option(None, "--kb", help="Knowledge base file (default: your KB, else the shipped one).")
EMBEDDER_OPTION = typer.Option(None, "--embedder", help="Embedder model directory (default: the shipped one).")
RERANK_OPTION = typer.Option(True, "--rerank/--no-rerank", help="Re-score the best hits with the same-claim re-ranker.")
RERANKER_OPTION = typer.Option(None, "--reranker", help="Re-ranker model directory (default: the shipped one).")


class Mode(str, Enum):
    hybrid = "hybrid"
    lexical = "lexical"
    dense = "dense"


def _readable(kb: Path | None) -> Path:
    path = kb or default_kb_path()
    if path is None:
        raise KnowledgeBaseError(
            "no knowledge base: build one with 'propscope kb build-default --data DIR' or 'propscope kb import'"
        )
    if not path.is_file():
        raise KnowledgeBaseError(f"no knowledge base at {path}")
    return path


@contextmanager
def _progress() -> Iterator[Progress]:
    """A rich progress bar on stderr, one task per phase ('embedding', ...)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeRemainingColumn

    bar = Bar(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=Console(stderr=True), transient=True,
    )
    tasks: dict[str, int] = {}

    def update(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            tasks[phase] = bar.add_task(phase, total=max(total, 1))
        bar.update(tasks[phase], completed=done, total=max(total, 1))

    with bar:
        yield update


@app.command("import")
def import_command(
    kind: str = typer.Argument(..., help=f"One of: {', '.join(IMPORTERS)}."),
    path: Path = typer.Argument(..., help="File or folder to import."),
    kb: Path | None = KB_OPTION,
    column_map: str | None = typer.Option(None, "--map", help="csv: FIELD=COLUMN pairs, e.g. claim=Claim,url=Link."),
    source: str | None = typer.Option(None, "--source", help="csv: source name for rows without a source column."),
    list_sep: str = typer.Option(";", "--list-sep", help="csv: separator inside keywords/outlets cells."),
    embedder: Path | None = EMBEDDER_OPTION,
) -> None:
    """Import known claims; the same data twice adds nothing; bad rows are reported and skipped."""
    options: dict[str, object] = {}
    if kind == "csv":
        options = {"map": parse_map(column_map or "claim=claim"), "source": source, "list_separator": list_sep}
    elif column_map:
        raise KnowledgeBaseError("--map is for the csv importer only")
    target = writable_kb_path(kb)
    rows = read_source(kind, path, options)
    with KnowledgeBase.open(target, readonly=False, embedder_path=embedder) as base, _progress() as progress:
        report = base.import_rows(rows, progress)
        total = base.store.count()
        record_coverage(base.store)
    for bad in report.bad:
        typer.echo(f"propscope: skipped {path.name} {bad}", err=True)
    typer.echo(
        f"{kind}: {report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.bad)} bad rows skipped; {total} records in {target}"
    )


# Below this cosine, hits are noise: of the 50 labelled news pairs at 0.35-0.45, 47 are "different",
# 3 "related" and none "same" (eval/news_pairs).
SEARCH_FLOOR = 0.45


@app.command("search")
def search_command(
    text: str = typer.Argument(..., help="A claim to look up."),
    k: int = typer.Option(5, "-k", min=1, max=100, help="How many hits."),
    kb: Path | None = KB_OPTION,
    mode: Mode = typer.Option(Mode.hybrid, "--mode", help="hybrid, lexical (BM25) or dense."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per hit."),
    embedder: Path | None = EMBEDDER_OPTION,
    rerank: bool = RERANK_OPTION,
    reranker: Path | None = RERANKER_OPTION,
    min_similarity: float = typer.Option(
        SEARCH_FLOOR, "--min-similarity", min=0.0, max=1.0,
        help="Hide hits with a lower cosine similarity (0 shows all k).",
    ),
) -> None:
    """Search the knowledge base for claims like TEXT."""
    settings = SearchSettings(mode=mode.value, rerank=rerank)
    with KnowledgeBase.open(
        _readable(kb), settings=settings, embedder_path=embedder, reranker_path=reranker if rerank else None
    ) as base:
        found = base.search(text, k)
    hits = [hit for hit in found if hit.similarity >= min_similarity]
    for rank, hit in enumerate(hits, start=1):
        match = hit.to_match()
        if as_json:
            decision = {"rerank_score": hit.rerank_score, "same_claim": hit.same_claim}
            typer.echo(json.dumps({"rank": rank, "score": round(hit.score, 4), **_asdict(match), **decision}, ensure_ascii=False))
            continue
        meta = ", ".join(x for x in (match.source, match.date, match.rating) if x)
        if hit.rerank_score is not None:
            same = ("same claim" if hit.same_claim else "not the same claim") + f" (P={hit.rerank_score:.2f})"
        else:
            # The cosine rule was calibrated on tweets against Snopes claims; on news it means only
            # "similar" (eval/news_pairs), so without a re-ranker no hit is called the same claim.
            same = "similar, not verified as the same claim" if hit.same_claim else "weakly similar"
        scores = f"score {hit.score:.2f}, cosine {match.similarity:.2f}"
        typer.echo(f"{rank}. [{scores}] {match.claim}\n   {same}; {meta} — {match.url or match.kb_id}")
    hidden = len(found) - len(hits)
    if hidden:
        typer.echo(f"{hidden} weaker hit(s) below cosine {min_similarity:.2f} not shown (--min-similarity 0 shows them)", err=True)
    if not hits:
        typer.echo("no match", err=True)


def _asdict(match: object) -> dict[str, object]:
    return {name: getattr(match, name) for name in match.__slots__}  # type: ignore[attr-defined]


@app.command("stats")
def stats_command(
    kb: Path | None = KB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="The same facts as one JSON object."),
) -> None:
    """What the knowledge base holds and covers (sources, dates, updates), and which KB analyze uses."""
    from propscope.kb.describe import describe_kb, kb_facts

    path = _readable(kb)
    if as_json:
        typer.echo(json.dumps(kb_facts(path), indent=2, ensure_ascii=False))
    else:
        typer.echo(describe_kb(path))


@app.command("update")
def update_command(
    kb: Path | None = typer.Option(None, "--kb", help="Knowledge base to update (default: your KB, started from the shipped one)."),
    config: Path | None = typer.Option(None, "--config", help="Sources file (default: $PROPSCOPE_HOME/sources.toml)."),
    only: list[str] = typer.Option([], "--only", help="Run only the configured source of this name (repeatable)."),
    claimreview: list[str] = typer.Option([], "--claimreview", help="A ClaimReview page or feed URL (repeatable)."),
    factcheck_query: list[str] = typer.Option([], "--factcheck-query", help="A Google Fact Check Tools query (repeatable)."),
    euvsdisinfo: bool = typer.Option(False, "--euvsdisinfo", help="The EUvsDisinfo database online."),
    api_key: str | None = typer.Option(None, "--api-key", help="Fact Check Tools API key (else $GOOGLE_FACTCHECK_API_KEY)."),
    language: str | None = typer.Option(None, "--language", help="Fact Check Tools languageCode, e.g. en."),
    max_pages: int | None = typer.Option(None, "--max-pages", min=1, help="Pages per source in this run."),
    embedder: Path | None = EMBEDDER_OPTION,
) -> None:
    """Fetch new fact-checks and cases from the configured sources (ClaimReview, Fact Check Tools, EUvsDisinfo)."""
    from propscope.kb.update import ad_hoc_sources, config_path, load_config, run_update

    overrides: dict[str, object] = {}
    if max_pages is not None:
        overrides["max_pages"] = max_pages
    factcheck: dict[str, object] = dict(overrides)
    if api_key:
        factcheck["api_key"] = api_key
    if language:
        factcheck["language"] = language
    extra = {"claimreview": overrides, "google-factcheck": factcheck, "euvsdisinfo": overrides}
    sources = list(ad_hoc_sources(claimreview, factcheck_query, euvsdisinfo, extra))
    if not sources or config is not None:
        configured = load_config(config or config_path())
        if only:
            unknown = set(only) - {s.name for s in configured}
            if unknown:
                raise KnowledgeBaseError(f"no configured source named {', '.join(sorted(unknown))}")
            configured = [s for s in configured if s.name in only]
        for source in configured:
            source.options.update(extra.get(source.kind, {}))
        sources = configured + sources
    target = writable_kb_path(kb)
    with KnowledgeBase.open(target, readonly=False, embedder_path=embedder) as base, _progress() as progress:
        results = run_update(base, sources, progress)
        total = base.store.count()
    failed = 0
    for result in results:
        r = result.report
        seen = result.counts.get("seen", 0)
        line = (f"{result.name}: {r.added} added, {r.updated} updated, {r.unchanged} unchanged, {seen} already seen, "
                f"{len(r.bad)} bad rows skipped ({result.requests} requests, {result.seconds:.1f} s)")
        typer.echo(line)
        for bad in r.bad:
            typer.echo(f"propscope: skipped {result.name} {bad}", err=True)
        if result.error is not None:
            failed += 1
            typer.echo(f"propscope: error {result.error.code}: source '{result.name}': {result.error.message}", err=True)
    typer.echo(f"{total} records in {target}")
    if failed:
        # Every source failed: the update did nothing (exit 4, a KB problem); some failed: exit 1, as a batch.
        raise typer.Exit(results[0].error.exit_code if failed == len(results) and results[0].error else 1)


@app.command("run")
def run_command(
    queries: Path = typer.Option(..., "--queries", help="id<TAB>text lines (a header line is allowed)."),
    out: Path = typer.Option(..., "--out", help="Write the TREC run file here."),
    k: int = typer.Option(10, "-k", min=1, max=1000, help="Hits per query."),
    kb: Path | None = KB_OPTION,
    mode: Mode = typer.Option(Mode.hybrid, "--mode", help="hybrid, lexical (BM25) or dense."),
    tag: str = typer.Option("propscope", "--tag", help="Run tag (last column)."),
    batch: int = typer.Option(64, "--batch", min=1, help="Queries embedded per batch."),
    embedder: Path | None = EMBEDDER_OPTION,
    rerank: bool = RERANK_OPTION,
    reranker: Path | None = RERANKER_OPTION,
) -> None:
    """Rank the KB for every query and write TREC run lines: qid Q0 docid rank score tag."""
    items = read_queries(queries)
    start = time.perf_counter()
    lines: list[RunLine] = []
    settings = SearchSettings(mode=mode.value, rerank=rerank)
    with (
        KnowledgeBase.open(
            _readable(kb), settings=settings, embedder_path=embedder, reranker_path=reranker if rerank else None
        ) as base,
        _progress() as progress,
    ):
        for begin in range(0, len(items), batch):
            chunk = items[begin : begin + batch]
            for (qid, _), hits in zip(chunk, base.search_many([t for _, t in chunk], k), strict=True):
                previous = None
                for rank, hit in enumerate(hits, start=1):
                    # trec_eval orders by score: keep printed scores strictly decreasing so rank order survives.
                    score = round(hit.score, 6)
                    if previous is not None and score >= previous:
                        score = previous - 1e-6
                    previous = score
                    lines.append(RunLine(qid, hit.record.id, rank, score, tag))
            progress("searching", min(begin + batch, len(items)), len(items))
    written = write_run(lines, out)
    seconds = time.perf_counter() - start
    typer.echo(f"wrote {written} lines for {len(items)} queries to {out} ({seconds:.1f} s)", err=True)


@app.command("score")
def score_command(
    qrels: Path = typer.Option(..., "--qrels", help="TREC qrels: qid 0 docid relevance."),
    run: Path = typer.Option(..., "--run", help="TREC run: qid Q0 docid rank score tag."),
) -> None:
    """Print MAP@1/3/5/10 and MRR as the CheckThat! scorer computes them."""
    typer.echo(format_scores(score_run(read_qrels(qrels), read_run(run))))


@app.command("build-default")
def build_default_command(
    data: Path = typer.Option(..., "--data", help="The shared data folder (holding euvsdisinfo/, checkthat-2022-t2a/)."),
    out: Path | None = typer.Option(None, "--out", help="KB file to write (default: your KB)."),
    shipped: bool = typer.Option(
        False, "--shipped", help="Build the EUvsDisinfo-only KB that ships in the package (compacted, one file)."
    ),
) -> None:
    """Build the default KB (EUvsDisinfo cases + CheckThat! 2022 Snopes claims) from the raw files."""
    sources = tuple(s for s in DEFAULT_SOURCES if s[0] == "euvsdisinfo") if shipped else DEFAULT_SOURCES
    target = out or (shipped_kb_path() if shipped else user_kb_path())
    with _progress() as progress:
        report = build_kb(data, target, sources, progress=progress, compact=shipped)
    for kind, imported in report.reports.items():
        typer.echo(f"{kind}: {imported.added} records, {len(imported.bad)} bad rows skipped")
        for bad in imported.bad:
            typer.echo(f"propscope: skipped {kind} {bad}", err=True)
    size = target.stat().st_size / 1e6
    typer.echo(f"built {target}: {report.records} records, {size:.1f} MB, {report.seconds:.1f} s")


@app.command("calibrate")
def calibrate_command(
    queries: Path = typer.Option(..., "--queries", help="id<TAB>text lines of labelled queries (a dev split)."),
    qrels: Path = typer.Option(..., "--qrels", help="TREC qrels naming each query's matching KB ids."),
    kb: Path | None = KB_OPTION,
    threshold: float | None = typer.Option(None, "--threshold", help="Score this threshold instead of searching."),
) -> None:
    """Find the cosine threshold for "likely the same claim" (max F1) on labelled queries."""
    from propscope.kb.calibrate import calibrate

    with KnowledgeBase.open(_readable(kb)) as base:
        result = calibrate(base, read_queries(queries), read_qrels(qrels), threshold)
    typer.echo(json.dumps(result.as_dict()))
