"""Stores for the corrections tests (a SQLite file, and PostgreSQL as the store tests use it) and a
tiny technique model trained by the real training code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from propscope.store import Store
from tests.store.conftest import store  # noqa: F401  (the store tests' fixture: SQLite and PostgreSQL)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'store.db'}", migrate=True)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def tiny_technique_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The overfitting test's two articles learnt by a tiny BERT (``train_techniques``, ONNX export)."""
    from tests.techniques.tiny import TINY_BERT, require_training

    require_training()
    from propscope.train.techniques import TrainSettings, train_techniques
    from tests.techniques.test_overfitting import write_release

    root = tmp_path_factory.mktemp("tiny-techniques")
    settings = TrainSettings(epochs=40, lr=3e-3, head_lr=3e-3, batch_size=8, warmup=0.05, dropout=0.0, max_length=32,
                             train_overlap=8, stride=8, val_fraction=0.0)
    train_techniques(write_release(root / "ptc"), root / "model", settings, encoder_config=TINY_BERT, say=lambda _: None)
    return root / "model"
