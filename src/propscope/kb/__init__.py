"""Knowledge base of fact-checks and disinformation cases: store, importers, lexical + dense search."""
