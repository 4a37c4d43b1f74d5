"""The shared training loop: schedule maths, batch order, and that it trains exactly like a plain loop."""

from __future__ import annotations

import random

import numpy as np
import pytest

from propscope.errors import DataError
from propscope.train import loop

torch = pytest.importorskip("torch")


def test_warmup_then_decay_rises_linearly_to_one_then_falls_to_zero() -> None:
    factor = loop.lr_factor(total=10, warmup=2)
    assert [factor(s) for s in range(11)] == pytest.approx([0.5, 1.0, 1.0, 7 / 8, 6 / 8, 5 / 8, 4 / 8, 3 / 8, 2 / 8, 1 / 8, 0.0])


def test_warmup_times_decay_peaks_above_one_at_the_end_of_warmup() -> None:
    factor = loop.lr_factor(total=10, warmup=2, schedule=loop.WARMUP_TIMES_DECAY)
    assert factor(0) == pytest.approx(0.5 * 10 / 8)
    assert factor(1) == pytest.approx(9 / 8)  # the embedder's shape: slightly above the base rate
    assert factor(2) == pytest.approx(1.0) and factor(10) == 0.0


def test_warmup_is_at_least_one_step_and_the_last_batch_is_kept_unless_dropped() -> None:
    assert loop.warmup_steps(total=5, fraction=0.0) == 1
    assert loop.warmup_steps(total=100, fraction=0.1) == 10
    assert loop.steps_per_epoch(10, 4) == 3
    assert loop.steps_per_epoch(10, 4, drop_last=True) == 2
    assert loop.steps_per_epoch(3, 4, drop_last=True) == 1  # fewer examples than a batch: one short batch


def test_batch_orders_follow_the_generator_each_trainer_was_trained_with() -> None:
    numpy_orders = loop.batch_orders(7, seed=3, shuffle="numpy")
    reference = np.random.default_rng(3)
    for _ in range(3):
        assert list(next(numpy_orders)) == list(reference.permutation(7))
    python_orders = loop.batch_orders(7, seed=3, shuffle="python")
    rng = random.Random(3)
    for _ in range(3):
        expected = list(range(7))
        rng.shuffle(expected)
        assert next(python_orders) == expected


def test_unknown_schedule_or_shuffle_is_refused() -> None:
    with pytest.raises(DataError):
        loop.LoopSettings(epochs=1, batch_size=1, lr=0.1, weight_decay=0.0, warmup=0.1, seed=0, schedule="cosine")
    with pytest.raises(DataError):
        loop.LoopSettings(epochs=1, batch_size=1, lr=0.1, weight_decay=0.0, warmup=0.1, seed=0, shuffle="torch")


def _problem() -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(10, 3, generator=generator)
    return x, x @ torch.tensor([[1.0], [-2.0], [0.5]])


def _model() -> torch.nn.Module:
    torch.manual_seed(1)
    return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Dropout(0.2), torch.nn.Linear(4, 1))


def test_fit_trains_exactly_like_a_plain_adamw_loop_with_the_same_schedule() -> None:
    x, y = _problem()
    settings = loop.LoopSettings(epochs=3, batch_size=4, lr=0.05, weight_decay=0.01, warmup=0.2, seed=5)

    plain = _model()
    optimizer = torch.optim.AdamW(plain.parameters(), lr=0.05, weight_decay=0.01)
    total = 3 * 3
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, loop.lr_factor(total, max(1, int(total * 0.2))))
    rng = np.random.default_rng(5)
    torch.manual_seed(7)
    for _ in range(3):
        plain.train()
        order = rng.permutation(10)
        for first in range(0, 10, 4):
            rows = order[first : first + 4]
            loss = torch.nn.functional.mse_loss(plain(x[rows]), y[rows])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(plain.parameters(), 1.0)
            optimizer.step()
            scheduler.step()

    shared = _model()

    def step(rows: np.ndarray) -> tuple[torch.Tensor, dict[str, float]]:
        loss = torch.nn.functional.mse_loss(shared(x[rows]), y[rows])
        return loss, {"loss": float(loss.detach())}

    torch.manual_seed(7)  # the dropout masks draw from the same stream
    result = loop.fit(shared, 10, step, settings)
    assert result.steps == 9 and len(result.step_records("loss")) == 9
    for a, b in zip(plain.state_dict().values(), shared.state_dict().values(), strict=True):
        assert torch.equal(a, b)


def test_fit_evaluates_in_eval_mode_after_each_epoch_and_ends_in_eval_mode() -> None:
    x, y = _problem()
    model = _model()
    seen: list[tuple[int, bool, int]] = []

    def step(rows: np.ndarray) -> tuple[torch.Tensor, dict[str, float]]:
        assert model.training
        loss = torch.nn.functional.mse_loss(model(x[rows]), y[rows])
        return loss, {"loss": float(loss.detach())}

    def on_epoch(module: torch.nn.Module, end: loop.EpochEnd) -> float:
        seen.append((end.epoch, module.training, len(end.records)))
        return float(end.mean("loss"))

    settings = loop.LoopSettings(epochs=4, batch_size=3, lr=0.05, weight_decay=0.0, warmup=0.1, seed=0, drop_last=True)
    result = loop.fit(model, 10, step, settings, on_epoch=on_epoch)
    assert seen == [(1, False, 3), (2, False, 3), (3, False, 3), (4, False, 3)]  # 10 // 3 full batches
    assert not model.training
    assert result.history[-1] < result.history[0]  # it learns


def test_encoder_head_groups_give_heads_their_rate_and_spare_biases_and_norms_the_decay() -> None:
    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = torch.nn.ModuleDict({"dense": torch.nn.Linear(2, 2), "LayerNorm": torch.nn.LayerNorm(2)})
            self.head = torch.nn.Linear(2, 1)

    net = Net()
    decay, no_decay, head = loop.encoder_head_groups(net, lr=1e-4, head_lr=1e-3, weight_decay=0.01)
    assert [p.shape for p in decay["params"]] == [net.encoder["dense"].weight.shape]
    assert len(no_decay["params"]) == 3 and no_decay["weight_decay"] == 0.0  # dense bias, norm weight and bias
    assert head["lr"] == 1e-3 and len(head["params"]) == 2


def test_best_epoch_ties_go_to_the_later_or_the_earlier_epoch() -> None:
    later = loop.BestEpoch(ties="later")
    earlier = loop.BestEpoch(ties="earlier", key=0.5, epoch=0)
    for epoch, key in enumerate([0.4, 0.7, 0.7, 0.6], start=1):
        later.offer(key, epoch, lambda epoch=epoch: f"weights of {epoch}")
        earlier.offer(key, epoch, lambda epoch=epoch: f"weights of {epoch}")
    assert (later.epoch, later.state) == (3, "weights of 3")
    assert (earlier.epoch, earlier.state) == (2, "weights of 2")
    unbeaten = loop.BestEpoch(ties="earlier", key=0.9, epoch=0)
    assert not unbeaten.offer(0.8, 1, lambda: "never taken") and unbeaten.state is None


def test_fit_refuses_an_empty_training_set() -> None:
    settings = loop.LoopSettings(epochs=1, batch_size=2, lr=0.1, weight_decay=0.0, warmup=0.1, seed=0)
    with pytest.raises(DataError):
        loop.fit(_model(), 0, lambda rows: (None, {}), settings)
