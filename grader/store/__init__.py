"""The gradebook database: the only package that imports sqlmodel, sqlalchemy or alembic.

It hands out domain values (grader.domain), never ORM rows, and creates no engine at import.
"""

from grader.store.store import Store, open_store

__all__ = ["Store", "open_store"]
