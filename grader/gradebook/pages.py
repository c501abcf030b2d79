"""The HTML pages of a published site: one per badge, one per credential. Every value is escaped;
the pages load nothing from anywhere (no scripts, fonts or images from other sites)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from html import escape
from typing import Any

from grader.domain.course import Badge, Course
from grader.domain.issued import IssuedCredential
from grader.gradebook.issuer import IssuerIdentity

STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; color: #1b2a4a; max-width: 46rem; margin: 2rem auto;
  padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; } .muted { color: #5a6478; }
.status { padding: .75rem 1rem; border-radius: .5rem; margin: 1rem 0; font-weight: 600; }
.ok { background: #e6f4ea; color: #1e6b34; } .bad { background: #fde7e7; color: #8a1c1c; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #dde2ea; }
img.badge { float: right; width: 9rem; margin-left: 1rem; } code { font-size: .85rem; word-break: break-all; }
"""


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def badge_page(course: Course, badge: Badge, identity: IssuerIdentity) -> str:
    """What the badge certifies: its description, criteria and skill thresholds."""
    rows = "".join(
        f"<tr><td>{escape(skill)}</td><td>{threshold * 100:g}%</td></tr>"
        for skill, threshold in badge.skill_thresholds.items()
    )
    body = (
        f"<h1>{escape(badge.title)}</h1>"
        f'<p class="muted">{escape(course.title)} · {escape(identity.issuer.name)}</p>'
        f"<p>{escape(badge.description)}</p><h2>Criteria</h2><p>{escape(badge.criteria)}</p>"
        f"<table><tr><th>Skill</th><th>Mastery required</th></tr>{rows}</table>"
    )
    return _page(badge.title, body)


def credential_page(signed: Mapping[str, Any], credential: IssuedCredential, identity: IssuerIdentity) -> str:
    """A credential's verification page: who earned what, when, from whom, and whether it stands."""
    subject = signed.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {} if isinstance(subject, Mapping) else {}
    name = str(achievement.get("name", credential.badge_id))
    results = subject.get("result") or [] if isinstance(subject, Mapping) else []
    rows = "".join(
        f"<tr><td>{escape(str(r.get('resultDescription', '')).rsplit('/', 1)[-1].split('#')[-1])}</td>"
        f"<td>{escape(str(r.get('value', '')))}</td></tr>"
        for r in results
        if isinstance(r, Mapping)
    )
    if credential.revocation is not None:
        status = f'<div class="status bad">Revoked on {credential.revocation.revoked_at:%d %B %Y}.</div>'
    else:
        status = (
            '<div class="status ok">Issued and not revoked when this page was published. Check it yourself: '
            "the signature and the current status list decide.</div>"
        )
    evidence = subject.get("evidence") if isinstance(subject, Mapping) else None
    evidence = signed.get("evidence") or evidence or []
    commits = "".join(
        f"<li>{escape(str(e.get('name', '')))}: <code>{escape(str(e.get('description', '')))}</code></li>"
        for e in evidence
        if isinstance(e, Mapping)
    )
    body = (
        '<img class="badge" src="badge.png" alt="">'
        f"<h1>{escape(name)}</h1>"
        f'<p class="muted">Open Badges 3.0 credential issued by {escape(identity.issuer.name)} '
        f"on {credential.issued_at:%d %B %Y}</p>{status}"
        f"<table><tr><th>Skill</th><th>Result</th></tr>{rows}</table>"
        + (f"<h2>Evidence</h2><ul>{commits}</ul>" if commits else "")
        + '<h2>Verify</h2><p>Download <a href="credential.json">credential.json</a> (also baked into '
        '<a href="badge.png">badge.png</a>) and check it with any Open Badges 3.0 verifier, or with '
        "<code>grader verify credential.json --site SITE</code> against a copy of this site.</p>"
        f'<p class="muted">Credential <code>{escape(str(signed.get("id", "")))}</code><br>'
        f"Issuer <code>{escape(identity.did)}</code><br>"
        f'Status list <a href="{escape(identity.status_list_url)}">{escape(identity.status_list_url)}</a></p>'
        f"<details><summary>The signed credential</summary><pre><code>"
        f"{escape(json.dumps(signed, ensure_ascii=False, indent=2))}</code></pre></details>"
    )
    return _page(f"{name} · credential", body)
