"""`grader publish DIR`: the static site an issuer hosts so anyone can check its credentials.

DIR gets the DID document (did:web), the signed status list, one page per badge, and per
credential a verification page with its JSON and baked badge. Pages are plain HTML with every
value escaped; nothing in them loads anything from elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from grader.domain.errors import GraderError
from grader.domain.issued import IssuedCredential
from grader.domain.progress import Progress
from grader.durable import write_shared
from grader.gradebook.context import CourseContext, utc_now
from grader.gradebook.issuer import STATUS_LIST_PATH, IssuerIdentity, credential_folder, issuer_identity
from grader.gradebook.learner_files import write_learner_files
from grader.gradebook.pages import badge_page, credential_page
from grader.gradebook.status_list import signed_status_list


def publish(ctx: CourseContext, dest: Path, now: datetime | None = None) -> Iterator[Progress | Path]:
    """Write the site into ``dest``; yields progress and the path of every file written."""
    moment = now or utc_now()
    identity = issuer_identity(ctx)
    if dest.exists() and not dest.is_dir():
        raise GraderError(f"{dest} is a file; give a folder to publish into")
    issued = ctx.store.credentials()
    yield Progress(0, len(issued), "publishing")
    did_document = identity.did_document()
    if did_document is not None:
        yield _write_json(dest / _did_path(identity), did_document)
    status = signed_status_list(ctx, identity, moment)
    yield _write_json(dest / STATUS_LIST_PATH, status)
    yield _write_json(dest / f"{STATUS_LIST_PATH}.json", status)
    course = ctx.files.course
    for badge in course.badges:
        yield _write_text(
            dest / "badges" / course.id / badge.id / "index.html", badge_page(course, badge, identity)
        )
    for done, credential in enumerate(issued, start=1):
        yield from _credential(ctx, identity, credential, dest)
        yield Progress(done, len(issued), credential.credential_id)
    ctx.store.audit(
        "site published", {"folder": str(dest), "credentials": len(issued)}, actor=ctx.actor, now=moment
    )


def _credential(
    ctx: CourseContext, identity: IssuerIdentity, credential: IssuedCredential, dest: Path
) -> Iterator[Path]:
    folder = dest / "credentials" / credential.credential_id
    student = ctx.files.students_by_id.get(credential.student_id)
    source = credential_folder(ctx.root, credential.credential_id)
    if student is not None:
        write_learner_files(ctx.root, identity, ctx.files.course, credential, student)
    signed: dict[str, Any] = json.loads(credential.document)
    yield _write_text(folder / "credential.json", credential.document)
    if (source / "badge.png").is_file():
        yield _write_bytes(folder / "badge.png", (source / "badge.png").read_bytes())
    yield _write_text(folder / "index.html", credential_page(signed, credential, identity))


def _did_path(identity: IssuerIdentity) -> str:
    """Where the DID document goes inside the site (did:web puts it at /.well-known/ or /path/)."""
    url = identity.did_document_url() or ""
    site = identity.site.rstrip("/")
    if url.startswith(site + "/"):
        return url[len(site) + 1 :]
    raise GraderError(
        f"the DID document of {identity.did} lives at {url}, outside the site {site}: set issuer.site "
        "in course.yaml to the did:web address (or leave it out to derive it from issuer.did)"
    )


def _write_json(path: Path, value: object) -> Path:
    return _write_text(path, json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _write_text(path: Path, text: str) -> Path:
    return _write_bytes(path, text.encode("utf-8"))


def _write_bytes(path: Path, data: bytes) -> Path:
    """Written whole, with the user's normal permissions: a reader of the site never sees half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GraderError(f"cannot create {path.parent}: {exc.strerror}") from None
    write_shared(path, data)
    return path
