# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# pytest-xdist workers: one per core (PYTEST_WORKERS=0 runs the suite in one process).
PYTEST_WORKERS ?= auto
DEMO_DIR ?= demo-course

.PHONY: install demo test lint typecheck contracts pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# byte-compile now: with PYTHONDONTWRITEBYTECODE set, every command would compile grader again
	$(BIN)/python -m compileall -q grader
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@if [ -f "$(DEMO_DIR)/course.yaml" ]; then \
		echo "$(DEMO_DIR) already holds a course; using it (delete it for a fresh one)"; \
	else \
		$(BIN)/grader demo "$(DEMO_DIR)" --no-tui; \
	fi
	$(BIN)/grader --course "$(DEMO_DIR)" check
	$(BIN)/grader --course "$(DEMO_DIR)" pull
	@echo
	@echo "The demo course is in $(DEMO_DIR). Try (each works on a fresh demo):"
	@echo "  . $(BIN)/activate && cd $(DEMO_DIR)"
	@echo "  grader autograde                        # runs the students' own tests, sandboxed"
	@echo "  grader autograde groups a1-calculator   # submissions grouped by the tests they fail"
	@echo "  grader status a1-calculator"
	@echo "  grader grade a1-calculator --student 00178825 --criterion correctness --level Exemplary"
	@echo "  grader mastery 00178825"
	@echo "  grader certify --dry-run                # which badges are earned, or why none is yet"
	@echo "  grader export grades --format long -o grades.csv; grader export report"
	@echo "Opening the grading TUI now (? lists the keys of every screen, q quits)."
	$(BIN)/grader --course "$(DEMO_DIR)"

lint: $(STAMP)
	$(BIN)/ruff check grader tests benchmarks
	$(BIN)/ruff format --check grader tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy --strict grader

contracts: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	@# bytecode written, whatever the environment says: each worker would rewrite every test module
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -q -p no:cacheprovider -n $(PYTEST_WORKERS) --dist worksteal

test: lint typecheck contracts pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/gradebook.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
