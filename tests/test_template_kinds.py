"""Template languages' extensions, MJML read as HTML, include/extend-include, extension-less files in a walk."""

from __future__ import annotations

from pathlib import Path

import pytest

from spamlint.engine.batch import Options, include_for
from spamlint.inputs import mime
from spamlint.inputs.kinds import kind_of
from spamlint.inputs.sources import Include, expand

HTML_JINJA = b'{% extends "base.html" %}\n{% block body %}\n<p>Hello {{ name }}</p>\n{% endblock %}\n'
TEXT_HBS = b"{{!-- note --}}\nHi {{name}}, the club meets on Tuesday.\n"
MJML = (b'<mjml><mj-body><mj-section><mj-column>\n<mj-text>Claim your prize now</mj-text>\n'
        b'<mj-button href="https://bit.ly/x">Click here</mj-button>\n'
        b'<mj-image src="http://203.0.113.5/a.png"></mj-image>\n</mj-column></mj-section></mj-body></mjml>\n')


@pytest.mark.parametrize("ext", [".hbs", ".handlebars", ".mustache", ".njk", ".j2", ".jinja", ".liquid", ".twig"])
def test_template_extensions_are_html_or_text_by_content(ext: str) -> None:
    assert kind_of(HTML_JINJA, ext).parser == "html"
    assert kind_of(TEXT_HBS, ext).parser == "text"
    # the template kind's sniffing is its own: a .txt with a tag further down stays text
    assert kind_of(b"Hello\n<p>x</p>\n", ".txt").parser == "text"


def test_mjml_buttons_are_links_and_images_are_images_at_their_positions() -> None:
    doc = mime.load(MJML, "news.mjml", ".mjml")
    from spamlint import lint_document
    found = {(f.rule, f.line, f.column) for f in lint_document(doc).findings}
    assert ("shortened-link", 3, 1) in found and ("missing-alt", 4, 1) in found
    assert ("prize-claim", 2, 10) in found
    assert not any(r == "html-skeleton" for r, _, _ in found)  # <mjml><mj-body> is the document


def _tree(root: Path) -> None:
    for name, data in {
        "LICENSE": b"MIT License\n\nCopyright (c) someone\n", "Makefile": b"all:\n\techo hi\n",
        "msg1": b"From: a@example.org\nSubject: hi\n\nhello\n", "welcome.html.j2": HTML_JINJA,
        "note.txt.hbs": TEXT_HBS, "news.mjml": MJML, "x.tpl": b"<p>hi</p>\n", "notes.md": b"# hi\n",
    }.items():
        (root / name).write_bytes(data)


def _names(root: Path, include: Include | None = None) -> list[str]:
    return sorted(Path(s.name).name for s in expand([str(root)], None, (lambda _: include) if include else None))


def test_a_walk_lists_templates_and_only_message_like_files_without_extension(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert _names(tmp_path) == ["msg1", "news.mjml", "note.txt.hbs", "welcome.html.j2"]


def test_include_and_extend_include(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert _names(tmp_path, Include(extra=("*.tpl",))) == ["msg1", "news.mjml", "note.txt.hbs", "welcome.html.j2",
                                                            "x.tpl"]
    assert _names(tmp_path, Include(only=("*.tpl", "*.mjml"))) == ["news.mjml", "x.tpl"]


def test_include_comes_from_the_folders_config(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / ".spamlint.yaml").write_text('include: ["*.tpl"]\nextend-include: "Makefile"\n')
    inc = include_for(tmp_path, Options())
    assert inc == Include(("*.tpl",), ("Makefile",))
    assert _names(tmp_path, inc) == ["Makefile", "x.tpl"]
