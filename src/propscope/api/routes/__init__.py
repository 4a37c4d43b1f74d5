"""One router per group of endpoints; :func:`propscope.api.app.create_app` includes them all."""
