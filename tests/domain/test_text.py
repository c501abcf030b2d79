from grader.domain.text import printable


def test_controls_escapes_and_bidi_overrides_become_visible() -> None:
    shown = printable("Mallory\x1b]0;PWNED\x07\x1b[2J\u202eevil\x85")
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown and "\x85" not in shown
    assert shown == "Mallory␛]0;PWNED␇␛[2J<U+202E>evil<U+0085>"


def test_newlines_are_kept_only_when_asked() -> None:
    assert printable("a\nb") == "a␊b"
    assert printable("a\nb\tc", keep_newlines=True) == "a\nb    c"
