"""The XML side of SVG baking: a defused expat scan, and byte-exact edits of the original file.

The SVG is edited in place rather than re-serialised, so the artwork stays byte for byte what it
was. Parsing refuses any DOCTYPE: no entity is ever declared, expanded or fetched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.parsers import expat
from xml.parsers.expat import XMLParserType

from grader.domain.errors import GraderError

OB3_NS = "https://purl.imsglobal.org/ob/v3p0"
OB2_NS = "http://openbadges.org"
PREFIX = "openbadges"
MAX_SVG_BYTES = 8 * 1024 * 1024
_SEP = " "  # namespace separator: a space cannot occur in a namespace URI


class SvgError(GraderError):
    """An SVG that cannot be baked or read."""


@dataclass
class _Credential:
    start: int
    end: int = -1
    text: list[str] = field(default_factory=list)
    verify: str = ""


@dataclass
class _Scan:
    root_start: int = -1
    root_name: str = ""
    prefix_uri: str | None = None
    """What the root binds the `openbadges` prefix to, if it binds it."""
    credentials: list[_Credential] = field(default_factory=list)
    ob2_assertions: int = 0


def _refuse(reason: str) -> SvgError:
    return SvgError(f"The SVG {reason}; refused (badge SVGs need no DTD or entities).")


def scan(svg: bytes) -> _Scan:
    """Where the root and the credential elements are, checked for safety and well-formedness."""
    if len(svg) > MAX_SVG_BYTES:
        raise SvgError(f"The SVG is {len(svg)} bytes; badge SVGs over {MAX_SVG_BYTES} bytes are refused.")
    parser = expat.ParserCreate(namespace_separator=_SEP)
    _refuse_unsafe_xml(parser)
    walk = _Walk(svg, parser)
    parser.StartNamespaceDeclHandler = walk.namespace
    parser.StartElementHandler = walk.start
    parser.EndElementHandler = walk.end
    parser.CharacterDataHandler = walk.text
    if svg.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SvgError("The SVG is encoded as UTF-16; grader reads and bakes UTF-8 SVG only.")
    try:
        parser.Parse(svg, True)
    except expat.ExpatError as error:
        raise SvgError(f"The SVG is not well-formed XML: {error}.") from None
    return walk.found


def _refuse_unsafe_xml(parser: XMLParserType) -> None:
    """Make `parser` refuse any DOCTYPE, entity or encoding other than UTF-8 as it meets them."""

    def doctype(name: str, *_: object) -> None:
        raise _refuse(f"has a DOCTYPE ({name})")

    def entity(name: str, *_: object) -> None:
        raise _refuse(f"declares the entity {name!r}")

    def external(*_: object) -> int:
        raise _refuse("refers to an external entity")

    def xml_decl(_version: str | None, encoding: str | None, _standalone: int) -> None:
        if encoding and encoding.lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii", "ascii"):
            raise SvgError(f"The SVG is encoded as {encoding}; grader reads and bakes UTF-8 SVG only.")

    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ExternalEntityRefHandler = external
    parser.XmlDeclHandler = xml_decl


class _Walk:
    """Follows the elements as expat reports them, noting the root and each credential's bytes."""

    def __init__(self, svg: bytes, parser: XMLParserType) -> None:
        self.svg, self.parser = svg, parser
        self.found = _Scan()
        self.depth = 0
        self.inside: _Credential | None = None
        self.inside_depth = 0
        self.pending_prefix: list[tuple[str, str]] = []

    def namespace(self, prefix: str | None, uri: str) -> None:
        self.pending_prefix.append((prefix or "", uri))

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if self.depth == 0:
            self.found.root_start, self.found.root_name = self.parser.CurrentByteIndex, name
            self.found.prefix_uri = dict(self.pending_prefix).get(PREFIX)
            if name.split(_SEP)[-1] != "svg":
                raise SvgError(f"The file's root element is <{name.split(_SEP)[-1]}>, not <svg>.")
        self.pending_prefix.clear()
        self.depth += 1
        if self.inside is None and name == f"{OB3_NS}{_SEP}credential":
            self.inside, self.inside_depth = _Credential(self.parser.CurrentByteIndex), self.depth
            self.inside.verify = attributes.get("verify", "")
        elif name == f"{OB2_NS}{_SEP}assertion":
            self.found.ob2_assertions += 1

    def end(self, _name: str) -> None:
        if self.inside is not None and self.depth == self.inside_depth:
            self.inside.end = tag_end(self.svg, self.parser.CurrentByteIndex)
            self.found.credentials.append(self.inside)
            self.inside = None
        self.depth -= 1

    def text(self, data: str) -> None:
        if self.inside is not None:
            self.inside.text.append(data)


def tag_end(data: bytes, start: int) -> int:
    """The index just past the `>` closing the tag that starts at `start` (quotes respected)."""
    quote = 0
    for index in range(start, len(data)):
        byte = data[index]
        if quote:
            if byte == quote:
                quote = 0
        elif byte in (0x22, 0x27):
            quote = byte
        elif byte == 0x3E:
            return index + 1
    raise SvgError("The SVG is truncated inside a tag.")


def credential_text(svg: bytes) -> str:
    """The text of the one `<openbadges:credential>` of `svg` (its CDATA, or its `verify` attribute)."""
    found = scan(svg)
    if not found.credentials:
        if found.ob2_assertions:
            raise SvgError("The SVG holds an Open Badges 2.0 assertion, not an OB 3.0 credential.")
        raise SvgError(
            f"The SVG holds no credential: it has no <credential> element in the namespace {OB3_NS}."
        )
    if len(found.credentials) > 1:
        raise SvgError(
            f"The SVG holds {len(found.credentials)} credentials; a baked badge must hold exactly one."
        )
    credential = found.credentials[0]
    return "".join(credential.text).strip() or credential.verify


def _element(text: str) -> bytes:
    cdata = text.replace("]]>", "]]]]><![CDATA[>")
    return f"<{PREFIX}:credential><![CDATA[{cdata}]]></{PREFIX}:credential>".encode()


def bake(svg: bytes, text: str) -> bytes:
    """`svg` with `text` in an `<openbadges:credential>` first child of the root, replacing any old one."""
    found = scan(svg)
    if found.prefix_uri not in (None, OB3_NS):
        raise SvgError(
            f"The SVG's root binds the prefix {PREFIX!r} to {found.prefix_uri}, not {OB3_NS}; "
            "bake the credential into an unbaked copy of the badge art."
        )
    out = bytearray(svg)
    for credential in sorted(found.credentials, key=lambda c: c.start, reverse=True):
        del out[credential.start : credential.end]
    root_end = tag_end(bytes(out), found.root_start)
    element = _element(text)
    if out[root_end - 2 : root_end] == b"/>":
        raw_name = bytes(out[found.root_start + 1 : root_end - 2]).split()[0].rstrip(b"/")
        out[root_end - 2 : root_end] = b">" + element + b"</" + raw_name + b">"
        root_end -= 1
    else:
        out[root_end:root_end] = element
    if found.prefix_uri is None:
        close = root_end - 1
        out[close:close] = f' xmlns:{PREFIX}="{OB3_NS}"'.encode()
    baked = bytes(out)
    if credential_text(baked) != text.strip():
        raise SvgError(
            "Baking the SVG did not round-trip; the SVG has a structure grader cannot edit safely."
        )
    return baked
