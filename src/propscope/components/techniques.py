"""The persuasion-technique tagger: spans of the 14 PTC techniques, from an ONNX token tagger.

The model directory (``propscope train techniques``) holds an encoder with a multi-label token head (one
sigmoid per technique per token, plus one for "any technique"), exported to ONNX, and a small span
classifier (``span_head.npz``) used when spans are given (SemEval TC). Inference needs ONNX Runtime,
tokenizers and numpy; no PyTorch.

By default the component reports the spans of the model's *report operating point*
(``report_operating_point`` in ``config.json``, see ``propscope.ptc.operating``): tuned for precision on
held-out articles, with calibrated scores, and the techniques that never reached the target precision
hidden (``Article.technique_report`` names them and says why). ``AnalyzeOptions.technique_all_spans``
reports every span of the F1-tuned SemEval decoder instead (the scores stay calibrated).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from propscope.document import Article, HiddenTechnique, TechniqueReport, TechniqueSpan
from propscope.errors import BadModelDirectory, InputError, ModelNotFound
from propscope.models import ModelDir, OnnxModel, load_model_dir, packaged_model_path
from propscope.models.cache import combine, dir_fingerprint, load_once
from propscope.options import AnalyzeOptions, EngineConfig, RunSettings
from propscope.models.tokens import shared_tokenizer
from propscope.pipeline import Component
from propscope.ptc import operating, tagging
from propscope.ptc.evaluate import classify_spans
from propscope.ptc.tagging import ArticleOutputs
from propscope.techniques import TECHNIQUE_NAMES

log = logging.getLogger(__name__)

TASK = "techniques"
MODEL_NAME = "techniques"
# ONNX runs take one window each: outputs that do not depend on batch mates (see
# ``tagging.article_outputs``), less CPU than batches, and the least working memory (ONNX Runtime's
# grows with the batch: on a 50 KB article 1021 MB at 32 windows, 580 MB at 8).
WINDOWS_PER_RUN = 1


class TechniqueModel:
    """A loaded technique model directory: token probabilities, spans, and span classification."""

    def __init__(self, model: ModelDir, threads: int | None = None, onnx_path: Path | None = None) -> None:
        self.model = model
        self.labels = list(model.labels)
        unknown = [label for label in self.labels if label not in TECHNIQUE_NAMES]
        if unknown:
            raise BadModelDirectory(f"{model.path} names unknown techniques: {unknown}")
        self.n_techniques = len(self.labels)
        self.bio = model.extra.get("label_scheme", "io") == "bio"
        self.si_threshold = float(model.extra.get("si_threshold", 0.5))
        self.gap = int(model.extra.get("gap", 0))
        self.onnx = OnnxModel(onnx_path or model.onnx_path, threads=threads, runs_side_by_side=True)
        self.tokenizer = tagging.load_article_tokenizer(str(model.tokenizer_path))
        self.shared = shared_tokenizer(model.tokenizer_path)  # the article's tokens, shared with other models
        head_file = model.extra.get("span_head_file")
        self.span_head: dict[str, np.ndarray] | None = None
        if head_file:
            path = model.path / head_file
            if not path.is_file():
                raise BadModelDirectory(f"{model.path} is incomplete: {head_file} is missing")
            with np.load(path, allow_pickle=False) as data:
                self.span_head = {name: data[name].astype(np.float32) for name in data.files}
        point = model.extra.get(operating.CONFIG_KEY)
        # Model directories written before the operating point existed report every span, uncalibrated.
        self.operating_point: operating.OperatingPoint | None = None
        self.operating_points: dict[float, operating.OperatingPoint] = {}
        if point:
            self.operating_point, self.operating_points = operating.load_points(point, self.labels)

    @classmethod
    def load(cls, path: Path, threads: int | None = None) -> TechniqueModel:
        return cls(load_model_dir(path, task=TASK), threads=threads)

    # -- token outputs ---------------------------------------------------------------------------
    def _runner(self, with_hidden: bool) -> tagging.WindowRunner:
        # The hidden states (windows x 256 x 384 floats) are only for span classification: not fetched otherwise.
        names = ["token_logits", "hidden"] if with_hidden else ["token_logits"]

        def run(input_ids: np.ndarray, attention_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
            result = self.onnx.run({"input_ids": input_ids, "attention_mask": attention_mask}, names)
            return result["token_logits"], result.get("hidden")

        return run

    def outputs(self, texts: Sequence[str], with_hidden: bool = False) -> list[ArticleOutputs]:
        """Run every window of every text through the model, in as few ONNX runs as memory allows."""
        return tagging.article_outputs(
            self._runner(with_hidden),
            self.tokenizer,
            texts,
            self.model.max_length,
            self.model.stride,
            windows_per_run=WINDOWS_PER_RUN,
            with_hidden=with_hidden,
            tokenised=self.shared.texts(list(texts)),
            concurrent_runs=self.onnx.workers,
        )

    # -- spans -----------------------------------------------------------------------------------
    def thresholds(self, shift: float = 0.0, overrides: dict[str, float] | None = None) -> dict[str, float]:
        """Per-technique thresholds: the model's, plus ``shift``, replaced where ``overrides`` names one."""
        overrides = overrides or {}
        unknown = [name for name in overrides if name not in self.labels]
        if unknown:
            raise BadModelDirectory(f"thresholds given for techniques the model lacks: {unknown}")
        result = {}
        for label in self.labels:
            value = overrides.get(label, self.model.thresholds.get(label, 0.5) + shift)
            result[label] = float(min(max(value, 0.0), 1.0))
        return result

    def technique_spans(self, out: ArticleOutputs, thresholds: dict[str, float]) -> list[TechniqueSpan]:
        values = [thresholds[label] for label in self.labels]
        spans = [
            TechniqueSpan(self.labels[column], start, end, round(score, 4))
            for column, start, end, score in tagging.decode_techniques(out, values, self.bio, self.gap)
        ]
        spans.sort(key=lambda s: (s.start, s.end, s.technique))
        return spans

    def report_spans(
        self, out: ArticleOutputs, thresholds: dict[str, float], all_spans: bool = False, precision: float | None = None
    ) -> tuple[list[TechniqueSpan], TechniqueReport]:
        """The spans a report shows, with calibrated scores and trigger words, and what was hidden.

        ``precision`` picks another stored precision target than the default (``precision_levels``)."""
        point = self.operating_point
        if point is not None and precision is not None:
            if precision not in self.operating_points:
                raise InputError(
                    f"no technique operating point for precision {precision:g}; "
                    f"this model has {', '.join(f'{t:g}' for t in self.precision_levels())}"
                )
            point = self.operating_points[precision]
        if point is None:
            spans = self.technique_spans(out, thresholds)
            for span in spans:
                span.triggers = operating.triggers(out, self.labels.index(span.technique), span.start, span.end)
            return spans, TechniqueReport("all_spans")
        values = [thresholds[label] for label in self.labels]
        head = self.span_head if out.hidden is not None else None
        columns = None if all_spans else {k for k, name in enumerate(self.labels) if point.techniques[name].shown}
        found = operating.candidates(out, values, self.bio, self.gap, head, point.phrases, columns=columns)
        if not all_spans:
            found = operating.select(found, self.labels, point)
        spans = [
            TechniqueSpan(self.labels[c.column], c.start, c.end, round(point.calibration(c.confidence), 4), c.triggers)
            for c in found
        ]
        spans.sort(key=lambda s: (s.start, s.end, s.technique))
        if all_spans:
            return spans, TechniqueReport("all_spans")
        hidden = [HiddenTechnique(name, reason) for name, reason in point.hidden().items()]
        return spans, TechniqueReport("precision", point.target_precision, point.measured_precision, hidden)

    def precision_levels(self) -> list[float]:
        return sorted(self.operating_points, reverse=True)

    def si_spans(self, out: ArticleOutputs, threshold: float | None = None) -> list[tuple[int, int, float]]:
        """Spans that carry any technique (the "any" column; SemEval SI)."""
        threshold = self.si_threshold if threshold is None else threshold
        return tagging.decode_any(out, self.n_techniques, threshold, self.bio, self.gap)

    # -- span classification ---------------------------------------------------------------------
    def classify(self, out: ArticleOutputs, spans: Sequence[tuple[int, int]]) -> list[str]:
        """The technique of each given span (SemEval TC); a repeated span gets the next most likely one."""
        if not spans:
            return []
        if self.span_head is None:
            raise BadModelDirectory(f"{self.model.path} has no span classifier (span_head_file)")
        if len(out.offsets) == 0:
            raise InputError("spans were given for an article without any text to classify")
        return classify_spans(out, spans, self.labels, self.span_head)


def resolve_model_path(options: EngineConfig | AnalyzeOptions) -> Path:
    return Path(options.technique_model) if options.technique_model else packaged_model_path(MODEL_NAME)


class TechniqueTagger(Component):
    """Marks persuasion-technique spans (official PTC names) with a score in [0, 1]."""

    name = "techniques"
    warm_cost = 0.22  # s of CPU, python bench/warm.py (2 cores, 2 December 2026)
    version = "2"  # 2: report operating point, calibrated scores, trigger words
    requires = ()
    assigns = ("techniques",)

    def __init__(self, config: EngineConfig | AnalyzeOptions | None = None) -> None:
        super().__init__(config)
        self.path = resolve_model_path(self.config)

    def available(self) -> bool:
        return (self.path / "config.json").is_file()

    def warm(self) -> None:
        self.model  # noqa: B018

    @property
    def model(self) -> TechniqueModel:
        if not self.available():
            raise ModelNotFound(f"no technique model at {self.path}")
        return load_once(TASK, self.path, self._load, self.config.threads)

    def _load(self) -> TechniqueModel:
        model = TechniqueModel.load(self.path, threads=self.config.threads)
        log.info("loaded technique model from %s", self.path)
        return model

    def fingerprint(self, settings: RunSettings | None = None) -> str:
        settings = self.settings_for(settings)
        files = dir_fingerprint(self.path) if self.available() else None
        overrides = sorted(settings.technique_thresholds.items())
        return combine(
            self.name,
            self.version,
            files,
            settings.technique_threshold_shift,
            overrides,
            settings.technique_all_spans,
            settings.technique_precision,
        )

    def __call__(self, article: Article, settings: RunSettings | None = None) -> Article:
        return self.pipe([article], settings)[0]

    def pipe(self, articles: Sequence[Article], settings: RunSettings | None = None) -> list[Article]:
        settings = self.settings_for(settings)
        model = self.model
        thresholds = model.thresholds(settings.technique_threshold_shift, settings.technique_thresholds)
        # Hidden states feed the span classifier, whose probability is half of a span's confidence.
        with_hidden = model.operating_point is not None and model.span_head is not None
        outputs = model.outputs([a.text for a in articles], with_hidden=with_hidden)
        for article, out in zip(articles, outputs, strict=True):
            article.techniques, article.technique_report = model.report_spans(
                out, thresholds, settings.technique_all_spans, settings.technique_precision
            )
        return list(articles)
