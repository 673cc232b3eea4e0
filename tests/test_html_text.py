"""HTML -> visible text, positions, links, images and hidden text."""

from __future__ import annotations

import pytest

from spamlint.inputs.html_text import parse_html


def _locate(source: str, needle: str) -> tuple[int | None, int | None]:
    part, _, _ = parse_html(source, "text/html")
    seg = part.text
    return seg.locate(seg.text.index(needle))


@pytest.mark.parametrize(
    ("source", "needle", "where"),
    [
        ("<p>Hello WORLD</p>", "WORLD", (1, 10)),
        ("<html>\n<body>\n  <p>Buy &amp; SAVE now</p>", "SAVE", (3, 16)),
        ("<p>caf&eacute; FREE</p>", "FREE", (1, 16)),
        ("<p>&#x46;ree</p>", "Free", (1, 4)),
        ("<div>\r\n<b>one</b>\r\n<i>two</i></div>", "two", (3, 4)),
        ("<p>{{ name }} WIN</p>", "WIN", (1, 15)),
    ],
)
def test_positions_point_into_the_source(source: str, needle: str, where: tuple[int, int]) -> None:
    assert _locate(source, needle) == where


@pytest.mark.parametrize(
    ("source", "visible", "invisible"),
    [
        ("<head><title>T1</title><style>p{color:red}</style></head><body>B1</body>", "B1", "T1"),
        ("<script>var x = '<p>S1</p>';</script><p>B2</p>", "B2", "S1"),
        ("<!-- C1 --><p>B3</p>", "B3", "C1"),
        ("<p>B4</p><noscript>N1</noscript>", "B4", "N1"),
    ],
)
def test_visible_text_excludes_head_script_style_comments(source: str, visible: str, invisible: str) -> None:
    part, _, _ = parse_html(source, "text/html")
    assert visible in part.text.text
    assert invisible not in part.text.text


def test_links_carry_href_text_and_position() -> None:
    _, links, _ = parse_html('<p>\n  <a href="https://x.example/a">Read <b>more</b></a> <a href="{{ url }}">t</a></p>', "text/html")
    assert [(l.url, l.text, l.line, l.column, l.templated) for l in links] == [
        ("https://x.example/a", "Read more", 2, 3, False),
        ("{{ url }}", "t", 2, 54, True),
    ]


def test_images_carry_src_alt_and_size() -> None:
    _, _, images = parse_html('<img src="a.png" alt="" width="600" style="height:300px"><img src=b.gif>', "text/html")
    assert [(i.src, i.alt, i.width, i.height) for i in images] == [("a.png", "", 600, 300), ("b.gif", None, None, None)]


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ('<div style="display:none">secret words here</div>', "display:none"),
        ('<span style="visibility: hidden">secret words here</span>', "visibility:hidden"),
        ('<p style="font-size:0px">secret words here</p>', "font-size:0"),
        ('<p style="opacity:0">secret words here</p>', "opacity:0"),
        ('<p style="position:absolute;left:-9999px">secret words here</p>', "off-screen"),
        ('<table bgcolor="#fff"><tr><td><font color="white">secret words here</font></td></tr></table>',
         "text colour matches background"),
        ('<div hidden>secret words here</div>', "hidden attribute"),
    ],
)
def test_hidden_text_is_recorded_not_shown(source: str, reason: str) -> None:
    part, _, _ = parse_html(source, "text/html")
    assert "secret" not in part.text.text
    assert [h.reason for h in part.hidden] == [reason]
    assert part.hidden[0].text.strip() == "secret words here"


def test_malformed_markup_does_not_lose_text() -> None:
    part, _, _ = parse_html("<p>one < two <b>three</p></div></span><p a='x>y'>four", "text/html")
    words = part.text.text.split()
    assert words == ["one", "<", "two", "three", "four"]


def test_unclosed_comment_and_script_end_the_document_quietly() -> None:
    part, _, _ = parse_html("<p>kept</p><!-- never closed <p>lost</p>", "text/html")
    assert part.text.text.split() == ["kept"]
    part, _, _ = parse_html("<p>kept</p><script>never closed", "text/html")
    assert part.text.text.split() == ["kept"]


def test_line_base_shifts_all_positions() -> None:
    part, links, images = parse_html('<p>x</p>\n<a href="h">y</a><img src="i">', "text/html", line_base=10)
    assert (links[0].line, images[0].line) == (11, 11)
    assert part.text.locate(part.text.text.index("y")) == (11, 13)
