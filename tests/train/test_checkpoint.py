"""The shared checkpoint format: fp16 shards below the transfer limit that load back whole, and the
older formats still load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propscope.errors import ModelNotFound
from propscope.train import checkpoint

torch = pytest.importorskip("torch")
pytest.importorskip("safetensors")


def _state() -> dict[str, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    return {
        "embeddings.weight": torch.randn(300, 16, generator=generator),  # 9,600 bytes in fp16
        "layer.bias": torch.randn(16, generator=generator),
        "position_ids": torch.arange(12),
    }


def test_shards_stay_below_the_limit_and_load_back_as_the_fp16_values(tmp_path: Path) -> None:
    state = _state()
    path = checkpoint.save_checkpoint(
        tmp_path / "ck", state, {"epoch": 3}, encoder_config='{"hidden_size": 16}', shard_bytes=4096
    )
    shards = sorted(path.glob("weights-*.safetensors"))
    assert len(shards) >= 3  # the embeddings alone are cut into row blocks
    assert all(s.name.endswith(f"-of-{len(shards):02d}.safetensors") for s in shards)
    assert all(s.stat().st_size <= 4096 + 1024 for s in shards)  # tensors plus a small header
    loaded = checkpoint.load_state(path)
    assert set(loaded) == set(state)
    assert loaded["embeddings.weight"].dtype == torch.float32
    assert torch.equal(loaded["embeddings.weight"], state["embeddings.weight"].half().float())
    assert torch.equal(loaded["position_ids"], state["position_ids"])  # integers are kept as they are
    assert checkpoint.load_meta(path) == {"epoch": 3}
    assert checkpoint.load_encoder_config(path) == {"hidden_size": 16}


def test_saving_again_replaces_every_older_shard(tmp_path: Path) -> None:
    checkpoint.save_checkpoint(tmp_path, _state(), {}, shard_bytes=4096)
    checkpoint.save_checkpoint(tmp_path, {"w": torch.ones(2)}, {})
    assert [p.name for p in tmp_path.glob("weights-*")] == ["weights-01-of-01.safetensors"]
    assert set(checkpoint.load_state(tmp_path)) == {"w"}


def test_older_checkpoints_still_load(tmp_path: Path) -> None:
    from safetensors.torch import save, save_file

    state = {"w": torch.full((4,), 0.5, dtype=torch.float16)}
    whole = tmp_path / "techniques"
    whole.mkdir()
    save_file(state, str(whole / "weights.safetensors"))
    (whole / "checkpoint.json").write_text(json.dumps({"settings": {}}), encoding="utf-8")
    assert torch.equal(checkpoint.load_state(whole)["w"], torch.full((4,), 0.5))

    pieces = tmp_path / "pieces"
    pieces.mkdir()
    data = save(state)
    (pieces / "weights.safetensors.part-00").write_bytes(data[:50])
    (pieces / "weights.safetensors.part-01").write_bytes(data[50:])
    assert torch.equal(checkpoint.load_state(pieces)["w"], torch.full((4,), 0.5))

    claims = tmp_path / "claims"
    checkpoint.save_checkpoint(claims, state, {"heads": ["a"]})
    (claims / "checkpoint.json").rename(claims / "train_meta.json")
    assert checkpoint.load_meta(claims) == {"heads": ["a"]}

    single = tmp_path / "embedder.fp16.safetensors"
    save_file(state, str(single))
    assert torch.equal(checkpoint.load_state(single)["w"], torch.full((4,), 0.5))


def test_a_folder_without_weights_or_metadata_is_not_a_checkpoint(tmp_path: Path) -> None:
    assert not checkpoint.is_checkpoint(tmp_path)
    with pytest.raises(ModelNotFound):
        checkpoint.load_state(tmp_path)
    with pytest.raises(ModelNotFound):
        checkpoint.load_meta(tmp_path)
