"""The schema revision this code writes, importable without any database library."""

HEAD = "0012"
"""The newest revision in grader/store/migrations, so opening an up-to-date gradebook needs no
Alembic import (a test checks that it matches the scripts)."""
