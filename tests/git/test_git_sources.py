"""grader.git.sources: filling repo templates and refusing sources before git sees them."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.git.sources import SourceRefused, fill_source, local_path, validate_source

COURSE = Path("/srv/course")


def test_placeholders_are_filled_from_validated_values() -> None:
    filled = fill_source(
        "https://github.com/cs101/a1-{github}?sid={student_id}",
        github="zoe-a",
        student_id="00123",
        course_dir=COURSE,
    )
    assert filled == "https://github.com/cs101/a1-zoe-a?sid=00123"
    assert fill_source(
        "file://{course}/remotes/{github}.git", github="x", student_id="1", course_dir=COURSE
    ) == ("file:///srv/course/remotes/x.git")


def test_a_relative_path_is_taken_from_the_course_folder() -> None:
    filled = fill_source("remotes/a1/{github}.git", github="zoe-a", student_id="1", course_dir=COURSE)
    assert filled == "/srv/course/remotes/a1/zoe-a.git"
    scp = fill_source("git@github.com:cs101/{github}.git", github="zoe-a", student_id="1", course_dir=COURSE)
    assert scp == "git@github.com:cs101/zoe-a.git", "user@host:path is not a relative path"


def test_values_that_are_unused_are_not_checked() -> None:
    assert fill_source("/srv/r/{student_id}.git", github="", student_id="a.b@c", course_dir=COURSE) == (
        "/srv/r/a.b@c.git"
    )


@pytest.mark.parametrize(
    ("github", "student_id", "expected"),
    [
        ("-rf", "1", "not a valid GitHub user name"),
        ("a--b", "1", "not a valid GitHub user name"),
        ("x" * 40, "1", "not a valid GitHub user name"),
        ("zoe/../../etc", "1", "not a valid GitHub user name"),
        ("zoe", "1; touch x", "cannot go into a repository URL"),
        ("zoe", "-x", "cannot go into a repository URL"),
        ("zoe", "", "cannot go into a repository URL"),
    ],
)
def test_bad_roster_values_are_refused(github: str, student_id: str, expected: str) -> None:
    with pytest.raises(SourceRefused, match=expected):
        fill_source(
            "https://h/{github}/{student_id}", github=github, student_id=student_id, course_dir=COURSE
        )


@pytest.mark.parametrize(
    "template", ["https://h/{name}", "https://h/{github!r}", "https://h/{github:>9}", "x{"]
)
def test_unknown_or_formatted_placeholders_are_refused(template: str) -> None:
    with pytest.raises(SourceRefused, match="placeholder"):
        fill_source(template, github="zoe", student_id="1", course_dir=COURSE)


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/cs101/a1-zoe",
        "https://user:token@gitlab.example.edu:8443/group/repo.git",
        "ssh://git@github.com/cs101/a1.git",
        "ssh://git@github.com:2222/cs101/a1.git",
        "git@github.com:cs101/a1-zoe.git",
        "github.com:cs101/a1.git",
    ],
)
def test_remote_sources_are_accepted_unchanged(url: str) -> None:
    assert validate_source(url, allow_local=False) == url


@pytest.mark.parametrize("url", ["file:///srv/course/remotes/a b.git", "/srv/course/remotes/a b.git"])
def test_local_sources_need_allow_local(url: str) -> None:
    assert validate_source(url, allow_local=True) == url
    with pytest.raises(SourceRefused, match=r"set 'sources: \{allow_local: true\}' in course.yaml"):
        validate_source(url, allow_local=False)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("ext::sh -c touch% x", "'::'"),
        ("fd::3", "'::'"),
        ("ext:sh", "ext: and fd:"),
        ("--upload-pack=touch x", "starts with '-'"),
        ("-ux", "starts with '-'"),
        ("https://h/x\nfetch", "control character"),
        ("https://h/x\r", "control character"),
        ("https://h/\x1b[2Jx", "control character"),
        ("$HOME/x", r"'\$'"),
        ("https://h/`id`", "'`'"),
        ("https://h/a b", "space"),
        (" https://h/x", "starts or ends with a space"),
        ("http://h/x.git", "unencrypted"),
        ("git://h/x.git", "git:// transport"),
        ("https://-oProxyCommand=x/y", "no valid host"),
        ("ssh://-oProxyCommand=touch@h/x", "no valid host"),
        ("https://h:99999999/x", "invalid port"),
        ("https://github.com", "no repository"),
        ("file://server/share/x.git", "absolute path"),
        ("remotes/x.git", "neither a URL"),
        ("~/x.git", "neither a URL"),
        ("", "empty"),
    ],
)
def test_hostile_or_unusable_sources_are_refused(url: str, expected: str) -> None:
    with pytest.raises(SourceRefused, match=expected) as caught:
        validate_source(url, allow_local=True)
    message = str(caught.value)
    assert message.startswith("source ") and "refused:" in message
    assert "\n" not in message and "\r" not in message and "\x1b" not in message


def test_credentials_never_appear_in_a_refusal() -> None:
    with pytest.raises(SourceRefused) as caught:
        validate_source("https://zoe:ghp_SECRET123@github.com/$x", allow_local=False)
    assert "ghp_SECRET123" not in str(caught.value) and "***@github.com" in str(caught.value)


def test_local_path_names_the_folder_of_local_sources_only() -> None:
    assert local_path("/srv/x.git") == Path("/srv/x.git")
    assert local_path("file:///srv/a%20b.git") == Path("/srv/a b.git")
    assert local_path("https://h/x") is None and local_path("git@h:x") is None
