from decimal import Decimal

import pytest

from grader.domain.errors import ValidationFailed
from grader.files.strict_yaml import MAX_BYTES, parse_yaml


def errors(text: str | bytes) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        parse_yaml(text, "f.yaml")
    return [str(p) for p in info.value.problems]


def test_scalars_follow_the_yaml_1_2_core_schema() -> None:
    doc = parse_yaml("a: NO\nb: 010\nc: 1.50\nd: 7\ne: yes\nf: true\ng: ~\nh: '7'\n", "f.yaml")
    assert doc.data == {
        "a": "NO",
        "b": "010",
        "c": Decimal("1.50"),
        "d": 7,
        "e": "yes",
        "f": True,
        "g": None,
        "h": "7",
    }


def test_every_value_knows_its_line() -> None:
    doc = parse_yaml("a:\n  b:\n    - x\n    - {c: 1}\n", "f.yaml")
    assert doc.lines[("a",)] == 2
    assert doc.lines[("a", "b", 1, "c")] == 4
    assert doc.line(("a", "b", 1, "missing")) == 4


def test_duplicate_keys_name_both_lines() -> None:
    assert errors("a: 1\nb: 2\na: 3\n") == ["f.yaml:3 a: duplicate key (first defined on line 1)"]


def test_merge_keys_and_complex_keys_are_refused() -> None:
    assert "complex" not in " ".join(errors("? [a, b]\n: 1\n"))
    assert errors("? [a, b]\n: 1\n")[0].startswith("f.yaml:1")


def test_tabs_get_a_hint() -> None:
    assert "indent with spaces" in errors("a:\n\tb: 1\n")[0]


def test_bom_and_crlf_are_accepted() -> None:
    doc = parse_yaml(b"\xef\xbb\xbfa: 1\r\nb: two\r\n", "f.yaml")
    assert doc.data == {"a": 1, "b": "two"}


def test_size_cap() -> None:
    message = errors(b"a: " + b"x" * (MAX_BYTES + 1))[0]
    assert "bytes; the limit is" in message
