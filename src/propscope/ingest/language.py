"""Language identification with CLD2 (``pycld2``), so that the runner can refuse languages the models lack.

CLD2 was chosen over py3langid because a refusal must be quick: its tables are compiled into the
extension, so the first guess of a process costs milliseconds, where py3langid first decompresses a
68 MB model (0.4 s on an idle 2-core machine, over 2 s on a busy one). Both agree on news articles
(README, speed section: the 500 PPN and 90 PTC articles of bench/throughput.py).

Short texts carry too little evidence for a reliable guess, and a wrong guess would refuse a valid
English article; for them, and for guesses CLD2 itself calls unreliable, the language is unknown (``None``).
"""

from __future__ import annotations

import re

# Below this, guesses are close to chance ("Bucha staged" could be anything).
MIN_LETTERS = 40
# The share of the text (in percent, as CLD2 reports it) the top language must hold.
MIN_PERCENT = 50
# The first few thousand characters decide; long articles do not change the answer.
_SAMPLE_CHARS = 5000

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# CLD2 refuses input with C0/C1 control characters and lone surrogates ("invalid UTF-8").
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# CLD2 still reports a few retired codes; ISO 639-1 names them differently.
_ISO = {"iw": "he", "in": "id", "jw": "jv", "mo": "ro", "tl": "fil"}


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or ``None`` when the text is too short to tell."""
    sample = text[:_SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return None
    import pycld2

    try:
        reliable, _, guesses = pycld2.detect(_UNSAFE.sub(" ", sample))
    except pycld2.error:
        return None
    _, code, percent, _ = guesses[0]
    if not reliable or code in ("un", "xxx") or percent < MIN_PERCENT:
        return None
    code = code.split("-")[0].lower()  # "zh-Hant" -> "zh"
    return _ISO.get(code, code)
