"""The Propaganda Techniques Corpus (PTC, SemEval-2020 Task 11): reading the release as it is published,
and the token windows and span decoding that the technique tagger shares between training and inference."""

from propscope.ptc.corpus import (
    Corpus,
    LabelledSpan,
    load_corpus,
    load_unlabelled,
    read_article,
    read_articles,
    read_labels,
    split_ids,
    write_labels,
)

__all__ = [
    "Corpus",
    "LabelledSpan",
    "load_corpus",
    "load_unlabelled",
    "read_article",
    "read_articles",
    "read_labels",
    "split_ids",
    "write_labels",
]
