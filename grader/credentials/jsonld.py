"""JSON-LD for credentials: shipped contexts only, a safe-mode check, bounded RDFC-1.0 canonical N-Quads."""

from __future__ import annotations

import copy
import hashlib
import json
import math
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from cachetools import LRUCache
from pyld.canon import URDNA2015

from grader.credentials.jsonld_processor import CheckingProcessor, ScopedContextResolver, StaticLoader
from grader.domain.errors import GraderError

CONTEXTS_DIR = Path(__file__).parent / "contexts"
VCDM2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

_JSON_TYPES = (str, int, float, bool, list, dict, type(None))
_SHORTEST = 80
_T = TypeVar("_T")


@dataclass(frozen=True)
class ShippedContext:
    """A JSON-LD context grader ships, pinned by the SHA-256 of its file."""

    url: str
    filename: str
    sha256: str


SHIPPED = (
    ShippedContext(
        VCDM2, "credentials-v2.jsonld", "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"
    ),
    ShippedContext(
        OB3, "ob-v3p0-context-3.0.3.json", "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761"
    ),
)


class JsonLdRefused(GraderError):
    """A document grader will not canonicalise, sign or accept; the message names the path and the fix."""


class UnknownContext(JsonLdRefused):
    """The document names a JSON-LD context that grader does not ship; nothing is ever fetched."""


class UnsafeDocument(JsonLdRefused):
    """Part of the document would silently fall out of the signature (safe mode)."""


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile document from exhausting memory or time ('poison graphs')."""

    max_chars: int = 1_000_000
    max_depth: int = 32
    max_blank_nodes: int = 500
    max_quads: int = 20_000
    max_deep_hashes: int = 2_000
    max_equal_blank_nodes: int = 8


def load_context(context: ShippedContext, folder: Path = CONTEXTS_DIR) -> dict[str, Any]:
    """A shipped context file, parsed, after checking it still has the pinned SHA-256."""
    path = folder / context.filename
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != context.sha256:
        raise JsonLdRefused(
            f"{path}: SHA-256 {digest} differs from the pinned {context.sha256} for {context.url}; "
            "reinstall grader (a shipped JSON-LD context must never change)"
        )
    parsed: dict[str, Any] = json.loads(data)
    return parsed


class Canonicalizer:
    """Expands, checks and canonicalises documents with a fixed set of offline contexts."""

    def __init__(self, contexts: Mapping[str, dict[str, Any]], limits: Limits | None = None) -> None:
        self.urls = frozenset(contexts)
        self.limits = limits or Limits()
        self._loader = StaticLoader(dict(contexts))
        self._context_cache: LRUCache[str, Any] = LRUCache(maxsize=100)
        self._config_cache: dict[str, str] = {}
        self._scoped: dict[int, tuple[dict[str, Any], Any]] = {}
        self._children: dict[int, tuple[Any, Any]] = {}
        # pyld's caches (cachetools LRUCache, plain dicts) are not thread-safe; one lock guards every run
        self._lock = threading.RLock()

    def _options(self) -> dict[str, Any]:
        return {
            "documentLoader": self._loader,
            "contextResolver": ScopedContextResolver(self._context_cache, self._loader, self._scoped),
            "base": None,
            "processingMode": "json-ld-1.1",
        }

    def check(self, document: Mapping[str, Any]) -> None:
        """Safe mode alone: the shape checks, nothing dropped on expansion, no relative IRIs."""
        self.check_shape(document)
        self._refuse_problems(document, self._problems(document))

    def canonicalize(self, document: Mapping[str, Any]) -> str:
        """RDFC-1.0 (URDNA2015) canonical N-Quads of a document that passes every check; one expansion."""
        self.check_shape(document)
        processor = CheckingProcessor(self._children)
        dataset: dict[str, list[dict[str, Any]]] = self._run(
            lambda: processor.to_rdf(dict(document), self._options())
        )
        self._refuse_problems(document, processor.problems)
        quads = sum(len(triples) for triples in dataset.values())
        if quads > self.limits.max_quads:
            raise JsonLdRefused(f"document too large: {quads:,} statements > {self.limits.max_quads:,} limit")
        blank_nodes = {
            part["value"]
            for triples in dataset.values()
            for quad in triples
            for part in (quad["subject"], quad["object"])
            if part["type"] == "blank node"
        }
        if len(blank_nodes) > self.limits.max_blank_nodes:
            raise JsonLdRefused(
                f"document has too many objects without an id: {len(blank_nodes):,} > "
                f"{self.limits.max_blank_nodes:,} limit"
            )
        nquads: str = _BoundedCanonicalization(self.limits).main(dataset, {"format": "application/n-quads"})
        return nquads

    def canonicalize_proof_config(self, config: Mapping[str, Any]) -> str:
        """Canonical N-Quads of a proof configuration; cached, since a batch repeats the same one."""
        key = json.dumps(config, sort_keys=True, ensure_ascii=False)
        cached = self._config_cache.get(key)
        if cached is None:
            cached = self.canonicalize(config)
            if len(self._config_cache) >= 256:
                self._config_cache.clear()
            self._config_cache[key] = cached
        return cached

    def check_shape(self, document: Mapping[str, Any]) -> None:
        """Refuses oversized, over-deep or non-JSON input, and any @context that is not shipped."""
        if not isinstance(document, Mapping):
            raise JsonLdRefused(f"expected a JSON object, got {type(document).__name__}")
        if "@context" not in document:
            raise UnknownContext("@context: missing; a credential must name its JSON-LD contexts")
        size = 0
        for path, value in _walk(document):
            if len(path) > self.limits.max_depth:
                raise JsonLdRefused(f"{_path_text(path)}: nested deeper than {self.limits.max_depth} levels")
            key = path[-1] if path and isinstance(path[-1], str) else ""
            size += len(key) + (len(value) if isinstance(value, str) else 8)
            if size > self.limits.max_chars:
                raise JsonLdRefused(f"document too large: over {self.limits.max_chars:,} characters")
            if isinstance(value, float) and not math.isfinite(value):
                raise JsonLdRefused(f"{_path_text(path)}: {value} is not a JSON number")
            if not isinstance(value, _JSON_TYPES):
                raise JsonLdRefused(f"{_path_text(path)}: {type(value).__name__} is not a JSON value")
            if key == "@context":
                self._check_context(_path_text(path), value)

    def _check_context(self, path: str, value: Any) -> None:
        urls = value if isinstance(value, list) else [value]
        for position, url in enumerate(urls):
            where = f"{path}[{position}]" if isinstance(value, list) else path
            if not isinstance(url, str):
                raise UnknownContext(
                    f"{where}: expected the URL of a shipped context, got {type(url).__name__}; embedded "
                    f"contexts are not accepted ({', '.join(sorted(self.urls))})"
                )
            if url not in self.urls:
                raise UnknownContext(
                    f"{where}: the context {_short(url)} is not one grader ships, and grader never fetches "
                    f"contexts; expected one of {', '.join(sorted(self.urls))}"
                )

    def _run(self, operation: Callable[[], _T]) -> _T:
        # pyld raises many exception types on hostile input; none may reach the user as a traceback
        try:
            with self._lock:
                return operation()
        except Exception as error:
            raise JsonLdRefused(f"not valid JSON-LD: {_jsonld_reason(error)}") from None

    def _problems(self, document: Mapping[str, Any]) -> list[tuple[str, str]]:
        processor = CheckingProcessor(self._children)
        self._run(lambda: processor.expand(dict(document), self._options()))
        return processor.problems

    def _refuse_problems(self, document: Mapping[str, Any], problems: list[tuple[str, str]]) -> None:
        if problems:
            # an unknown type is the usual root cause of dropped properties, so it is named first
            problem = min(problems, key=lambda found: found[0] != "relative")
            raise UnsafeDocument(_describe(problem, self._locate(document, problem)))

    def _locate(self, document: Mapping[str, Any], problem: tuple[str, str]) -> str | None:
        """The path of the JSON member that causes ``problem``: the candidate whose removal cures it."""
        kind, name = problem
        before = self._problems(document).count(problem)
        for path in _candidate_paths(document, kind, name):
            try:
                after = self._problems(_without(document, path)).count(problem)
            except JsonLdRefused:
                continue
            if after < before:
                return _path_text(path)
        return None


class _BoundedCanonicalization(URDNA2015):  # type: ignore[misc]
    """URDNA2015 that aborts on datasets built to make Hash N-Degree Quads explode."""

    def __init__(self, limits: Limits) -> None:
        super().__init__()
        self._limits = limits
        self._deep_hashes = 0

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
        self._deep_hashes += 1
        if self._deep_hashes > self._limits.max_deep_hashes:
            raise JsonLdRefused(
                "document refused: its objects without ids are too alike to canonicalise in bounded time "
                "(a 'poison graph'); give the repeated objects ids or make them differ"
            )
        return super().hash_n_degree_quads(id_, issuer)

    def create_hash_to_related(self, id_: str, issuer: Any) -> dict[str, list[str]]:
        related: dict[str, list[str]] = super().create_hash_to_related(id_, issuer)
        largest = max((len(group) for group in related.values()), default=0)
        if largest > self._limits.max_equal_blank_nodes:
            raise JsonLdRefused(
                f"document refused: {largest} identical objects without ids hang off one object "
                f"(limit {self._limits.max_equal_blank_nodes}); give them ids or make them differ"
            )
        return related


@cache
def shipped_canonicalizer() -> Canonicalizer:
    """The process-wide canonicaliser over grader's shipped contexts (built once, reused)."""
    return Canonicalizer({context.url: load_context(context) for context in SHIPPED})


def _walk(document: Mapping[str, Any]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every JSON value with its path, without recursion (so depth is checked, not overflowed)."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), document)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, Mapping):
            for name, item in value.items():
                if not isinstance(name, str):
                    raise JsonLdRefused(f"{_path_text(path)}: member name {_short(name)} is not a string")
                stack.append(((*path, name), item))
        elif isinstance(value, list):
            stack.extend(((*path, index), item) for index, item in enumerate(value))


def _path_text(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(document)"


def _candidate_paths(document: Any, kind: str, name: str) -> Iterator[tuple[str | int, ...]]:
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, Mapping):
            for key, item in value.items():
                if kind == "dropped" and key == name:
                    yield (*path, key)
                stack.append(((*path, key), item))
        elif isinstance(value, list):
            stack.extend(((*path, index), item) for index, item in enumerate(value))
        elif kind == "relative" and value == name:
            yield path


def _without(document: Mapping[str, Any], path: tuple[str | int, ...]) -> dict[str, Any]:
    trimmed: Any = copy.deepcopy(dict(document))
    parent = trimmed
    for part in path[:-1]:
        parent = parent[part]
    del parent[path[-1]]
    result: dict[str, Any] = trimmed
    return result


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _SHORTEST else text[: _SHORTEST - 1] + "…"


def _describe(problem: tuple[str, str], path: str | None) -> str:
    kind, name = problem
    where = path or "(somewhere in the document)"
    if kind == "dropped":
        return (
            f"{where}: the property {_short(name)} is not defined by the credential's contexts for this "
            "object, so it would not be signed; remove it, fix its spelling, or give the object the `type` "
            "that defines it"
        )
    return (
        f"{where}: {_short(name)} is not an absolute IRI and no shipped context defines it, so its meaning "
        "would depend on the reader; use a full URL/URN or a type the contexts define"
    )


def _jsonld_reason(error: Exception) -> str:
    """The innermost JSON-LD error message, e.g. 'tried to redefine a protected term'."""
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    cause = error.__cause__
    while cause is not None:
        if str(cause):
            reason = str(cause).splitlines()[0]
        cause = cause.__cause__
    return reason
