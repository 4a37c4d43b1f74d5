"""Training and export (needs the [train] extra: torch==2.13.0, transformers, onnx)."""
