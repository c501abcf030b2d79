"""The private parts of pyld that grader.credentials.jsonld relies on, checked so that an upgrade of
pyld fails here, loudly and by name, instead of silently signing slower or differently.

Why private: signing a credential spends most of its time re-processing the same JSON-LD contexts;
grader.credentials.jsonld_processor reuses pyld's processed type-scoped contexts (``CheckingProcessor.
_process_context`` / ``_clone_active_context`` and the frozen active context's ``_uuid`` and
``previousContext``) and remembers resolved scoped contexts (``ScopedContextResolver`` over
``ContextResolver``); grader.credentials.jsonld adds bounded canonicalisation over ``pyld.canon.URDNA2015``.

Where it is pinned: pyproject.toml, ``[project] dependencies``: ``"pyld==3.3.0"`` (exact). Upgrading
means: change the pin, run this file, and re-check grader.credentials.jsonld{,_processor} against pyld's new
source wherever a test below names a change.
"""

from __future__ import annotations

import copy
import inspect
import re
import tomllib
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from credential_helpers import read_json, read_text
from pyld import ContextResolver, FrozenDocumentLoader, jsonld
from pyld.canon import URDNA2015

from grader.credentials.jsonld import SHIPPED, Canonicalizer, load_context

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
DOCUMENTS = {
    "1edtech-ob3-ldp": ("1edtech-ob3-ldp/credential-unsigned.json", "1edtech-ob3-ldp/document-canon.txt"),
    "ob3-example": ("ob3-example/ob3-example-unsigned.json", "ob3-example/ob3-example-document-canon.nq"),
}

USED: list[tuple[str, Callable[..., Any], list[str]]] = [
    (
        "pyld.jsonld.JsonLdProcessor._process_context",
        jsonld.JsonLdProcessor._process_context,
        [
            "self",
            "active_ctx",
            "local_ctx",
            "options",
            "override_protected",
            "propagate",
            "validate_scoped",
            "cycles",
        ],
    ),
    (
        "pyld.jsonld.JsonLdProcessor._clone_active_context",
        jsonld.JsonLdProcessor._clone_active_context,
        ["self", "active_ctx"],
    ),
    (
        "pyld.jsonld.JsonLdProcessor.__init__",
        jsonld.JsonLdProcessor.__init__,
        ["self", "on_property_dropped"],
    ),
    ("pyld.jsonld.JsonLdProcessor.expand", jsonld.JsonLdProcessor.expand, ["self", "input_", "options"]),
    ("pyld.jsonld.JsonLdProcessor.to_rdf", jsonld.JsonLdProcessor.to_rdf, ["self", "input_", "options"]),
    ("pyld.jsonld.freeze", jsonld.freeze, ["value"]),
    (
        "pyld.ContextResolver.__init__",
        ContextResolver.__init__,
        ["self", "shared_cache", "document_loader", "max_context_urls"],
    ),
    (
        "pyld.ContextResolver.resolve",
        ContextResolver.resolve,
        ["self", "active_ctx", "context", "base", "cycles"],
    ),
    ("pyld.FrozenDocumentLoader.__call__", FrozenDocumentLoader.__call__, ["self", "url", "options"]),
    ("pyld.canon.URDNA2015.__init__", URDNA2015.__init__, ["self"]),
    ("pyld.canon.URDNA2015.main", URDNA2015.main, ["self", "dataset", "options"]),
    (
        "pyld.canon.URDNA2015.hash_n_degree_quads",
        URDNA2015.hash_n_degree_quads,
        ["self", "id_", "issuer"],
    ),
    (
        "pyld.canon.URDNA2015.create_hash_to_related",
        URDNA2015.create_hash_to_related,
        ["self", "id_", "issuer"],
    ),
]


def pinned_pyld() -> str:
    dependencies = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["dependencies"]
    pins = [found.group(1) for d in dependencies if (found := re.fullmatch(r"pyld==([\w.]+)", d))]
    assert len(pins) == 1, f"pyproject.toml must pin pyld exactly (pyld==X.Y.Z), found {dependencies}"
    return pins[0]


def test_pyld_is_pinned_exactly_and_the_pinned_version_is_installed() -> None:
    assert version("pyld") == pinned_pyld(), (
        f"pyld {version('pyld')} is installed but pyproject.toml pins {pinned_pyld()}: "
        "grader.credentials.jsonld uses pyld's private context processing; check it against this pyld"
    )


@pytest.mark.parametrize(("name", "member", "parameters"), USED, ids=[name for name, _, _ in USED])
def test_each_private_member_used_exists_with_the_parameters_used(
    name: str, member: Callable[..., Any], parameters: list[str]
) -> None:
    found = list(inspect.signature(member).parameters)
    assert found == parameters, (
        f"pyld changed {name}: its parameters are now {found}, grader.credentials.jsonld calls or "
        f"overrides it with {parameters}"
    )


def test_the_active_context_is_frozen_and_carries_the_keys_the_reuse_relies_on() -> None:
    processor = jsonld.JsonLdProcessor()
    active = processor._get_initial_context({"base": None, "processingMode": "json-ld-1.1"})
    assert type(active) is type(jsonld.freeze({})), "pyld no longer freezes its active contexts"
    assert "_uuid" in active, "pyld's active context lost its _uuid (its context-cache key)"
    child = processor._clone_active_context(active)
    assert type(child) is dict and child is not active, "_clone_active_context no longer gives a mutable copy"
    assert child["mappings"] == active["mappings"], "_clone_active_context no longer copies the mappings"


def shipped_loader() -> Callable[[str, dict[str, Any]], dict[str, Any]]:
    """pyld's own public loader over grader's shipped contexts (nothing fetched)."""
    documents = {c.url: load_context(c) for c in SHIPPED}
    return FrozenDocumentLoader(documents)  # type: ignore[no-any-return]


@pytest.mark.parametrize("vector", sorted(DOCUMENTS))
def test_the_fast_path_gives_what_public_pyld_gives_and_the_published_canonical_form(vector: str) -> None:
    unsigned, canonical = DOCUMENTS[vector]
    document = read_json(unsigned)
    document.pop("proof", None)
    public = jsonld.normalize(
        copy.deepcopy(document),
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": shipped_loader()},
    )
    fast = Canonicalizer({c.url: load_context(c) for c in SHIPPED})
    first = fast.canonicalize(document)
    again = fast.canonicalize(document)  # from the contexts the first run processed and kept
    assert first == public, f"{vector}: grader's canonical form differs from public pyld's"
    assert again == public, f"{vector}: the reused contexts give another canonical form"
    assert public == read_text(canonical), f"{vector}: public pyld no longer gives the published form"


def test_the_reuse_actually_happens() -> None:
    """Silently off would only make signing slower: this says which part of pyld stopped fitting."""
    fast = Canonicalizer({c.url: load_context(c) for c in SHIPPED})
    fast.canonicalize(read_json(DOCUMENTS["1edtech-ob3-ldp"][0]))
    assert fast._children, (
        "CheckingProcessor._process_context never reused a type-scoped child context: pyld's "
        "active context (frozen type, _uuid, previousContext) or its propagate handling changed"
    )
    assert fast._scoped, (
        "ScopedContextResolver.resolve never remembered a scoped context: pyld's ContextResolver "
        "no longer resolves type-scoped contexts through resolve()"
    )
