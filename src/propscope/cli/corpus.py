"""``propscope corpus stats (PATH | --store URL) [--by outlet,month] [--csv FILE] [--plot FILE.png|svg]``."""

from __future__ import annotations

import csv
from pathlib import Path

import typer

from propscope.errors import BatchError, InputError

app = typer.Typer(help="Statistics over analysed corpora.", no_args_is_help=True)


@app.command("stats")
def stats(
    path: Path | None = typer.Argument(None, help="A 'propscope batch --out' folder (Parquet tables).", show_default=False),
    store: str | None = typer.Option(None, "--store", help="Read the workspace store at this database URL instead."),
    by: str = typer.Option("outlet", "--by", help="Group by outlet and/or one period: day, week, month."),
    csv_out: Path | None = typer.Option(None, "--csv", help="Also write the rows to this CSV file."),
    plot_out: Path | None = typer.Option(None, "--plot", help="Also draw technique rates to this .png or .svg file."),
) -> None:
    """Technique rates per 1,000 words, claims, known-claim matches and cited sources by outlet and period."""
    from propscope.corpus.stats import corpus_stats, flat_rows, plot, render_text

    if plot_out is not None and plot_out.suffix.lower() not in (".png", ".svg"):
        raise InputError(f"--plot writes .png or .svg files, not '{plot_out.suffix or plot_out.name}'")
    rows = corpus_stats(path, store, by)
    typer.echo(render_text(rows), nl=False)
    try:
        if csv_out is not None:
            header, flat = flat_rows(rows)
            with csv_out.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=header)
                writer.writeheader()
                writer.writerows(flat)
            typer.echo(f"propscope: wrote {csv_out}", err=True)
        if plot_out is not None:
            plot(rows, plot_out)
            typer.echo(f"propscope: wrote {plot_out}", err=True)
    except OSError as exc:
        raise BatchError(f"cannot write {exc.filename}: {exc.strerror}") from None
