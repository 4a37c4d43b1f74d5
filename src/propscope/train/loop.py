"""The one fine-tuning loop of the trainers: AdamW, linear warm-up and decay, epochs, the best epoch.

A trainer says what one step computes (``Step``: batch indices in, the loss to back-propagate and the
numbers to record out) and what happens after each epoch (``EpochHook``: evaluation, logging); the
loop owns the rest: the batch order, zeroing, back-propagation, gradient clipping, the optimiser and
the learning-rate schedule, train/eval mode and the timings.

The trainers differ on purpose in three things, kept as settings (``LoopSettings``):
- ``schedule``: the sentence encoders (embedder, re-ranker) multiply the warm-up factor by the decay
  factor (``WARMUP_TIMES_DECAY``, a peak slightly above the base rate at the end of warm-up); the
  techniques and claims trainers take the smaller of the two (``WARMUP_THEN_DECAY``);
- ``drop_last``: the embedder drops the last incomplete batch (in-batch negatives want full batches);
- ``shuffle``: numpy's ``default_rng(seed).permutation`` or Python's ``random.Random(seed).shuffle``,
  whichever each trainer's shipped model was trained with (the same seed gives another order).

torch is imported inside functions: the package imports without it.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from propscope.errors import DataError

WARMUP_THEN_DECAY = "warmup-then-decay"
WARMUP_TIMES_DECAY = "warmup-times-decay"
SCHEDULES = (WARMUP_THEN_DECAY, WARMUP_TIMES_DECAY)
SHUFFLES = ("numpy", "python")

# batch indices -> (loss tensor to back-propagate, numbers of this step to record)
Step = Callable[[Sequence[int]], tuple[Any, dict[str, float]]]


@dataclass(frozen=True, slots=True)
class LoopSettings:
    """How the loop runs; the trainers' hyper-parameters map onto it one to one."""

    epochs: int
    batch_size: int
    lr: float
    weight_decay: float
    warmup: float  # fraction of all steps
    seed: int
    schedule: str = WARMUP_THEN_DECAY
    drop_last: bool = False
    shuffle: str = "numpy"
    clip_norm: float = 1.0

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1:
            raise DataError("epochs and batch_size must be at least 1")
        if self.schedule not in SCHEDULES:
            raise DataError(f"schedule must be one of {SCHEDULES}, not '{self.schedule}'")
        if self.shuffle not in SHUFFLES:
            raise DataError(f"shuffle must be one of {SHUFFLES}, not '{self.shuffle}'")


@dataclass(frozen=True, slots=True)
class EpochEnd:
    """What the epoch hook is told: the epoch (from 1), its steps' records, and the time."""

    epoch: int
    records: list[dict[str, float]]
    seconds: float  # this epoch
    elapsed: float  # since the loop started

    def mean(self, name: str) -> float | None:
        """The mean of one recorded number over the steps that recorded it (None: no step did)."""
        values = [r[name] for r in self.records if name in r]
        return float(np.mean(values)) if values else None


EpochHook = Callable[[Any, EpochEnd], Any]  # (module in eval mode, epoch) -> an entry of the history


@dataclass(slots=True)
class FitResult:
    steps: int = 0
    seconds: float = 0.0
    step_seconds: list[float] = field(default_factory=list)
    records: list[dict[str, float]] = field(default_factory=list)  # what each step recorded
    history: list[Any] = field(default_factory=list)  # what the epoch hook returned, one per epoch

    def step_records(self, name: str) -> list[float]:
        """One recorded number of every step that recorded it, in order."""
        return [r[name] for r in self.records if name in r]

    def timings(self) -> dict[str, Any]:
        return {
            "train_seconds": round(self.seconds, 1),
            "steps": self.steps,
            "median_step_seconds": float(np.median(self.step_seconds)) if self.step_seconds else None,
            "min_step_seconds": float(np.min(self.step_seconds)) if self.step_seconds else None,
        }


def steps_per_epoch(n_examples: int, batch_size: int, drop_last: bool = False) -> int:
    """Batches in one epoch: the last one may be incomplete unless ``drop_last`` (then at least one)."""
    if drop_last:
        return max(1, n_examples // batch_size)
    return math.ceil(n_examples / batch_size)


def warmup_steps(total: int, fraction: float) -> int:
    return max(1, int(total * fraction))


def lr_factor(total: int, warmup: int, schedule: str = WARMUP_THEN_DECAY) -> Callable[[int], float]:
    """The multiplier of the base learning rate at each step (``LambdaLR``)."""

    def decay(step: int) -> float:
        return max(0.0, (total - step) / max(1, total - warmup))

    if schedule == WARMUP_TIMES_DECAY:
        return lambda step: min(1.0, (step + 1) / warmup) * decay(step)
    return lambda step: min((step + 1) / warmup, decay(step))


def batch_orders(n_examples: int, seed: int, shuffle: str) -> Iterator[Sequence[int]]:
    """One permutation of the examples per epoch, from one generator seeded once."""
    if shuffle == "python":
        rng = random.Random(seed)
        while True:
            order = list(range(n_examples))
            rng.shuffle(order)
            yield order
    generator = np.random.default_rng(seed)
    while True:
        yield generator.permutation(n_examples)


def single_group(module: Any, lr: float, weight_decay: float) -> list[dict[str, Any]]:
    """Every parameter at one learning rate and weight decay."""
    return [{"params": list(module.parameters()), "lr": lr, "weight_decay": weight_decay}]


def encoder_head_groups(
    module: Any, lr: float, head_lr: float, weight_decay: float, encoder_prefix: str = "encoder."
) -> list[dict[str, Any]]:
    """The encoder at ``lr`` (no weight decay on biases and layer norms), the heads at ``head_lr``."""
    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
    groups: list[dict[str, Any]] = [
        {"params": [], "lr": lr, "weight_decay": weight_decay},
        {"params": [], "lr": lr, "weight_decay": 0.0},
        {"params": [], "lr": head_lr, "weight_decay": weight_decay},
    ]
    for name, parameter in module.named_parameters():
        if name.startswith(encoder_prefix):
            groups[1 if name.endswith(no_decay) else 0]["params"].append(parameter)
        else:
            groups[2]["params"].append(parameter)
    return groups


def fit(
    module: Any,
    n_examples: int,
    step: Step,
    settings: LoopSettings,
    groups: list[dict[str, Any]] | None = None,
    on_epoch: EpochHook | None = None,
    on_step: Callable[[int, EpochEnd], None] | None = None,
) -> FitResult:
    """Train ``module`` for ``settings.epochs`` epochs over ``n_examples`` examples; ends in eval mode.

    ``groups`` are AdamW parameter groups (default: ``single_group`` at the settings' rate and decay).
    ``on_epoch`` runs after each epoch with the module in eval mode; what it returns goes to the history.
    ``on_step`` (step number from 1, the epoch so far) is for progress logs."""
    import torch

    if n_examples < 1:
        raise DataError("no training examples")
    per_epoch = steps_per_epoch(n_examples, settings.batch_size, settings.drop_last)
    total = per_epoch * settings.epochs
    optimizer = torch.optim.AdamW(groups or single_group(module, settings.lr, settings.weight_decay))
    factor = lr_factor(total, warmup_steps(total, settings.warmup), settings.schedule)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    orders = batch_orders(n_examples, settings.seed, settings.shuffle)
    result = FitResult()
    started = time.perf_counter()
    for epoch in range(1, settings.epochs + 1):
        module.train()
        order = next(orders)
        epoch_started = time.perf_counter()
        records: list[dict[str, float]] = []
        for index in range(per_epoch):
            batch = order[index * settings.batch_size : (index + 1) * settings.batch_size]
            step_started = time.perf_counter()
            loss, record = step(batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(module.parameters(), settings.clip_norm)
            optimizer.step()
            scheduler.step()
            records.append(record)
            result.records.append(record)
            result.steps += 1
            result.step_seconds.append(time.perf_counter() - step_started)
            if on_step is not None:
                on_step(result.steps, _epoch_end(epoch, records, epoch_started, started))
        if on_epoch is not None:
            module.eval()
            result.history.append(on_epoch(module, _epoch_end(epoch, records, epoch_started, started)))
    result.seconds = time.perf_counter() - started
    module.eval()
    return result


def _epoch_end(epoch: int, records: list[dict[str, float]], epoch_started: float, started: float) -> EpochEnd:
    now = time.perf_counter()
    return EpochEnd(epoch, records, now - epoch_started, now - started)


@dataclass(slots=True)
class BestEpoch:
    """The best epoch so far by a validation number (higher is better) and a snapshot of its weights.

    ``ties="later"`` keeps the later of two equal epochs (the better fitted one: the claims trainer);
    ``"earlier"`` keeps the first (the embedder and re-ranker, which also start from a base score)."""

    key: float = -math.inf
    epoch: int | None = None
    state: Any = None
    ties: str = "later"
    label: Any = None  # what else names the winner (a sweep's run)

    def offer(self, key: float, epoch: int, snapshot: Callable[[], Any], label: Any = None) -> bool:
        better = key >= self.key if self.ties == "later" else key > self.key
        if better:
            self.key, self.epoch, self.state, self.label = key, epoch, snapshot(), label
        return better


def state_snapshot(module: Any, dtype: Any = None) -> dict[str, Any]:
    """A CPU copy of ``module.state_dict()`` (optionally cast, e.g. to fp16 to keep many small)."""
    return {
        name: (value.detach().to("cpu", dtype=dtype, copy=True) if dtype is not None and value.is_floating_point()
               else value.detach().to("cpu", copy=True))
        for name, value in module.state_dict().items()
    }
