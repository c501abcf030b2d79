"""Pseudonyms and scrubbing: what a grader of an anonymous assignment may read."""

from __future__ import annotations

from grader.domain.anonymity import (
    Identities,
    draw_pseudonyms,
    is_pseudonym,
    normal_pseudonym,
    pseudonymous,
    shown_students,
)
from grader.domain.roster import Student

ZOE = Student("00123", "Zoë Ångström", "zoe.a@example.edu", "zoe-a", "A", canvas_id="98765")
LI = Student("00124", "李娜", "li.na@example.edu", "lina", "B")
ROSTER = {s.student_id: s for s in (ZOE, LI)}
HIDDEN = Identities("a1", True, {"00123": "anon-K7Q2M", "00124": "anon-22222"}, ROSTER)


def test_drawn_pseudonyms_are_new_distinct_and_typed_in_any_case() -> None:
    taken = {"anon-K7Q2M"}
    drawn = draw_pseudonyms(500, taken)
    assert len(set(drawn)) == 500 and not taken & set(drawn)
    assert all(is_pseudonym(p) for p in drawn)
    assert normal_pseudonym(" ANON-k7q2m ") == "anon-K7Q2M"
    assert HIDDEN.real_id("anon-k7q2m") == "00123" and HIDDEN.real_id("00123") is None
    assert not is_pseudonym("anon-K7Q2O"), "O is not in the alphabet (read as 0)"


def test_scrubbing_replaces_every_identity_of_the_student_and_nothing_else() -> None:
    text = (
        "Author: Zoë Ångström <zoe.a@example.edu> (@zoe-a, 00123, canvas 98765)\n"
        "zoe.a wrote this; ZOË ÅNGSTRÖM again; Ångström's code\n"
        "a zoe-ability and 001234 stay\n"
    )
    scrubbed = HIDDEN.scrub(text, "00123")
    identifying = "".join(scrubbed.splitlines(keepends=True)[:2])
    for term in ("Zoë", "Ångström", "zoe.a", "zoe-a", "00123", "98765", "ZOË"):
        assert term not in identifying, term
    assert scrubbed.startswith("Author: anon-K7Q2M <anon-K7Q2M> (anon-K7Q2M, anon-K7Q2M, canvas anon-K7Q2M)")
    assert scrubbed.endswith("a zoe-ability and 001234 stay\n"), "only whole words"
    assert HIDDEN.scrub("作者：李娜", "00124") == "作者：anon-22222", "a two-letter name too"
    assert HIDDEN.scrub("by Lina Commit", "00124", also=["Lina Commit"]) == "by anon-22222"
    shown = Identities("a1", False, HIDDEN.pseudonyms, ROSTER)
    assert shown.scrub(text, "00123") == text, "revealed: nothing to scrub"


def test_a_hidden_list_is_masked_and_in_pseudonym_order() -> None:
    listed = shown_students(HIDDEN, [ZOE, LI])
    assert [s.name for s in listed] == ["anon-22222", "anon-K7Q2M"]
    assert [s.student_id for s in listed] == ["00124", "00123"], "the key stays for the gradebook"
    assert all(not s.email and not s.github and not s.canvas_id for s in listed)
    assert pseudonymous(listed[0]) == Student("anon-22222", "anonymous", "", "", "B")
    assert shown_students(Identities("a1"), [ZOE, LI]) == [ZOE, LI]
