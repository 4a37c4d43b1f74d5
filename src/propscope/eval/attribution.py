"""Speaker and voice accuracy of the attribution component on hand-annotated sentences.

``python -m propscope.eval.attribution tests/fixtures/attribution/gold.jsonl --articles DATA/ptc-2020/train-articles [--split test]``

Each JSONL record: ``article_id``, ``sentence``, ``context`` (the preceding sentence where the speaker
is named there, else ""; or a list of the preceding sentences), ``speaker`` (as written, or null for the article's own voice or no
identifiable speaker), ``voice`` (own / direct / reported), ``split``, and optionally ``speaker_alternatives`` (other
ways of naming the same speaker that count as right). The project's sets keep no article text (the corpora's
terms keep it out of the repository): ``sentence_span``, ``sentence_sha1`` and ``context_spans`` instead of
``sentence`` and ``context``, read from the user's copy of the articles (``--articles``). Splits: ``dev`` was looked at while the rules
were written; ``dev2`` was first measured as a held-out set, then used to improve the rules; ``test``
was annotated after the last rule change and measured once. Every record becomes a two-sentence article (context, sentence) with the sentence as
its one claim, and runs through the real :class:`~propscope.components.attribution.Attributor`.

Speaker accuracy is reported two ways: ``exact`` (same words after lower-casing, unifying apostrophes
and dropping a leading article and surrounding punctuation) and ``overlap`` (one is contained in the
other, e.g. "Tedros" for "WHO Director-General Tedros Adhanom Ghebreyesus"); null must match null.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from propscope.document import Article, Claim, Segment, text_hash
from propscope.errors import DataError
from propscope.eval.sources import article_texts
from propscope.options import AnalyzeOptions


def normalize_speaker(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.replace("’", "'").replace("“", "").replace("”", "").replace('"', "").lower()
    text = re.sub(r"\s+", " ", text).strip(" ,.;:")
    text = re.sub(r"^(the|a|an) ", "", text)
    return text or None


def speaker_matches(gold: str | None, predicted: str | None, overlap: bool) -> bool:
    g, p = normalize_speaker(gold), normalize_speaker(predicted)
    if g is None or p is None:
        return g is p
    if overlap:
        return bool(re.search(rf"\b{re.escape(g)}\b", p) or re.search(rf"\b{re.escape(p)}\b", g))
    return g == p


@dataclass(slots=True)
class Record:
    article_id: str
    sentence: str
    context: tuple[str, ...]
    speaker: str | None
    voice: str
    split: str
    speaker_alternatives: tuple[str, ...] = ()


def _fill_text(data: dict[str, Any], texts: dict[str, str]) -> None:
    """Records that point into an article (``sentence_span``, ``context_spans``) get their text from it."""
    text = texts.get(str(data["article_id"]))
    if text is None:
        raise DataError(f"article {data['article_id']} not in the articles given")
    start, end = data["sentence_span"]
    data["sentence"] = text[start:end]
    if text_hash(data["sentence"]) != data["sentence_sha1"]:
        raise DataError(f"article {data['article_id']}: the text at {start}-{end} is not the annotated sentence "
                        "(another version of the articles file?)")
    data["context"] = [text[a:b] for a, b in data.get("context_spans", ())]


ARTICLES_HINT = ("--articles ../shared/data/ptc-2020/train-articles for gold.jsonl, "
                 "--articles ../shared/data/ppn/articles-en.jsonl for the PPN sets")


def read_gold(path: Path, articles: Path | None = None) -> list[Record]:
    """The annotated records of ``path``. Records without their text (``sentence_span`` instead of
    ``sentence``: every set of the project, as the corpora's terms keep the articles out of the repository)
    read it from ``articles``: the PTC folder of ``article<ID>.txt`` files (``ptc-2020/train-articles``)
    or PPN's ``ppn/articles-en.jsonl``."""
    if not path.is_file():
        raise DataError(f"no annotation file at {path}")
    lines = [(number, line) for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if line.strip()]
    texts: dict[str, str] = {}
    if any('"sentence_span"' in line for _, line in lines):
        if articles is None:
            raise DataError(f"{path} points into articles it does not contain: give the articles ({ARTICLES_HINT})")
        ids = {str(json.loads(line)["article_id"]) for _, line in lines if '"sentence_span"' in line}
        texts = article_texts(articles, ids)
    records = []
    for number, line in lines:
        try:
            data = json.loads(line)
            if "sentence_span" in data:
                _fill_text(data, texts)
            context = data.get("context") or ()
            context = (context,) if isinstance(context, str) else tuple(str(c) for c in context)
            records.append(Record(str(data["article_id"]), data["sentence"], context,
                                  data.get("speaker"), data["voice"], data.get("split", "test"),
                                  tuple(data.get("speaker_alternatives") or ())))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise DataError(f"{path}:{number}: bad record: {exc}") from exc
    return records


def as_article(record: Record) -> Article:
    """Context sentences and the sentence as one article whose only claim is the sentence."""
    sentences: list[Segment] = []
    text = ""
    for part in (*record.context, record.sentence):
        if text:
            text += " "
        sentences.append(Segment(len(text), len(text) + len(part)))
        text += part
    start = sentences[-1].start
    article = Article(text=text, id=record.article_id, sentences=sentences)
    article.claims = [Claim(start=start, end=len(text), text=record.sentence, score=1.0)]
    return article


def evaluate(records: list[Record]) -> dict[str, Any]:
    from propscope.components.attribution import Attributor

    attributor = Attributor(AnalyzeOptions())
    articles = attributor.pipe([as_article(r) for r in records])
    rows = []
    for record, article in zip(records, articles, strict=True):
        claim = article.claims[0]
        golds = (record.speaker, *record.speaker_alternatives)
        rows.append({
            "split": record.split, "gold_voice": record.voice, "voice": claim.voice,
            "gold_speaker": record.speaker, "speaker": claim.speaker, "verb": claim.verb,
            "speaker_exact": any(speaker_matches(g, claim.speaker, overlap=False) for g in golds),
            "speaker_overlap": any(speaker_matches(g, claim.speaker, overlap=True) for g in golds),
            "sentence": record.sentence,
        })
    summary: dict[str, Any] = {}
    groups = [(split, [r for r in rows if split == "all" or r["split"] == split]) for split in sorted({r["split"] for r in rows}) + ["all"]]
    # the claims that come from someone: where a wrong speaker matters most
    groups += [(f"{name}:speech", [r for r in chosen if r["gold_voice"] in ("reported", "direct")]) for name, chosen in list(groups)]
    for split, chosen in groups:
        n = len(chosen)
        if not n:
            continue
        summary[split] = {
            "n": n,
            "voice_accuracy": sum(r["voice"] == r["gold_voice"] for r in chosen) / n,
            "speaker_accuracy_exact": sum(r["speaker_exact"] for r in chosen) / n,
            "speaker_accuracy_overlap": sum(r["speaker_overlap"] for r in chosen) / n,
            "voice_confusion": dict(Counter(f"{r['gold_voice']}->{r['voice']}" for r in chosen)),
        }
    return {"summary": summary, "rows": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m propscope.eval.attribution", description=__doc__.split("\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--articles", type=Path,
                        help="where the offsets point: ptc-2020/train-articles (gold.jsonl) or ppn/articles-en.jsonl (ppn*.jsonl)")
    parser.add_argument("--split", help="only this split (dev or test)")
    parser.add_argument("--errors", action="store_true", help="print the sentences the component gets wrong")
    args = parser.parse_args(argv)
    try:
        records = read_gold(args.gold, args.articles)
    except DataError as exc:
        raise SystemExit(f"error: {exc}") from exc
    if args.split:
        records = [r for r in records if r.split == args.split]
    if not records:
        raise SystemExit(f"no records{' in split ' + args.split if args.split else ''}")
    result = evaluate(records)
    for split, s in result["summary"].items():
        print(f"{split:15} n={s['n']:4d}  voice {s['voice_accuracy']:.3f}  speaker exact {s['speaker_accuracy_exact']:.3f}"
              f"  speaker overlap {s['speaker_accuracy_overlap']:.3f}")
    if args.errors:
        for r in result["rows"]:
            if r["voice"] != r["gold_voice"] or not r["speaker_overlap"]:
                print(f"[{r['split']}] voice {r['gold_voice']}->{r['voice']} speaker {r['gold_speaker']!r}->{r['speaker']!r}"
                      f" ({r['verb']}) | {r['sentence'][:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
