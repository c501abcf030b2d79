"""The gradebook database: the only package that imports sqlmodel, sqlalchemy or alembic.

It hands out domain values (grader.domain), never ORM rows, and creates no engine at import.
"""

from grader.store.store import StatusIndexTaken, Store, open_store

__all__ = ["StatusIndexTaken", "Store", "open_store"]
