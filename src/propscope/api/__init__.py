"""The REST API (FastAPI): analyse, store, search, correct and count articles over HTTP.

:func:`propscope.api.app.create_app` builds the application from a :class:`ServerConfig`, a
:class:`~propscope.store.Store` and an :class:`~propscope.engine.Analyzer`; each group of endpoints
is a router in :mod:`propscope.api.routes` and other modules (the web pages) mount theirs on the same
app. Security is on by default: see :mod:`propscope.api.security`.
"""
