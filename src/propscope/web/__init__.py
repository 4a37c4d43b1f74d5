"""The web app's pages (``propscope.web.routes``, needs the ``[web]`` extra) and the templates, CSS and
JavaScript they share with the self-contained HTML report (``propscope.web.assets``, no extra needed)."""
