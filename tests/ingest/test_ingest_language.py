"""Language detection, and the runner's refusal of unsupported languages."""

from __future__ import annotations

import pytest

from propscope.errors import UnsupportedLanguage
from propscope.ingest import article_from_text
from propscope.ingest.language import detect_language
from propscope.options import AnalyzeOptions, IngestOptions
from propscope.runner import check_language

GERMAN = (
    "Die Bundesregierung hat am Mittwoch neue Sanktionen gegen Russland beschlossen. Der Kanzler sagte, "
    "die Bilder aus Butscha hätten die Welt erschüttert, und kündigte weitere Hilfe für die Ukraine an."
)
FRENCH = (
    "Le gouvernement français a annoncé mercredi de nouvelles sanctions contre la Russie. Selon le ministre, "
    "les images de Boutcha ont choqué le monde entier et la France continuera d'aider l'Ukraine."
)
ENGLISH = (
    "The government announced new sanctions against Russia on Wednesday. The minister said the images from "
    "Bucha had shocked the world and that Britain would keep helping Ukraine."
)


@pytest.mark.parametrize(("text", "code"), [(GERMAN, "de"), (FRENCH, "fr"), (ENGLISH, "en")])
def test_detects_language(text: str, code: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["", "Bucha staged", "12345 !!! ...", "Hello"])
def test_short_text_has_no_language(text: str) -> None:
    assert detect_language(text) is None


@pytest.mark.parametrize("text", [GERMAN, FRENCH])
def test_runner_refuses_other_languages(text: str) -> None:
    article = article_from_text(text, IngestOptions())
    with pytest.raises(UnsupportedLanguage) as caught:
        check_language(article, AnalyzeOptions())
    assert caught.value.code == "E106"
    assert article.language in str(caught.value)
    check_language(article, AnalyzeOptions(force_language=True))  # forcing lets it through


def test_runner_accepts_english_and_unknown() -> None:
    check_language(article_from_text(ENGLISH, IngestOptions()), AnalyzeOptions())
    check_language(article_from_text("Bucha staged", IngestOptions()), AnalyzeOptions())
