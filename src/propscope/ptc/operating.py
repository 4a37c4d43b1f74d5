"""The report operating point of the technique tagger: which spans ``analyze`` shows, with which score,
and why each was flagged (numpy only; the tuning lives in ``propscope.ptc.report_point``).

The SemEval thresholds of ``config.json`` maximise span F1, which a fact-checker meets as four wrong
highlights in five. The report operating point is tuned for precision instead: per technique, a span
is shown when its *confidence* (mean token probability of the span times the span classifier's
probability of that technique) reaches a cutoff tuned on held-out articles; a technique whose spans
never reached the target precision there is hidden, with the reason in words. Shown scores are
calibrated (isotonic map fitted on held-out spans) so that a score of 0.8 means that about 80 % of such
spans lie mostly (at least half of their characters) inside a gold span of the same technique.

Everything is plain JSON under ``report_operating_point`` in the model's ``config.json``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from propscope.errors import BadModelDirectory
from propscope.ptc import phrases, tagging
from propscope.ptc.tagging import ArticleOutputs

CONFIG_KEY = "report_operating_point"
TRIGGERS_PER_SPAN = 3


@dataclass(frozen=True, slots=True)
class TechniquePoint:
    """One technique at the report operating point."""

    shown: bool
    min_confidence: float = 1.0
    reason: str = ""  # why the technique is hidden (empty when shown)

    def as_dict(self) -> dict[str, Any]:
        return {"shown": self.shown, "min_confidence": self.min_confidence, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Calibration:
    """A monotone map from raw confidence to the share of such spans that are right (isotonic breakpoints)."""

    x: tuple[float, ...] = (0.0, 1.0)
    y: tuple[float, ...] = (0.0, 1.0)

    def __call__(self, raw: float) -> float:
        return float(np.interp(raw, self.x, self.y))

    def as_dict(self) -> dict[str, Any]:
        return {"method": "isotonic", "x": list(self.x), "y": list(self.y)}


@dataclass(frozen=True, slots=True)
class PhraseRules:
    """Which whole-phrase rules the technique columns decode with."""

    trim_function_words: bool = False
    # Cut spans at sentence ends and line breaks (gap bridging can join runs across them).
    split_sentences: bool = False
    # Join spans of one technique that only whitespace, hyphens or up to two function words separate
    # ("grotesque" + "denial" -> "grotesque denial"): one phrase, not two highlights.
    join_same_technique: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "trim_function_words": self.trim_function_words,
            "split_sentences": self.split_sentences,
            "join_same_technique": self.join_same_technique,
        }


@dataclass(frozen=True, slots=True)
class OperatingPoint:
    target_precision: float
    techniques: dict[str, TechniquePoint]
    calibration: Calibration = field(default_factory=Calibration)
    phrases: PhraseRules = field(default_factory=PhraseRules)
    # What the point gave on held-out articles, cross-fitted (FLC precision and recall of shown spans).
    measured_precision: float | None = None
    measured_recall: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "target_precision": self.target_precision,
            "confidence": "mean token probability x span-classifier probability of the technique",
            "right_means": "at least half of the span's characters lie in a gold span of the same technique",
            "techniques": {name: point.as_dict() for name, point in self.techniques.items()},
            "calibration": self.calibration.as_dict(),
            "phrases": self.phrases.as_dict(),
            "measured_precision": self.measured_precision,
            "measured_recall": self.measured_recall,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], labels: Sequence[str]) -> OperatingPoint:
        try:
            techniques = {
                name: TechniquePoint(bool(v["shown"]), float(v.get("min_confidence", 1.0)), str(v.get("reason", "")))
                for name, v in data["techniques"].items()
            }
            calibration = Calibration(tuple(map(float, data["calibration"]["x"])), tuple(map(float, data["calibration"]["y"])))
            rules = PhraseRules(**{k: bool(v) for k, v in dict(data.get("phrases", {})).items()})
            target = float(data["target_precision"])
            measured = [None if data.get(k) is None else float(data[k]) for k in ("measured_precision", "measured_recall")]
        except (KeyError, TypeError, ValueError) as exc:
            raise BadModelDirectory(f"{CONFIG_KEY} in config.json is malformed: {exc}") from exc
        missing = [label for label in labels if label not in techniques]
        if missing:
            raise BadModelDirectory(f"{CONFIG_KEY} in config.json lacks techniques {missing}")
        if len(calibration.x) != len(calibration.y) or not calibration.x or list(calibration.x) != sorted(calibration.x):
            raise BadModelDirectory(f"{CONFIG_KEY}: calibration breakpoints must be sorted pairs")
        return cls(target, techniques, calibration, rules, measured[0], measured[1])

    def levels_dict(self, levels: Mapping[float, OperatingPoint]) -> dict[str, Any]:
        """This point's config with other precision targets under ``levels`` (they share the calibration)."""
        data = self.as_dict()
        data["levels"] = {
            f"{target:g}": {
                key: value
                for key, value in point.as_dict().items()
                if key in ("target_precision", "techniques", "measured_precision", "measured_recall")
            }
            for target, point in sorted(levels.items())
        }
        return data

    def hidden(self) -> dict[str, str]:
        return {name: point.reason for name, point in self.techniques.items() if not point.shown}


def load_points(data: Mapping[str, Any], labels: Sequence[str]) -> tuple[OperatingPoint, dict[float, OperatingPoint]]:
    """The default point and every point by target precision (the default included)."""
    default = OperatingPoint.from_dict(data, labels)
    points = {default.target_precision: default}
    for level in dict(data.get("levels") or {}).values():
        point = OperatingPoint.from_dict({**data, **level}, labels)
        points[point.target_precision] = point
    return default, points


@dataclass(slots=True)
class Candidate:
    """A decoded technique span with what the operating point needs to judge it."""

    column: int
    start: int
    end: int
    score: float  # mean token probability (the SemEval decoder's score)
    head_probability: float  # the span classifier's probability of this column's technique
    triggers: list[str]

    @property
    def confidence(self) -> float:
        return self.score * self.head_probability


_WORD = re.compile(r"[^\W_]+(?:['\u2019\-\u2010\u2011][^\W_]+)*")


def triggers(out: ArticleOutputs, column: int, start: int, end: int, limit: int = TRIGGERS_PER_SPAN) -> list[str]:
    """The words of ``[start, end)`` with the highest token probability of ``column``, strongest first
    (function words only when nothing else is there)."""
    scored: list[tuple[float, int, str]] = []
    for match in _WORD.finditer(out.text, start, end):
        a, b = tagging.token_range(out.offsets, match.start(), match.end())
        if a < b:
            word = match.group(0)
            function_word = word.lower() in phrases.EDGE_WORDS
            scored.append((float(out.probs[a:b, column].max()) - (1.0 if function_word else 0.0), match.start(), word))
    scored.sort(key=lambda item: (-item[0], item[1]))
    result: list[str] = []
    for _, _, word in scored:
        if word not in result:
            result.append(word)
        if len(result) >= limit:
            break
    return result


def _rescore(out: ArticleOutputs, column: int, start: int, end: int, threshold: float) -> float:
    """Mean probability of the column over the tokens of ``[start, end)`` that reach the threshold."""
    a, b = tagging.token_range(out.offsets, start, end)
    if a >= b:
        return 0.0
    values = out.probs[a:b, column]
    above = values[values >= threshold]
    return float(above.mean() if above.size else values.max())


JOIN_MAX_FUNCTION_WORDS = 2


def _joinable(text: str, end: int, start: int) -> bool:
    between = text[end:start]
    if "\n" in between or any(char in ".!?;:,()\"\u201c\u201d" for char in between):
        return False  # never across a sentence, clause or quote boundary
    words = phrases.WORD.findall(between)
    return len(words) <= JOIN_MAX_FUNCTION_WORDS and all(w.lower() in phrases.EDGE_WORDS for w in words)


def _join(
    out: ArticleOutputs, spans: dict[tuple[int, int, int], float], thresholds: Sequence[float]
) -> dict[tuple[int, int, int], float]:
    joined: dict[tuple[int, int, int], float] = {}
    for column in sorted({k[0] for k in spans}):
        mine = sorted((s, e) for c, s, e in spans if c == column)
        merged: list[list[int]] = []
        for start, end in mine:
            if merged and start >= merged[-1][1] and _joinable(out.text, merged[-1][1], start):
                merged[-1][1] = end
            elif merged and start < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in merged:
            key = (column, start, end)
            joined[key] = spans[key] if key in spans else _rescore(out, column, start, end, thresholds[column])
    return joined


def candidates(
    out: ArticleOutputs,
    thresholds: Sequence[float],
    bio: bool,
    gap: int,
    span_head: dict[str, np.ndarray] | None,
    rules: PhraseRules,
    chunks: Sequence[tuple[int, int]] | None = None,
    columns: set[int] | None = None,
) -> list[Candidate]:
    """Technique spans decoded at ``thresholds`` (the SemEval decoder), after the phrase rules, each with
    its span-classifier probability (1.0 without a span classifier) and its trigger words.

    ``chunks`` (noun chunks of a parse) widens spans to whole chunks; measured, not used by default.
    ``columns``: only these technique columns (the span classifier runs once per kept span, so a report
    that hides most techniques skips their spans early).
    """
    if len(out.offsets) == 0:
        return []
    spans: dict[tuple[int, int, int], float] = {}
    for column, start, end, score in tagging.decode_techniques(out, thresholds, bio, gap):
        if columns is not None and column not in columns:
            continue
        if chunks is not None:
            start, end = phrases.snap_to_chunks(start, end, chunks)
        pieces = phrases.split_sentences(out.text, start, end) if rules.split_sentences else [(start, end)]
        for piece_start, piece_end in pieces:
            piece_score = score
            if rules.trim_function_words:
                trimmed = phrases.trim_function_words(out.text, piece_start, piece_end)
                if trimmed is None:
                    continue
                piece_start, piece_end = trimmed
            if (piece_start, piece_end) != (start, end):
                piece_score = _rescore(out, column, piece_start, piece_end, thresholds[column])
            if len(pieces) > 1 and piece_score < thresholds[column]:
                continue  # a piece made only of bridged, weak tokens
            key = (column, piece_start, piece_end)
            spans[key] = max(piece_score, spans.get(key, 0.0))
    if rules.join_same_technique:
        spans = _join(out, spans, thresholds)
    if not spans:
        return []
    keys = sorted(spans, key=lambda k: (k[1], k[2], k[0]))
    if span_head is not None and out.hidden is not None:
        probs = tagging.span_head_probabilities(span_head, tagging.span_matrix(out, [(s, e) for _, s, e in keys]))
        head = [float(probs[row, column]) for row, (column, _, _) in enumerate(keys)]
    else:
        head = [1.0] * len(keys)
    return [
        Candidate(column, start, end, spans[(column, start, end)], h, triggers(out, column, start, end))
        for (column, start, end), h in zip(keys, head, strict=True)
    ]


def select(
    found: Sequence[Candidate], labels: Sequence[str], point: OperatingPoint
) -> list[Candidate]:
    """The candidates the report shows at the operating point."""
    shown = []
    for candidate in found:
        technique = point.techniques.get(labels[candidate.column])
        if technique is not None and technique.shown and candidate.confidence >= technique.min_confidence:
            shown.append(candidate)
    return shown
