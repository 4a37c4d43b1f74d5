"""Model directories, ONNX Runtime sessions and tokenisation windows (no PyTorch needed)."""

from propscope.models.modeldir import ModelDir, load_model_dir, packaged_model_path
from propscope.models.runtime import OnnxModel
from propscope.models.windows import Windows, encode_windows, load_tokenizer

__all__ = [
    "ModelDir",
    "OnnxModel",
    "Windows",
    "encode_windows",
    "load_model_dir",
    "load_tokenizer",
    "packaged_model_path",
]
