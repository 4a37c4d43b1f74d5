"""Corpus-level views of analysed articles (statistics by outlet and period)."""
