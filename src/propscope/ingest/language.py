"""Language identification with py3langid, so that the runner can refuse languages the models lack.

Short texts carry too little evidence for a reliable guess, and a wrong guess would refuse a valid
English article; for them, and for low-confidence guesses, the language is unknown (``None``).
"""

from __future__ import annotations

import re
import threading
from typing import Any

# Below these, py3langid's guesses are close to chance ("Bucha staged" comes out as Quechua).
MIN_LETTERS = 40
MIN_PROBABILITY = 0.80
# The first few thousand characters decide; long articles do not change the answer.
_SAMPLE_CHARS = 5000

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_identifier: Any = None
_lock = threading.Lock()


def _get_identifier() -> Any:
    """The model loads once per process (about 0.4 s), the first time a language is needed."""
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or ``None`` when the text is too short to tell."""
    sample = text[:_SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return None
    language, probability = _get_identifier().classify(sample)
    if probability < MIN_PROBABILITY:
        return None
    return str(language)
