"""The gradebook database: the only package that imports sqlmodel, sqlalchemy or alembic.

It hands out domain values (grader.domain), never ORM rows, and creates no engine at import.
``Store`` and ``open_store`` load SQLAlchemy when first used, so that the stdlib-only modules
here (grader.store.quick, the read-only view that opens the TUI) stay light to import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.store.store import Store, open_store

__all__ = ["Store", "open_store"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from grader.store import store

        return getattr(store, name)
    raise AttributeError(f"module 'grader.store' has no attribute {name!r}")
