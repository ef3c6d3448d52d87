# The two commands of the README: `make lab` and `make test`.
# Everything they need is installed by the targets below, on a fresh machine.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := .make
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM_PATH ?= $(CHROMIUM)
LAB_PORT ?= 8888
# A labextension build with this venv's JupyterLab as the core (no internet needed).
BUILD_LABEXTENSION = $(CURDIR)/node_modules/.bin/build-labextension --core-path "$$($(CURDIR)/$(PY) $(CURDIR)/scripts/core_path.py)"

.PHONY: lab lite lite-site test demo bench install build consumer lint unit integration python ui clean

## lab: install everything, build, and start JupyterLab with the extension
lab: build
	jupyter lab --port=$(LAB_PORT) $(if $(filter 0,$(shell id -u)),--allow-root,)

LITE_PORT ?= 8000

## lite: build a JupyterLite site (no Jupyter server: the browser's drive and settings) with the
## extension and the consumer example, in lite/_output, and serve it on port $(LITE_PORT)
lite: lite-site
	cd lite && jupyter lite serve --port=$(LITE_PORT)

# Built afresh each time: the site holds copies of the extensions' files.
lite-site: build
	rm -rf lite/_output lite/.jupyterlite.doit.db
	cd lite && jupyter lite build

## test: lint and the suites that need no build first (unit, reliability, security), then the
## build, then integration, Python (pytest), browser tests and the real-JupyterHub browser
## suite; a summary line per suite
test: install
	@mkdir -p $(STAMP); rm -f $(STAMP)/*.json $(STAMP)/*.xml ui-tests/test-results/*.json; status=0; \
	npm run lint:check || { status=1; lint=failed; }; \
	npx jest --selectProjects unit --json --outputFile=$(STAMP)/unit.json || status=1; \
	NODE_OPTIONS=--expose-gc npx jest --selectProjects reliability --json --outputFile=$(STAMP)/reliability.json || status=1; \
	npx jest --selectProjects security --json --outputFile=$(STAMP)/security.json || status=1; \
	$(MAKE) --no-print-directory lite-site || { status=1; build=failed; }; \
	if [ -z "$$build" ]; then \
	  npx jest --selectProjects integration --json --outputFile=$(STAMP)/integration.json || status=1; \
	  $(PY) -m pytest -q --junitxml=$(STAMP)/python.xml tests || status=1; \
	  (cd ui-tests && CI=1 npx playwright test) || status=1; \
	  (cd ui-tests && CI=1 QBRAID_LAB_BASE_URL=/user/test/ npx playwright test tests/qbraidrc.spec.ts) || status=1; \
	  (cd ui-tests && CI=1 npx playwright test -c playwright-hub.config.js) || status=1; \
	fi; \
	$(PY) scripts/test_summary.py unit:jest:$(STAMP)/unit.json \
	  reliability:jest:$(STAMP)/reliability.json \
	  security:jest:$(STAMP)/security.json \
	  integration:jest:$(STAMP)/integration.json \
	  python:pytest:$(STAMP)/python.xml \
	  browser:playwright:ui-tests/test-results/results.json \
	  browser-user-test:playwright:ui-tests/test-results/results-hub.json \
	  jupyterhub:playwright:ui-tests/test-results/results-jupyterhub.json || status=1; \
	if [ -n "$$lint" ]; then echo "lint: failed (see npm run lint:check above)"; fi; \
	if [ -n "$$build" ]; then echo "build: failed (see above); integration, Python and browser suites did not run"; fi; \
	exit $$status

install: $(STAMP)/venv $(STAMP)/node_modules $(STAMP)/chromium

$(STAMP)/venv: requirements-dev.txt
	@mkdir -p $(STAMP)
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(STAMP)/node_modules: package.json package-lock.json
	@mkdir -p $(STAMP)
	npm ci --no-audit --no-fund
	touch $@

# Playwright cannot download its browsers here: use Debian's Chromium.
$(STAMP)/chromium:
	@mkdir -p $(STAMP)
	test -x $(CHROMIUM) || { apt-get update && apt-get install -y chromium; }
	touch $@

## build: production build of the extension, installed into .venv with `pip install .`,
## and of the consumer example (a second extension that requires IQbraidSession)
build: install
	npm run build:prod
	$(PY) -m pip install --quiet --no-build-isolation --no-deps --force-reinstall .
	$(MAKE) --no-print-directory consumer
	jupyter labextension list 2>&1 | grep -q 'jupyterlab-qbraid-session.*enabled.*OK'
	jupyter server extension list 2>&1 | grep -q 'jupyterlab_qbraid_session.*enabled'
	jupyter labextension list 2>&1 | grep -q 'jupyterlab-qbraid-consumer-example.*enabled.*OK'

CONSUMER := examples/consumer
LABEXTENSIONS := $(VENV)/share/jupyter/labextensions

# The consumer resolves jupyterlab-qbraid-session to this checkout and everything
# else from the root node_modules; it is installed by linking its build output.
consumer: install
	mkdir -p $(CONSUMER)/node_modules
	ln -sfn ../../.. $(CONSUMER)/node_modules/jupyterlab-qbraid-session
	cd $(CONSUMER) && ../../node_modules/.bin/tsc -p . && \
	  $(BUILD_LABEXTENSION) .
	mkdir -p $(LABEXTENSIONS)
	ln -sfn $(CURDIR)/$(CONSUMER)/labextension $(LABEXTENSIONS)/jupyterlab-qbraid-consumer-example

DEMO := $(CURDIR)/.demo
DEMO_API_PORT ?= 8766

## demo: the local qBraid-compatible API (refusing CORS, as qBraid's may) and JupyterLab that
## reaches it through its server half (c.QbraidProxy.allowed_origins), offline; sign in with the
## demo API key `demo-api-key`. A demo home keeps your ~/.qbraid untouched.
demo: build
	mkdir -p $(DEMO)/home/.jupyter $(DEMO)/home/notebooks $(DEMO)/settings/jupyterlab-qbraid-session
	test -f $(DEMO)/settings/jupyterlab-qbraid-session/plugin.jupyterlab-settings || \
	  echo '{ "baseUrl": "http://127.0.0.1:$(DEMO_API_PORT)/api/v1" }' > $(DEMO)/settings/jupyterlab-qbraid-session/plugin.jupyterlab-settings
	echo '{ "QbraidProxy": { "allowed_origins": ["http://127.0.0.1:$(DEMO_API_PORT)"] } }' \
	  > $(DEMO)/home/.jupyter/jupyter_server_config.json
	python3 local_api/qbraid_local_api.py --port $(DEMO_API_PORT) --other-port $$(($(DEMO_API_PORT) + 1)) \
	  --refuse-cors & api=$$!; \
	trap "kill $$api" EXIT INT TERM; \
	HOME=$(DEMO)/home JUPYTERLAB_SETTINGS_DIR=$(DEMO)/settings jupyter lab --port=$(LAB_PORT) \
	  --ServerApp.root_dir=$(DEMO)/home/notebooks \
	  $(if $(filter 0,$(shell id -u)),--allow-root,)

## bench: speed and size figures (not tests), written to bench/results.json
bench: build
	cd bench/noop && $(BUILD_LABEXTENSION) .
	npx tsx bench/run.ts

lint: install
	npm run lint:check

unit: install
	npx jest --selectProjects unit

integration: install
	npx jest --selectProjects integration

python: install
	$(PY) -m pip install --quiet --no-build-isolation --no-deps --force-reinstall .
	$(PY) -m pytest -q tests

ui: build
	cd ui-tests && npx playwright test

clean:
	npm run clean
	rm -rf $(STAMP) coverage ui-tests/test-results
