"""The pyld processor grader runs: offline contexts only, safe-mode recording while it expands, and
reuse of processed contexts (pyld's private context API, pinned and checked by
tests/credentials/test_pyld_private_api.py)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

from pyld import ContextResolver, FrozenDocumentLoader, jsonld

_ABSOLUTE_IRI = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*|_):\S*")
# pyld's immutable active context (a frozendict); None turns the stable-child reuse off on a pyld
# that does not freeze its active contexts
_FROZEN: type[Any] | None = type(jsonld.freeze({})) if hasattr(jsonld, "freeze") else None


class StaticLoader(FrozenDocumentLoader):  # type: ignore[misc]
    """Serves only the given contexts, tagged static so pyld keeps them resolved between documents."""

    def __call__(self, url: str, options: dict[str, Any]) -> dict[str, Any]:
        document: dict[str, Any] = super().__call__(url, options)
        return {**document, "tag": "static"}


class ScopedContextResolver(ContextResolver):  # type: ignore[misc]
    """pyld's resolver, remembering each scoped context of the shipped files by identity.

    pyld keys its cache by the JCS text of a scoped context, recomputed at every typed node (about 14%
    of a signature). The scoped contexts are objects inside the loaded context files, which live as
    long as the canonicaliser and are never changed, so their identity is an exact key.
    """

    def __init__(self, shared_cache: Any, loader: Any, scoped: dict[int, tuple[dict[str, Any], Any]]) -> None:
        super().__init__(shared_cache, loader)
        self._scoped = scoped

    def resolve(self, active_ctx: Any, context: Any, base: Any, cycles: Any = None) -> Any:
        if type(context) is not dict or "@context" in context:
            return super().resolve(active_ctx, context, base, cycles)
        known = self._scoped.get(id(context))
        if known is not None and known[0] is context:
            return known[1]
        resolved = super().resolve(active_ctx, context, base, cycles)
        if len(self._scoped) >= 1024:
            self._scoped.clear()
        self._scoped[id(context)] = (context, resolved)  # holding the object keeps its id unique
        return resolved


class CheckingProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """A JSON-LD processor that records what safe mode forbids while it expands.

    It also gives each non-propagating (type-scoped) context one lasting parent. pyld caches a processed
    context under the id of the active context it was applied to, but for a type-scoped context it first
    clones the active context into a fresh child (remembering the previous context), which gets a new id
    every time; so every credential re-defined the same ~170 terms (about 40% of a signature). The child
    is a pure function of an immutable active context, so building it once per active context and keying
    by that context's identity gives pyld's cache the same answer, byte for byte, without the work.
    """

    def __init__(self, children: dict[int, tuple[Any, Any]]) -> None:
        self.problems: list[tuple[str, str]] = []
        self._children = children
        super().__init__(on_property_dropped=self._dropped)

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        if (
            not propagate
            and type(active_ctx) is _FROZEN
            and "_uuid" in active_ctx
            and not active_ctx.get("previousContext")
            and type(local_ctx) is dict
            and local_ctx
            and "@context" not in local_ctx
            and "@propagate" not in local_ctx
        ):
            # exactly the child pyld would build next (same mappings, @base, @language, @vocab, previous)
            active_ctx = self._child_of(active_ctx)
        return super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )

    def _child_of(self, active_ctx: Any) -> Any:
        known = self._children.get(id(active_ctx))
        if known is not None and known[0] is active_ctx:
            return known[1]
        child = self._clone_active_context(active_ctx)
        child["previousContext"] = active_ctx
        child["_uuid"] = str(uuid.uuid4())
        frozen = jsonld.freeze(child)
        if len(self._children) >= 1024:
            self._children.clear()
        self._children[id(active_ctx)] = (active_ctx, frozen)  # holding the parent keeps its id unique
        return frozen

    def _dropped(self, name: str | None) -> None:
        self.problems.append(("dropped", name or "(a term the context maps to null)"))

    def expand(self, input_: Any, options: dict[str, Any]) -> Any:
        expanded = super().expand(input_, options)
        self.problems += [("relative", iri) for iri in relative_iris(expanded)]
        return expanded


def relative_iris(expanded: Any) -> Iterator[str]:
    stack = [expanded]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            iris = [value.get("@id")]
            types = value.get("@type")
            iris += types if isinstance(types, list) else [types]
            for iri in iris:
                if isinstance(iri, str) and not iri.startswith("@") and not _ABSOLUTE_IRI.fullmatch(iri):
                    yield iri
            stack.extend(item for key, item in value.items() if key not in ("@id", "@type", "@value"))
