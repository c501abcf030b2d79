"""Durable writes for every layer: a file or folder is replaced whole or not at all.

Files: ``write_shared`` / ``write_private`` (bytes or chunks), their ``_text`` forms, and
``staged_file`` for writers that need a stream or a path. Folders: ``replaced_folder``.
Imports nothing of grader but the domain's errors (an import-linter contract checks it).
"""

from grader.durable.files import (
    Access,
    StagedFile,
    TargetExists,
    WriteFailed,
    staged_file,
    sync_folder,
    write_private,
    write_private_text,
    write_shared,
    write_shared_text,
)
from grader.durable.folders import StagedFolder, replaced_folder, swap_into_place
from grader.durable.leftovers import clean_leftovers, clean_leftovers_once

__all__ = [
    "Access",
    "StagedFile",
    "StagedFolder",
    "TargetExists",
    "WriteFailed",
    "clean_leftovers",
    "clean_leftovers_once",
    "replaced_folder",
    "staged_file",
    "swap_into_place",
    "sync_folder",
    "write_private",
    "write_private_text",
    "write_shared",
    "write_shared_text",
]
