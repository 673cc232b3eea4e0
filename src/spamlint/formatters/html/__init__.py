"""The HTML report: one self-contained page per input (the email rendered safely, every finding marked
where it is) and, for a batch, an index page.

`format_html` is the registry entry (FORMATTERS["html"]); given the inputs' Documents it renders the
email, without them only the findings and score.  `html_files` lays out a batch: index.html and one
page per input.  How the page stays safe is described in docs/usage.md and in assets.py.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from spamlint.engine.rules import Rule
from spamlint.engine.scoring import Report
from spamlint.formatters.html.page import render_index, render_page
from spamlint.model.document import Document

__all__ = ["format_html", "html_files", "page_name", "render_index", "render_page"]

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def format_html(reports: Sequence[Report], color: bool = False, rules: Sequence[Rule] = (), *,
                documents: Sequence[Document | None] | None = None) -> str:
    """One input's report page; for several inputs, their index (pages are written by html_files)."""
    by_id = {r.id: r for r in rules}
    if len(reports) == 1:
        return render_page(reports[0], documents[0] if documents else None, by_id)
    return render_index([(r, page_name(n, r.path)) for n, r in enumerate(reports, 1)])


def page_name(number: int, path: str) -> str:
    """A batch page's file name: its place in the batch and a filesystem-safe form of the input's name."""
    stem = _UNSAFE_NAME.sub("_", path.replace("\\", "/").rsplit("/", 1)[-1]).strip("._")[:60] or "input"
    return f"{number:04d}-{stem}.html"


def html_files(reports: Sequence[Report], documents: Sequence[Document | None],
               rules: Sequence[Rule] = ()) -> dict[str, str]:
    """A batch as files: file name -> page; `index.html` lists every input sorted by score."""
    by_id: Mapping[str, Rule] = {r.id: r for r in rules}
    files: dict[str, str] = {}
    rows = []
    for n, (report, doc) in enumerate(zip(reports, documents), 1):
        name = page_name(n, report.path)
        files[name] = render_page(report, doc, by_id, index_href="index.html")
        rows.append((report, name))
    files["index.html"] = render_index(rows)
    return files
