# PropertyDesk — `make demo` to try it, `make test` to check it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO_ADDR ?= 127.0.0.1:8000
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
CHECK_SECRET := check-deploy-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ

.PHONY: demo test install messages lint lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

install: $(VENV)/.installed

# Compiled with Babel so a machine without GNU gettext still gets translations.
%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

messages: $(MO_FILES)

demo: install messages
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py install_schedules
	$(BIN)/python manage.py seed_demo --addr $(DEMO_ADDR)
	@echo "Web server on http://$(DEMO_ADDR)/ and the job cluster are starting; Ctrl-C stops both."
	@# honcho stops both on Ctrl-C: SIGTERM to each process group, SIGKILL 5 s later.
	@DEMO_ADDR=$(DEMO_ADDR) $(BIN)/honcho -f Procfile.demo start

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install messages lint
	mkdir -p var
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=propertydesk.settings.prod SECRET_KEY=$(CHECK_SECRET) \
		$(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/pytest -n 2

# Regenerate the lock file after changing dependencies in pyproject.toml.
lock: install
	$(BIN)/pip-compile --quiet --extra dev --extra bench --generate-hashes --no-emit-index-url \
		--no-emit-find-links --strip-extras --allow-unsafe -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
