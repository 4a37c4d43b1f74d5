"""The one checkpoint format of the trainers: what a fine-tuning run hands to ``finalise``.

A checkpoint is a folder that travels between machines (a GPU machine fine-tunes, a CPU machine
exports), so every file stays below ``SHARD_BYTES``:

- ``weights-NN-of-MM.safetensors``: the state dict in fp16 (integer tensors as they are), in shards of
  at most ``SHARD_BYTES``; a tensor larger than that (the word embeddings) is cut into row blocks named
  ``name@@i`` and joined again on loading;
- ``encoder_config.json``: the transformers config of the encoder, to rebuild it without the base files;
- ``tokenizer.json``: the tokenizer it was trained with;
- ``checkpoint.json``: the run's metadata (settings, splits, history, versions), trainer-specific.

``load_state`` and ``load_meta`` also read the formats the trainers wrote before this one (the
techniques trainer's single ``weights.safetensors`` or its ``.part-*`` pieces; the claims trainer's
``train_meta.json``; the embedder sweep's single safetensors file), so older checkpoints still export.

torch and safetensors are imported inside functions: the package imports without them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from propscope.errors import ModelNotFound

SHARD_BYTES = 14 * 1024 * 1024
META_FILE = "checkpoint.json"
ENCODER_CONFIG_FILE = "encoder_config.json"
TOKENIZER_FILE = "tokenizer.json"
PIECE = "@@"
SHARD_GLOB = "weights-*.safetensors"
LEGACY_META_FILES = ("train_meta.json",)
LEGACY_WEIGHTS = "weights.safetensors"


def shard_state(state: dict[str, Any], limit: int = SHARD_BYTES) -> list[dict[str, Any]]:
    """fp16 tensors grouped into shards of at most ``limit`` bytes (larger tensors cut into row blocks)."""
    pieces: list[tuple[str, Any]] = []
    for name, tensor in state.items():
        tensor = tensor.detach().cpu()
        tensor = tensor.half() if tensor.is_floating_point() else tensor
        nbytes = tensor.numel() * tensor.element_size()
        if nbytes > limit and tensor.dim() > 0:
            rows = max(1, tensor.shape[0] * limit // nbytes)
            pieces += [(f"{name}{PIECE}{i}", block.contiguous()) for i, block in enumerate(tensor.split(rows))]
        else:
            pieces.append((name, tensor.contiguous()))
    shards: list[dict[str, Any]] = [{}]
    size = 0
    for name, tensor in pieces:
        nbytes = tensor.numel() * tensor.element_size()
        if shards[-1] and size + nbytes > limit:
            shards.append({})
            size = 0
        shards[-1][name] = tensor
        size += nbytes
    return shards


def save_checkpoint(
    path: Path,
    state: dict[str, Any],
    meta: dict[str, Any],
    encoder_config: str | None = None,
    tokenizer: Path | None = None,
    shard_bytes: int = SHARD_BYTES,
) -> Path:
    """Write the checkpoint folder; ``encoder_config`` is the config's JSON text, ``tokenizer`` a file."""
    from safetensors.torch import save_file

    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob(SHARD_GLOB):
        stale.unlink()
    shards = shard_state(state, shard_bytes)
    for index, shard in enumerate(shards, start=1):
        save_file(shard, str(path / f"weights-{index:02d}-of-{len(shards):02d}.safetensors"))
    if encoder_config is not None:
        (path / ENCODER_CONFIG_FILE).write_text(encoder_config, encoding="utf-8")
    if tokenizer is not None:
        shutil.copy(tokenizer, path / TOKENIZER_FILE)
    (path / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return path


def is_checkpoint(path: Path) -> bool:
    return path.is_dir() and any(path.glob(SHARD_GLOB)) or (path / LEGACY_WEIGHTS).is_file() or any(
        path.glob(LEGACY_WEIGHTS + ".part-*")
    )


def _raw_tensors(path: Path) -> dict[str, Any]:
    from safetensors.torch import load, load_file

    if path.is_file():  # a single safetensors file (the embedder sweep's weights)
        return dict(load_file(str(path)))
    shards = sorted(path.glob(SHARD_GLOB))
    if shards:
        flat: dict[str, Any] = {}
        for shard in shards:
            flat.update(load_file(str(shard)))
        return flat
    whole = path / LEGACY_WEIGHTS
    if whole.is_file():
        return dict(load(whole.read_bytes()))
    parts = sorted(path.glob(LEGACY_WEIGHTS + ".part-*"))
    if parts:
        return dict(load(b"".join(part.read_bytes() for part in parts)))
    raise ModelNotFound(f"no checkpoint weights in {path} ({SHARD_GLOB}, or the older {LEGACY_WEIGHTS} or its .part-* pieces)")


def load_state(path: Path) -> dict[str, Any]:
    """The fp32 state dict of a checkpoint folder (or of one safetensors file), row blocks joined."""
    import torch

    blocks: dict[str, dict[int, Any]] = {}
    state: dict[str, Any] = {}
    for name, tensor in _raw_tensors(path).items():
        if PIECE in name:
            base_name, index = name.rsplit(PIECE, 1)
            blocks.setdefault(base_name, {})[int(index)] = tensor
        else:
            state[name] = tensor
    for name, parts in blocks.items():
        state[name] = torch.cat([parts[i] for i in sorted(parts)])
    return {k: v.float() if v.is_floating_point() else v for k, v in state.items()}


def meta_path(path: Path) -> Path | None:
    for name in (META_FILE, *LEGACY_META_FILES):
        if (path / name).is_file():
            return path / name
    return None


def load_meta(path: Path) -> dict[str, Any]:
    found = meta_path(path)
    if found is None:
        raise ModelNotFound(f"no checkpoint at {path}: {META_FILE} is missing")
    return json.loads(found.read_text(encoding="utf-8"))


def load_encoder_config(path: Path) -> dict[str, Any]:
    config_path = path / ENCODER_CONFIG_FILE
    if not config_path.is_file():
        raise ModelNotFound(f"no checkpoint at {path}: {ENCODER_CONFIG_FILE} is missing")
    return json.loads(config_path.read_text(encoding="utf-8"))
