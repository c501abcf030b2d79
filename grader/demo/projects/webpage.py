"""Assignment 2: a personal web page in HTML and CSS, with the starter's page checks."""

from __future__ import annotations

import html
import random

from grader.demo.outcomes import Work
from grader.demo.projects.common import Step

PAGE_CHECKS = '''\
"""Starter checks for index.html (provided by the course; do not edit)."""

from html.parser import HTMLParser
from pathlib import Path


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.title = ""
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.in_title = tag == "title"

    def handle_endtag(self, tag):
        self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data


def page():
    parser = Page()
    parser.feed(Path(__file__).parent.parent.joinpath("index.html").read_text(encoding="utf-8"))
    return parser


def test_page_declares_its_language():
    assert any(tag == "html" and attrs.get("lang") for tag, attrs in page().tags)


def test_page_has_a_title():
    assert page().title.strip()


def test_page_has_exactly_one_h1():
    assert [tag for tag, _ in page().tags].count("h1") == 1


def test_every_image_has_alt_text():
    assert all("alt" in attrs for tag, attrs in page().tags if tag == "img")
'''

LOGO = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img">
  <title>{initials}</title>
  <circle cx="32" cy="32" r="30" fill="{accent}"/>
  <text x="32" y="40" font-size="22" text-anchor="middle" fill="#fff">{initials}</text>
</svg>
"""

PAGE_START = """\
<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  <title>{name}</title>
</head>
<body>
  <h1>{name}</h1>
  <p>Under construction.</p>
</body>
</html>
"""

PAGE = """\
<!DOCTYPE html>
<html{lang}>
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="stylesheet" href="styles.css">
</head>
<body>
{skip}  <header>
    <img src="images/logo.svg" {alt}width="64" height="64">
{brand}    <nav aria-label="Main">
      <ul>
        <li><a href="#about">About</a></li>
        <li><a href="#projects">Projects</a></li>
        <li><a href="#contact">Contact</a></li>
      </ul>
    </nav>
  </header>
  <main id="content">
    <h1>{name}</h1>
    <section id="about">
      <h2>About me</h2>
      <p>I study computer science and like {hobby}. This page is my CS101 assignment 2.</p>
    </section>
    <section id="projects">
      <h2>Projects</h2>
      <ul>
        <li>A command-line calculator in Python</li>
        <li>This page, written by hand in HTML and CSS</li>
      </ul>
    </section>
    <section id="contact">
      <h2>Contact</h2>
      <form action="#" method="post">
{field}        <textarea id="message" name="message" rows="4" aria-label="Message"></textarea>
        <button type="submit">Send</button>
      </form>
    </section>
  </main>
  <footer>
    <p>© 2026 {name}</p>
  </footer>
</body>
</html>
"""

FIELD_LABELLED = """\
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="email">
"""
FIELD_BARE = """\
        <input name="email" type="email" placeholder="Email">
"""

CSS = """\
:root {{
  --accent: {accent};
  --text: {text};
  --background: #ffffff;
  --space: 1rem;
  font-family: system-ui, sans-serif;
  line-height: 1.5;
}}

body {{
  margin: 0 auto;
  max-width: 60rem;
  padding: var(--space);
  color: var(--text);
  background: var(--background);
}}

header {{
  display: flex;
  align-items: center;
  gap: var(--space);
}}

nav ul {{
  display: flex;
  gap: var(--space);
  list-style: none;
  padding: 0;
}}

a:focus {{
  {focus}
}}

@media (max-width: 40rem) {{
  header, nav ul {{
    flex-direction: column;
    align-items: flex-start;
  }}
}}
"""

SKIP_LINK = '  <a class="skip" href="#content">Skip to content</a>\n'
SKIP_CSS = """
.skip {
  position: absolute;
  left: -999px;
}

.skip:focus {
  left: var(--space);
}
"""
DARK_CSS = """
@media (prefers-color-scheme: dark) {
  :root {
    --text: #f0f0f0;
    --background: #1b1b1f;
  }
}
"""

SLIPS = ("no-lang", "no-title", "two-h1", "no-alt")
"""What one starter check each catches; a shaky page has three of them."""
SHAKY_SLIPS = frozenset({"no-lang", "two-h1", "no-alt"})

HOBBIES = ("hiking", "chess", "baking bread", "football", "film photography", "climbing")
ACCENTS = ("#1f5fa8", "#8a2be2", "#0a7a4b", "#b3261e", "#c77700")


def slips_for(work: Work, rng: random.Random) -> frozenset[str]:
    """The starter checks this student's page fails (a page cannot loop: ENDLESS is SOLID here)."""
    slip = SLIPS[int(rng.random() * len(SLIPS))]
    if work is Work.EDGE_SLIPS:
        return frozenset({slip})
    return SHAKY_SLIPS if work is Work.SHAKY else frozenset()


def steps(name: str, rng: random.Random, work: Work) -> list[Step]:
    """The page built in five steps; ``work`` decides which starter checks fail (UNTESTED: the
    student deleted them), ``rng`` picks the slip and the rest of the student's habits."""
    initials = "".join(part[:1] for part in name.split()[:2]) or name[:1]
    accent = rng.choice(ACCENTS)
    escaped = html.escape(name)
    slips = slips_for(work, rng)
    page = PAGE.format(
        name=escaped,
        title="" if "no-title" in slips else f"{escaped} – about me",
        lang="" if "no-lang" in slips else ' lang="en"',
        skip=SKIP_LINK if rng.random() < 0.4 else "",
        alt="" if "no-alt" in slips else f'alt="{escaped}: logo" ',
        brand=f'    <h1 class="brand">{html.escape(initials)}</h1>\n' if "two-h1" in slips else "",
        hobby=rng.choice(HOBBIES),
        field=FIELD_LABELLED if rng.random() < 0.7 else FIELD_BARE,
    )
    css = CSS.format(
        accent=accent,
        text="#1b1b1f" if rng.random() < 0.8 else "#9a9a9a",
        focus="outline: 3px solid var(--accent);" if rng.random() < 0.8 else "outline: none;",
    )
    if SKIP_LINK in page:
        css += SKIP_CSS
    if rng.random() < 0.3:
        css += DARK_CSS
    readme = (
        f"# {name} – personal page\n\nOpen `index.html` in a browser.\n\n"
        "Fonts: the system font. Logo: drawn by me in SVG.\n"
    )
    starter = {"index.html": PAGE_START.format(name=escaped)}
    if work is not Work.UNTESTED:
        starter["tests/test_page.py"] = PAGE_CHECKS
    return [
        Step("Start the page from the starter", starter),
        Step("Add header, navigation and sections", {"index.html": page}),
        Step("Add a logo", {"images/logo.svg": LOGO.format(initials=html.escape(initials),
                                                            accent=accent)}),
        Step("Style the page and make it responsive", {"styles.css": css}),
        Step("Write the README", {"README.md": readme}),
    ]  # fmt: skip
