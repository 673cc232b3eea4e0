"""Classes of legitimate mail that checks used to misread (issue 10, section 3).

HTML attributes are tokenized as browsers and Python's html.parser do; html.parser is the
oracle of a differential property test.  The rest are tables: technical tokens are not
nonsense, local IP addresses are not phishing hosts, negated phrases do not count,
responsive style sheets and quoted preheaders hide nothing.
"""

from __future__ import annotations

import html.parser

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import spamlint

from spamlint.checks.disguise import looks_random
from spamlint.checks.phrases import PhraseDensityCheck, PhrasesCheck
from spamlint.engine.rules import validate_options
from spamlint.inputs import css
from spamlint.inputs.html_text import _TAG, _attrs, parse_html
from spamlint.text.facts import Context
from spamlint.text.urls import is_local_address


class _FirstTag(html.parser.HTMLParser):
    """The raw text and attributes of the first start tag html.parser reports."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.first: tuple[str, dict[str, str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.first is None:
            found: dict[str, str] = {}
            for name, value in attrs:
                found.setdefault(name, value or "")  # the first of a repeated attribute wins, as in browsers
            self.first = (self.get_starttag_text() or "", found)


def _oracle(source: str) -> tuple[str, dict[str, str]] | None:
    parser = _FirstTag()
    parser.feed(source)
    parser.close()
    return parser.first


def _ours(source: str) -> tuple[str, dict[str, str]] | None:
    m = _TAG.match(source)
    return None if m is None else (m.group(0), dict(_attrs(m.group(3))))


_TAG_BODY = st.text(alphabet=' bcx="\'=/>&;\n', max_size=14)
_AFTER = st.text(alphabet='x>"\' ', max_size=5)


@given(_TAG_BODY, _AFTER)
@example(' href="http://a.example/ target="_blank', ' hidden here <a href="b">')
@example(' valign="top" "', "x")
@example(' b="x""c', "")
def test_tags_end_and_attributes_read_as_html_parser_reads_them(body: str, after: str) -> None:
    source = "<a" + body + ">" + after
    ours, oracle = _ours(source), _oracle(source)
    if ours is not None and oracle is not None:  # an unclosed quote is left to each one's recovery
        assert ours == oracle


def test_a_stray_quote_does_not_invent_a_hidden_attribute_from_text() -> None:
    source = ('<p>Some visible words to start the paragraph with, long enough.</p>'
              '<p><a href="http://a.example/ target="_blank">Tools</a> has a 10" mode and hidden '
              'features, see <a href="http://a.example/g">the full guide to every option</a>.</p>')
    part, links, _ = parse_html(source, "text/html")
    assert part.hidden == ()
    assert "the full guide to every option" in part.text.text
    assert [link.url for link in links] == ["http://a.example/ target=", "http://a.example/g"]


@pytest.mark.parametrize("token", ["ffffffffffffffda", "fffffffffffffrda", "deadbeefcafe", "Rrrrrrriiiiiight",
                                   "abcdefghijklmnopqrstuvwxyz", "durchschnittlichen", "Verfassungsschutz",
                                   "Verschuldungsstruktur", "Schifffahrtsmarkts", "Dekarbonisierungsstrategien"])
def test_technical_tokens_are_not_random(token: str) -> None:
    assert not looks_random(token)


@pytest.mark.parametrize("token", ["xkwqzrt", "plmnbvcx", "ialozfapprnttjwkcgzdvio", "qwrtzkjhg",
                                   "ghjklmnb", "bnmrtsvk"])
def test_random_tokens_still_are(token: str) -> None:
    assert looks_random(token)


@pytest.mark.parametrize(("host", "local"), [
    ("127.0.0.1", True), ("0.0.0.0", True), ("192.168.1.1", True), ("10.0.3.15", True), ("172.20.1.2", True),
    ("169.254.0.9", True), ("[::1]", True), ("198.51.100.23", False), ("172.32.0.1", False),
    ("44.168.19.18", False), ("2130706433", False), ("0x7f000001", False),
])
def test_local_addresses(host: str, local: bool) -> None:
    assert is_local_address(host) is local


def _phrases(text: str, **options: object) -> list[str]:
    opts = validate_options(PhrasesCheck, {"phrases": ["sell email lists", "action required", "to be removed"],
                                           **options}, "test")
    doc = spamlint.load_document(("From: a@example.org\nContent-Type: text/plain\n\n" + text).encode())
    return [hit.detail["phrase"].lower() for hit in PhrasesCheck(opts).run(doc, Context(doc), ("body",))]


@pytest.mark.parametrize(("text", "options", "found"), [
    ("We sell email lists.", {"not_after": ["not", "never"]}, ["sell email lists"]),
    ("We do not sell email lists.", {"not_after": ["not", "never"]}, []),
    ("We never, ever sell email lists.", {"not_after": ["never"]}, []),
    ("We never said so. We sell email lists.", {"not_after": ["never"]}, ["sell email lists"]),
    ("Update (no action required) today.", {"not_after": ["no"]}, []),
    ("No. Action required today.", {"not_after": ["no"]}, ["action required"]),
    ("The hook needs to be removed.", {"not_after": ["needs"], "not_after_words": 1}, []),
    ("It needs a reply to be removed.", {"not_after": ["needs"], "not_after_words": 1}, ["to be removed"]),
    ("We don\u2019t sell email lists.", {"not_after": ["don't"]}, []),
    ("We do not sell email lists.", {}, ["sell email lists"]),
])
def test_not_after_cancels_negated_and_everyday_uses(text: str, options: dict, found: list[str]) -> None:
    assert _phrases(text, **options) == found


def test_not_after_also_holds_for_phrase_density() -> None:
    text = "Use after free. It is free to use after free fixes; the buffer is used after free."
    doc = spamlint.load_document(("From: a@example.org\nContent-Type: text/plain\n\n" + text).encode())

    def hits(**options: object) -> list:
        opts = validate_options(PhraseDensityCheck, {"phrases": ["free"], "min_hits": 2, "min_density": 1.0,
                                                     **options}, "test")
        return list(PhraseDensityCheck(opts).run(doc, Context(doc), ("body",)))

    assert [h.detail["count"] for h in hits()] == [4]
    assert hits(not_after=["after"], not_after_words=1) == []


def test_a_later_media_query_shows_what_an_earlier_sheet_hid() -> None:
    source = ('<style>td.note { display: none; } p.gone { display: none; }</style>'
              '<style media="only screen and (max-width: 600px)">td[class*="note"] { display: block; }</style>'
              '<table><tr><td class="note">Shown on phones only, a whole sentence</td></tr></table>'
              '<p class="gone">Hidden on every screen, a whole sentence</p>')
    part, _, _ = parse_html(source, "text/html")
    assert [h.text for h in part.hidden] == ["Hidden on every screen, a whole sentence"]


@pytest.mark.parametrize(("value", "rgb"), [
    ("rgb(253,253,253)", (253 / 255,) * 3), ("rgb(255, 255, 255)", (1.0, 1.0, 1.0)),
    ("url(a.png) #000", (0.0, 0.0, 0.0)), ("fade", None), ("transparent", None),
])
def test_background_colours_are_read_whole(value: str, rgb: tuple[float, float, float] | None) -> None:
    assert css.background_of({"background": value}) == (pytest.approx(rgb) if rgb else None)
