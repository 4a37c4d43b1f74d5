"""Token windows, token labels and span decoding of the technique tagger (numpy and tokenizers only).

Training and inference share this module so that both cut articles into the same windows and read
spans back the same way:

- an article is tokenised once, without truncation; windows of ``max_length`` tokens ([CLS] + content +
  [SEP]) start every ``content - overlap`` tokens, so consecutive windows share ``overlap`` tokens;
- model outputs of tokens seen by several windows are averaged;
- a span is a maximal run of tokens whose probability reaches the technique's threshold, widened to
  whole words and trimmed of the characters the organisers trimmed from gold spans; in the technique
  columns a span made only of function words ("a", "Who") is dropped (``column_rules``, ``decode_column``).

Output layout of the token head: one "inside" column per technique, then one "inside any technique"
column (the SI target); with the ``bio`` scheme the same number of "begins here" columns follow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
from tokenizers import Tokenizer

from propscope.models.runtime import in_order
from propscope.models.tokens import TokenisedText, tokenise_texts

# The organisers trimmed gold spans of these characters (README of PTC v2); we trim predictions alike.
TRIM_CHARS = " \n\r\t.,:;"


# Token ids and character offsets of a whole article (no special tokens).
TokenisedArticle = TokenisedText


@dataclass(slots=True)
class WindowBatch:
    """Windows of several articles, padded to one length."""

    input_ids: np.ndarray  # [N, L]
    attention_mask: np.ndarray  # [N, L]
    article: np.ndarray  # [N] index of the article
    first_token: np.ndarray  # [N] article token index at window position 1
    n_content: np.ndarray  # [N] content tokens in the window

    def __len__(self) -> int:
        return int(self.input_ids.shape[0])


def prepare_tokenizer(tokenizer: Tokenizer) -> Tokenizer:
    """Switch off truncation and padding: windows are cut here, not by the tokenizer."""
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def load_article_tokenizer(path: str) -> Tokenizer:
    return prepare_tokenizer(Tokenizer.from_file(path))


def tokenise(tokenizer: Tokenizer, texts: list[str]) -> list[TokenisedArticle]:
    return tokenise_texts(tokenizer, texts)


def window_starts(n_tokens: int, content: int, overlap: int) -> list[int]:
    """Start token of each window; the windows cover every token, consecutive ones share ``overlap``."""
    if content <= overlap:
        raise ValueError("window content must be longer than the overlap")
    step = content - overlap
    starts = [0]
    while starts[-1] + content < n_tokens:
        starts.append(starts[-1] + step)
    return starts


def build_windows(
    articles: list[TokenisedArticle], max_length: int, overlap: int, cls_id: int, sep_id: int
) -> WindowBatch:
    content = max_length - 2
    rows: list[tuple[int, int, int]] = []
    for index, article in enumerate(articles):
        for start in window_starts(len(article), content, overlap):
            rows.append((index, start, min(content, len(article) - start)))
    length = max((n for _, _, n in rows), default=0) + 2
    input_ids = np.zeros((len(rows), length), dtype=np.int64)
    attention = np.zeros((len(rows), length), dtype=np.int64)
    for row, (index, start, n) in enumerate(rows):
        input_ids[row, 0] = cls_id
        input_ids[row, 1 : 1 + n] = articles[index].ids[start : start + n]
        input_ids[row, 1 + n] = sep_id
        attention[row, : n + 2] = 1
    return WindowBatch(
        input_ids=input_ids,
        attention_mask=attention,
        article=np.asarray([r[0] for r in rows], dtype=np.int64),
        first_token=np.asarray([r[1] for r in rows], dtype=np.int64),
        n_content=np.asarray([r[2] for r in rows], dtype=np.int64),
    )


def _add(sums: list[np.ndarray | None], index: int, sizes: list[int], window: slice, values: np.ndarray) -> None:
    """Add one window's outputs to its article's sums (allocated at its first window, when the width is known)."""
    if sums[index] is None:
        sums[index] = np.zeros((sizes[index], values.shape[-1]), dtype=np.float32)
    sums[index][window] += values  # type: ignore[index]


def _means(sums: list[np.ndarray | None], divisors: list[np.ndarray]) -> list[np.ndarray]:
    """The sums divided by the counts, in place (a copy doubled the peak: the encoder states of a 2 MB
    article are 0.7 GB)."""
    width = next((s.shape[-1] for s in sums if s is not None), 0)
    means = []
    for total, divisor in zip(sums, divisors, strict=True):
        if total is None:
            means.append(np.zeros((len(divisor), width), dtype=np.float32))
        else:
            np.divide(total, divisor, out=total)
            means.append(total)
    return means


def average_windows(values: Sequence[np.ndarray], batch: WindowBatch, sizes: list[int]) -> list[np.ndarray]:
    """Per-article ``[n_tokens, D]`` means of window outputs (``values[row]``: ``[L, D]``, ``L`` at least the
    window's length) over the windows that saw each token."""
    sums: list[np.ndarray | None] = [None] * len(sizes)
    counts = [np.zeros((size, 1), dtype=np.float32) for size in sizes]
    for row in range(len(batch)):
        index, start, n = int(batch.article[row]), int(batch.first_token[row]), int(batch.n_content[row])
        _add(sums, index, sizes, slice(start, start + n), np.asarray(values[row][1 : 1 + n], dtype=np.float32))
        counts[index][start : start + n] += 1.0
    return _means(sums, [np.maximum(c, 1.0) for c in counts])


def token_range(offsets: np.ndarray, start: int, end: int) -> tuple[int, int]:
    """Indices ``[a, b)`` of the tokens that overlap the characters ``[start, end)`` (a == b: none)."""
    if len(offsets) == 0:
        return 0, 0
    a = int(np.searchsorted(offsets[:, 1], start, side="right"))
    b = int(np.searchsorted(offsets[:, 0], end, side="left"))
    return a, max(a, b)


def token_targets(
    offsets: np.ndarray, spans: list[tuple[int, int, int]], n_techniques: int, bio: bool
) -> np.ndarray:
    """Token targets ``[n, (n_techniques + 1) * (2 if bio else 1)]`` from ``(technique index, start, end)``."""
    n_inside = n_techniques + 1
    targets = np.zeros((len(offsets), n_inside * (2 if bio else 1)), dtype=np.float32)
    for technique, start, end in spans:
        a, b = token_range(offsets, start, end)
        if a >= b:
            continue
        targets[a:b, technique] = 1.0
        targets[a:b, n_techniques] = 1.0
        if bio:
            targets[a, n_inside + technique] = 1.0
    if bio:
        any_inside = targets[:, n_techniques] > 0
        begins = any_inside & ~np.concatenate([[False], any_inside[:-1]])
        targets[begins, n_inside + n_techniques] = 1.0
    return targets


def _is_word_char(char: str) -> bool:
    return char.isalnum()


def widen_and_trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole words, then trim the organisers' boundary characters."""
    while start > 0 and start < len(text) and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
        start -= 1
    while end < len(text) and end > 0 and _is_word_char(text[end]) and _is_word_char(text[end - 1]):
        end += 1
    # A hyphenated compound is one word: never cut "long-|term" or "pro|-Kremlin".
    while end + 1 < len(text) and text[end] == "-" and _is_word_char(text[end - 1]) and _is_word_char(text[end + 1]) or (
        0 < end < len(text) and text[end - 1] == "-" and end >= 2 and _is_word_char(text[end - 2]) and _is_word_char(text[end])
    ):
        end += 1
        while end < len(text) and _is_word_char(text[end]):
            end += 1
    while start >= 2 and text[start - 1] == "-" and _is_word_char(text[start - 2]) and start < len(text) and _is_word_char(text[start]):
        start -= 1
        while start > 0 and _is_word_char(text[start - 1]):
            start -= 1
    while start < end and text[start] in TRIM_CHARS:
        start += 1
    while end > start and text[end - 1] in TRIM_CHARS:
        end -= 1
    return start, end


def runs(mask: np.ndarray, splits: np.ndarray | None = None) -> list[tuple[int, int]]:
    """Maximal runs ``[a, b)`` of True; ``splits`` marks tokens that start a new run inside a run."""
    if not mask.any():
        return []
    padded = np.concatenate([[False], mask, [False]])
    change = np.flatnonzero(padded[1:] != padded[:-1])
    result = []
    for a, b in zip(change[0::2], change[1::2], strict=True):
        a, b = int(a), int(b)
        if splits is not None:
            cuts = [a] + [int(i) for i in np.flatnonzero(splits[a + 1 : b]) + a + 1] + [b]
            result.extend((x, y) for x, y in zip(cuts[:-1], cuts[1:], strict=True))
        else:
            result.append((a, b))
    return result


def bridge_gaps(mask: np.ndarray, gap: int) -> np.ndarray:
    """Fill runs of at most ``gap`` False tokens that lie between two True tokens."""
    if gap <= 0 or not mask.any():
        return mask
    on = np.flatnonzero(mask)
    distance = np.diff(on)
    bridged = mask.copy()
    for k in np.flatnonzero((distance > 1) & (distance <= gap + 1)):
        bridged[on[k] : on[k + 1]] = True
    return bridged


# Function words that carry no technique on their own: a span made only of them ("a", "Who", "of the")
# is a stray token of a longer phrase, not something to show a fact-checker or to score. spaCy's list,
# copied into resources/ (importing spaCy for it cost seconds on every start).
def _read_stop_words() -> frozenset[str]:
    lines = (resources.files("propscope") / "resources" / "stop_words_en.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


STOP_WORDS: frozenset[str] = _read_stop_words() | frozenset(
    "a an the of to in on at by for from with and or but nor so as is are was were be been it its this that "
    "these those who whom whose which what when where why how i you he she we they me him her us them my "
    "your his our their not no".split()
)

# Characters that may lie between two spans of one technique for them to be read as one phrase.
JOIN_CHARS = frozenset(" \t\n\r-\u2010\u2011\u2012\u2013\u2014")


def _words(fragment: str) -> list[str]:
    words, current = [], []
    for char in fragment:
        if char.isalnum() or char == "'" or char == "\u2019":
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


# Longest span (in words) that the function-word rule drops; None: any length. Limiting it to 1, 2 or 3
# words (to spare clichés such as "so be it") gave technique span F1 0.219, 0.222, 0.229 against 0.230
# without a limit (round-2 model, cross-fitted), so there is none.
STOP_SPAN_MAX_WORDS: int | None = None


def only_stop_words(fragment: str, max_words: int | None = None) -> bool:
    """True when every word of ``fragment`` is a function word (or there is no word at all) and, with
    ``max_words``, there are at most that many words."""
    words = [w.lower().replace("\u2019", "'").strip("'") for w in _words(fragment)]
    words = [w for w in words if w]
    if max_words is not None and len(words) > max_words:
        return False
    return all(w in STOP_WORDS for w in words)


def decode_column(
    text: str,
    offsets: np.ndarray,
    probs: np.ndarray,
    threshold: float,
    begins: np.ndarray | None = None,
    gap: int = 0,
    *,
    join_adjacent: bool = False,
    drop_stop_words: bool = False,
) -> list[tuple[int, int, float]]:
    """Spans ``(start, end, score)`` of one output column.

    - Runs separated by at most ``gap`` tokens below the threshold are joined (a gold span often holds a
      word or two that the model is less sure of); ``begins`` (bio scheme) splits a run where a new span
      starts.
    - ``join_adjacent``: two spans of the column separated only by whitespace or hyphens are joined when
      one of them is only function words ("a" + "puppet of NATO" -> "a puppet of NATO", a "begins" split
      inside one phrase) or the gap is a bare hyphen ("pro" + "Kremlin"). Off by default: it lowered both
      measures (see ``column_rules``); joining every such pair lowered SI F1 most (0.439 -> 0.408).
    - ``drop_stop_words``: a span whose words are all function words ("a", "Who") is dropped.
    - score = mean probability over the span's tokens that reach the threshold (bridged gap tokens are
      left out), so a shown span never scores below its technique's threshold.
    """
    splits = None
    if begins is not None:
        splits = begins >= 0.5
    above = probs >= threshold
    # [start, end, sum of above-threshold probabilities, their count]
    pieces: list[list[float]] = []
    for a, b in runs(bridge_gaps(above, gap), splits):
        start, end = widen_and_trim(text, int(offsets[a, 0]), int(offsets[b - 1, 1]))
        if not any(char.isalnum() for char in text[start:end]):
            continue  # a lone quote mark or dash carries no technique
        mask = above[a:b]
        total = float(probs[a:b][mask].sum()) if mask.any() else float(probs[a:b].max())
        count = float(mask.sum()) if mask.any() else 1.0
        if pieces and start < pieces[-1][1]:
            # runs that end up in the same word after widening become one span
            _absorb(pieces[-1], [start, end, total, count])
        else:
            pieces.append([start, end, total, count])
    if join_adjacent:
        pieces = _join_pieces(text, pieces)
    spans: list[tuple[int, int, float]] = []
    for start, end, total, count in pieces:
        start, end = int(start), int(end)
        if drop_stop_words and only_stop_words(text[start:end], STOP_SPAN_MAX_WORDS):
            continue
        spans.append((start, end, total / count))
    return spans


# Which rules each column decodes with (training-time tuning and inference both read this). Measured on
# the round-2 model's 56 validation articles, thresholds re-tuned each time, cross-fitted:
#   rules                      SI F1 ("any" column)   technique-span micro F1
#   none                       0.4393                 0.2156
#   join (function-word/hyph.) 0.4368                 0.2084
#   drop function-word spans   0.4367                 0.2298
#   both                       0.4386                 0.2219
#   join every space/hyphen    0.4083                 0.1916
# So the "any" column (SemEval SI) keeps the plain runs, and the technique columns (the spans users see)
# drop spans made only of function words.
ANY_COLUMN_RULES: dict[str, bool] = {"join_adjacent": False, "drop_stop_words": False}
TECHNIQUE_COLUMN_RULES: dict[str, bool] = {"join_adjacent": False, "drop_stop_words": True}


def column_rules(column: int, n_techniques: int) -> dict[str, bool]:
    """Decoding rules of an output column: the "any" column (index ``n_techniques``) or a technique."""
    return dict(ANY_COLUMN_RULES if column == n_techniques else TECHNIQUE_COLUMN_RULES)


def _absorb(into: list[float], piece: list[float]) -> None:
    into[0] = min(into[0], piece[0])
    into[1] = max(into[1], piece[1])
    into[2] += piece[2]
    into[3] += piece[3]


def _joinable(text: str, left: list[float], right: list[float]) -> bool:
    """Two pieces of one column are one phrase when only whitespace/hyphens lie between them and either
    the gap is a bare hyphen inside a compound ("pro" + "Kremlin") or one side is only function words
    ("a" + "puppet of NATO")."""
    between = text[int(left[1]) : int(right[0])]
    if not all(char in JOIN_CHARS for char in between):
        return False
    if between and not any(char.isspace() for char in between):
        return True
    return only_stop_words(text[int(left[0]) : int(left[1])]) or only_stop_words(text[int(right[0]) : int(right[1])])


def _join_pieces(text: str, pieces: list[list[float]]) -> list[list[float]]:
    joined: list[list[float]] = []
    for piece in pieces:
        if joined and _joinable(text, joined[-1], piece):
            _absorb(joined[-1], piece)
        else:
            joined.append(list(piece))
    return joined


def span_extra_features(text: str, start: int, end: int, n_tokens: int, lowered: str | None = None) -> np.ndarray:
    """Two scalars the span classifier sees beside pooled states: length, and how often the words recur.

    The recurrence count matters for Repetition, which no window-bound encoder can see on its own.
    ``lowered``: ``text.lower()``, computed once per article by callers with many spans (lowering a
    2 MB article for each of its spans made span classification quadratic in its length).
    """
    fragment = text[start:end].strip().lower()
    count = (lowered if lowered is not None else text.lower()).count(fragment) if fragment else 1
    return np.asarray([np.log1p(n_tokens) / 4.0, np.log1p(max(count - 1, 0))], dtype=np.float32)


def span_features(
    hidden: np.ndarray, logits: np.ndarray, offsets: np.ndarray, text: str, start: int, end: int,
    lowered: str | None = None,
) -> np.ndarray:
    """Features of one span: mean and max of token states, mean token logits, extra scalars."""
    a, b = token_range(offsets, start, end)
    if a >= b:  # a span on characters no token covers (only whitespace): take the nearest token
        a = min(a, len(offsets) - 1)
        b = a + 1
    states = hidden[a:b]
    return np.concatenate(
        [states.mean(axis=0), states.max(axis=0), logits[a:b].mean(axis=0), span_extra_features(text, start, end, b - a, lowered)]
    ).astype(np.float32)


def gelu_tanh(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + np.tanh(0.7978845608028654 * (x + 0.044715 * x**3)))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0)))


def softmax(x: np.ndarray) -> np.ndarray:
    shifted = x - x.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


@dataclass(slots=True)
class ArticleOutputs:
    """Token-level model outputs of one article, averaged over the windows that saw each token."""

    text: str
    offsets: np.ndarray  # [n, 2]
    probs: np.ndarray  # [n, outputs] sigmoid of the token head
    logits: np.ndarray  # [n, outputs]
    hidden: np.ndarray | None  # [n, hidden] encoder states (only when asked for)


# (input_ids, attention_mask) -> (token logits [N, L, outputs], hidden states [N, L, H] or None)
WindowRunner = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray | None]]


def article_outputs(
    run: WindowRunner,
    tokenizer: Tokenizer,
    texts: Sequence[str],
    max_length: int,
    overlap: int,
    windows_per_run: int = 1,
    with_hidden: bool = False,
    tokenised: list[TokenisedArticle] | None = None,
    concurrent_runs: int = 1,
) -> list[ArticleOutputs]:
    """Cut every text into windows, run them in chunks of ``windows_per_run`` (each chunk padded only to
    its longest window), average per token (``tokenised``: the texts' tokens where the caller has them).

    One window a run (the default) makes an article's outputs independent of the other texts: the int8
    models quantise activations with one scale over the whole batch, so batch mates and padding moved
    token logits by 0.16 on average (up to 2.0) on 32 PPN articles. It is also the fastest on a CPU:
    1.53 s CPU for their 66 windows against 2.51 s in runs of 8 padded to 256 tokens.

    ``concurrent_runs`` > 1 runs that many windows at once (``run`` on a session with one intra-op thread,
    see :class:`propscope.models.runtime.OnnxModel`); outputs are summed in window order all the same.
    """
    cls_id = int(tokenizer.token_to_id("[CLS]"))
    sep_id = int(tokenizer.token_to_id("[SEP]"))
    articles = tokenised if tokenised is not None else tokenise(tokenizer, list(texts))
    if not articles:
        return []
    batch = build_windows(articles, max_length, overlap, cls_id, sep_id)
    sizes = [len(a) for a in articles]
    # Window outputs are summed into per-article arrays as they come, not kept: a 2 MB article has
    # 2,600 windows, whose encoder states alone (256 x 384 floats each) took 1 GB.
    sums: dict[str, list[np.ndarray | None]] = {name: [None] * len(sizes) for name in ("logits", "probs", "hidden")}
    counts = [np.zeros((size, 1), dtype=np.float32) for size in sizes]
    def chunk(first: int) -> tuple[range, tuple[np.ndarray, np.ndarray | None]]:
        rows = range(first, min(first + windows_per_run, len(batch)))
        length = int(batch.n_content[first : rows.stop].max()) + 2
        return rows, run(batch.input_ids[first : rows.stop, :length], batch.attention_mask[first : rows.stop, :length])

    for rows, (logits, hidden) in in_order(chunk, range(0, len(batch), windows_per_run), concurrent_runs):
        logits = np.asarray(logits, dtype=np.float32)
        if with_hidden and hidden is None:
            raise ValueError("the runner returned no hidden states")
        for k, row in enumerate(rows):
            index, start, n = int(batch.article[row]), int(batch.first_token[row]), int(batch.n_content[row])
            window = slice(start, start + n)
            _add(sums["logits"], index, sizes, window, logits[k, 1 : 1 + n])
            _add(sums["probs"], index, sizes, window, sigmoid(logits[k, 1 : 1 + n]))
            if with_hidden:
                _add(sums["hidden"], index, sizes, window, np.asarray(hidden[k, 1 : 1 + n], dtype=np.float32))
            counts[index][window] += 1.0
    divisors = [np.maximum(c, 1.0) for c in counts]
    mean_logits = _means(sums["logits"], divisors)
    mean_probs = _means(sums["probs"], divisors)
    mean_hidden: list[np.ndarray | None] = [None] * len(articles)
    if with_hidden:
        mean_hidden = list(_means(sums["hidden"], divisors))
    return [
        ArticleOutputs(text, article.offsets, probs, logit, hidden)
        for text, article, probs, logit, hidden in zip(texts, articles, mean_probs, mean_logits, mean_hidden, strict=True)
    ]


def begins_column(out: ArticleOutputs, n_techniques: int, column: int, bio: bool) -> np.ndarray | None:
    return out.probs[:, n_techniques + 1 + column] if bio else None


def decode_techniques(
    out: ArticleOutputs, thresholds: Sequence[float], bio: bool, gap: int = 0
) -> list[tuple[int, int, int, float]]:
    """``(technique index, start, end, score)`` for every technique column (``thresholds`` per technique)."""
    spans: list[tuple[int, int, int, float]] = []
    if len(out.offsets) == 0:
        return spans
    n_techniques = len(thresholds)
    for column, threshold in enumerate(thresholds):
        begins = begins_column(out, n_techniques, column, bio)
        rules = column_rules(column, n_techniques)
        for start, end, score in decode_column(out.text, out.offsets, out.probs[:, column], threshold, begins, gap, **rules):
            spans.append((column, start, end, score))
    return spans


def decode_any(
    out: ArticleOutputs, n_techniques: int, threshold: float, bio: bool, gap: int = 0
) -> list[tuple[int, int, float]]:
    """Spans of the "any technique" column (SemEval SI)."""
    if len(out.offsets) == 0:
        return []
    begins = begins_column(out, n_techniques, n_techniques, bio)
    rules = column_rules(n_techniques, n_techniques)
    return decode_column(out.text, out.offsets, out.probs[:, n_techniques], threshold, begins, gap, **rules)


def span_matrix(out: ArticleOutputs, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """Span-classifier features ``[len(spans), F]`` of gold or given spans."""
    if out.hidden is None:
        raise ValueError("span features need outputs computed with hidden states")
    if len(out.offsets) == 0:
        raise ValueError("span features need a text with at least one token")
    lowered = out.text.lower()
    return np.stack([span_features(out.hidden, out.logits, out.offsets, out.text, s, e, lowered) for s, e in spans])


def span_head_probabilities(head: dict[str, np.ndarray], features: np.ndarray) -> np.ndarray:
    """The span classifier: one hidden layer (tanh GELU), softmax over techniques."""
    hidden = gelu_tanh(features @ head["w1"] + head["b1"])
    return softmax(hidden @ head["w2"] + head["b2"])
