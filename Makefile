# Two commands from a fresh clone: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INDEX ?= index
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install run test index clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch first and pinned: an unpinned torch pulls gigabytes of CUDA packages.
$(VENV)/.torch: | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	touch $@

# compat: a plain path in a .pth file, not an import hook that costs every `qa` run ~20 ms
$(VENV)/.installed: pyproject.toml $(VENV)/.torch
	$(BIN)/pip install --quiet -e '.[test,ray]' --config-settings editable_mode=compat
	touch $@

install: $(VENV)/.installed

$(INDEX)/qa.sqlite: | $(VENV)/.installed
	$(BIN)/qa --index $(INDEX) index

index: install
	$(BIN)/qa --index $(INDEX) index

run: install $(INDEX)/qa.sqlite
	$(BIN)/qa --index $(INDEX) chat

test: install
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(INDEX)/qa.sqlite* $(INDEX)/*.faiss
