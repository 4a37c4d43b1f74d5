"""``propscope corrections export --kind techniques|claims|attribution|matches --out DIR [--merge]``."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

# The store (SQLAlchemy) is imported inside the command: 'propscope --help' stays fast.

app = typer.Typer(help="Reviewer corrections of the store, as training data.", no_args_is_help=True)

STORE_OPTION = typer.Option(
    None, "--store", "--db", help="Store database URL (default: $PROPSCOPE_DB, else $PROPSCOPE_HOME/propscope.db)."
)


class Kind(str, Enum):
    techniques = "techniques"
    claims = "claims"
    attribution = "attribution"
    matches = "matches"


@app.command("export")
def export_command(
    kind: Kind = typer.Option(..., "--kind", help="techniques: PTC files + decisions; claims: check-worthy sentences; "
                              "attribution: speakers; matches: (sentence, KB claim) pairs."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write (it must not hold an export of this kind, unless --merge)."),
    merge: bool = typer.Option(False, "--merge", help="Merge into the export already in --out (newest decision per task hash)."),
    include_unreviewed: bool = typer.Option(
        False, "--include-unreviewed", help="techniques: also label the model's spans of reviewed articles that nobody decided on."
    ),
    store: str | None = STORE_OPTION,
) -> None:
    """Write the standing corrections (undone ones are gone) in the layout the trainers read."""
    from propscope.corrections import export_corrections
    from propscope.store import Store

    opened = Store.open(store)
    try:
        summary = export_corrections(opened, kind.value, out, merge=merge, include_unreviewed=include_unreviewed)
    finally:
        opened.close()
    decisions = ", ".join(f"{n} {name}" for name, n in summary.decisions.items()) or "none"
    labels = f"; {summary.labels} labelled spans in labels.tsv" if summary.labels is not None else ""
    kept = f" ({summary.kept_from_folder} kept from the earlier export)" if merge else ""
    typer.echo(
        f"propscope: {summary.records} {kind.value} records of {summary.articles} articles in {out}{kept}: {decisions}{labels}"
    )
