"""Inline suppressions: every accepted form, what each switches off, and unused ones reported."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spamlint
from spamlint import load_document
from spamlint.engine import suppress
from spamlint.engine.suppress import parse

LOUD = "<p>BUY CHEAP PILLS TODAY</p>"  # caps-words and all-caps-sentence (category all-caps)
SHOUT = "WE SELL CHEAP PILLS TODAY"


def _html(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def _found(text: str) -> list[tuple[str, int | None]]:
    report = spamlint.lint(text, name="t")
    return [(f.rule, f.line) for f in report.findings]


def _caps_lines(text: str) -> list[int | None]:
    return [line for rule, line in _found(text) if rule == "caps-words"]


@pytest.mark.parametrize("text, caps_lines", [
    (_html(LOUD, LOUD, LOUD), [1, 2, 3]),
    (_html(LOUD, "<!-- spamlint-disable caps-words -->", LOUD, "<!-- spamlint-enable -->", LOUD), [1, 5]),
    (_html(LOUD, "<!-- spamlint-disable caps-words -->", LOUD, LOUD), [1]),  # to the end of the file
    (_html("<!-- spamlint-disable-next-line caps-words -->", LOUD, LOUD), [3]),
    (_html(LOUD, "<!-- spamlint-disable-next-line all-caps -->", LOUD), [1]),  # a category
    (_html(LOUD, LOUD, "<!-- spamlint-disable-file caps-words -->"), []),
    (_html(LOUD, "<!-- spamlint-disable-file -->"), []),
    (_html("<!-- spamlint-disable-next-line exclamation, caps-words -->", LOUD, LOUD), [3]),
    (_html("<!-- spamlint-disable-next-line caps-words all-caps -->", LOUD), []),
    (_html("<!-- spamlint-disable-next-line caps-words -- the brand name is in capitals -->", LOUD, LOUD), [3]),
    (_html("<!-- spamlint-disable caps-words -->", LOUD, "<!-- spamlint-enable caps-words -->", LOUD), [4]),
    (_html("<!-- spamlint-disable caps-words -->", LOUD, "<!-- spamlint-enable exclamation -->", LOUD), []),
    (_html("<!--\n  spamlint-disable-next-line caps-words\n-->", LOUD, LOUD), [5]),  # next line after the comment ends
    (_html("<p>BUY CHEAP <!-- spamlint-disable caps-words --> PILLS TODAY NOW</p>"), [1]),  # the sentence starts before
])
def test_html_forms(text: str, caps_lines: list[int]) -> None:
    assert _caps_lines(text) == caps_lines


@pytest.mark.parametrize("text, caps_lines", [
    (f"Hello,\n{SHOUT}\n{SHOUT}\n", [2, 3]),
    (f"Hello,\n<!-- spamlint-disable-next-line caps-words -->\n{SHOUT}\n{SHOUT}\n", [4]),
    (f"Hello,\n<!-- spamlint-disable caps-words -->\n{SHOUT}\n<!-- spamlint-enable -->\n{SHOUT}\n", [5]),
    (f"Hello,\n{SHOUT}\n   <!-- spamlint-disable-file -->\n", []),
    (f"Hello, <!-- spamlint-disable-file --> not on a line of its own\n{SHOUT}\n", [2]),
])
def test_text_template_forms_on_a_line_of_their_own(text: str, caps_lines: list[int]) -> None:
    assert _caps_lines(text) == caps_lines


def test_directive_text_is_not_linted_as_words() -> None:
    text = "Hello,\n<!-- spamlint-disable-next-line CAPS-WORDS ALL-CAPS -->\nsee you.\n"
    assert not [r for r, _ in _found(text) if r != "unused-suppression"]


@pytest.mark.parametrize("text, messages", [
    (_html("<!-- spamlint-disable-next-line caps-words -->", "<p>Quiet here.</p>"),
     [(1, "spamlint-disable-next-line suppresses nothing for caps-words")]),
    (_html("<!-- spamlint-disable-next-line caps-words, exclamation -->", LOUD),
     [(1, "spamlint-disable-next-line suppresses nothing for exclamation")]),
    (_html("<!-- spamlint-disable caps-wrods -->", LOUD),
     [(1, "spamlint-disable names 'caps-wrods', which is not a rule id or category")]),
    (_html("<p>x</p>", "<!-- spamlint-disabel caps-words -->"),
     [(2, "spamlint-disabel is not a spamlint directive (see docs/usage.md for the accepted forms)")]),
    ("Hello,\n<!-- spamlint-disable-file -->\nQuiet here today, see you on Tuesday.\n",
     [(2, "spamlint-disable-file suppresses nothing")]),
    (_html("<!-- spamlint-disable-next-line caps-words -->", LOUD), []),
    (_html("<!-- a normal comment about spam -->", "<p>Quiet here.</p>"), []),
])
def test_unused_suppressions_are_info_findings_with_no_points(text: str, messages: list) -> None:
    report = spamlint.lint(text, name="t")
    unused = [f for f in report.findings if f.rule == "unused-suppression"]
    assert [(f.line, f.message) for f in unused] == messages
    assert all(f.points == 0 and f.severity.value == "info" and f.category == "structure" for f in unused)


def test_suppressed_findings_leave_the_score() -> None:
    loud = _html(LOUD, LOUD)
    quiet = _html("<!-- spamlint-disable-file all-caps -->", LOUD, LOUD)
    assert spamlint.lint(loud).categories.get("all-caps", 0) > 0
    assert "all-caps" not in spamlint.lint(quiet).categories


def test_parse_records_kind_names_and_position() -> None:
    doc = load_document(_html("<p>x</p>", "  <!-- spamlint-disable-next-line caps-words,links -->"), name="t")
    [d] = parse(doc)
    assert (d.kind, d.names, d.part, d.line, d.column) == ("disable-next-line", ("caps-words", "links"), "text/html", 2, 3)


def test_suppressions_in_an_html_part_of_a_message() -> None:
    msg = ("From: a@example.org\nTo: b@example.org\nSubject: hi\nContent-Type: text/html\n\n"
           + _html("<!-- spamlint-disable-file caps-words -->", LOUD))
    assert "caps-words" not in {f.rule for f in spamlint.lint(msg).findings}


def _plain_spans(directives):  # the definition _spans must keep: the first later enable that closes each disable
    out = []
    for i, d in enumerate(directives):
        if d.kind != "disable":
            continue
        end = suppress._END
        for e in directives[i + 1:]:
            if e.kind == "enable" and e.part == d.part and (not e.names or set(d.names) & set(e.names)):
                end = (e.line, e.column)
                break
        out.append((d, end))
    return out


_DIRECTIVE = st.builds(
    lambda kind, names, part: (kind, names, part),
    st.sampled_from(["disable", "enable", "disable-next-line"]),
    st.lists(st.sampled_from(["caps-words", "links", "x"]), max_size=2, unique=True).map(tuple),
    st.sampled_from(["text/html", "text/plain"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_DIRECTIVE, max_size=12))
def test_spans_close_each_disable_where_the_plain_search_does(rows) -> None:
    directives = [suppress.Directive(kind, names, part, n + 1, 1, n + 1, "<!-- -->")
                  for n, (kind, names, part) in enumerate(rows)]
    assert suppress._spans(directives) == _plain_spans(directives)


def test_disable_next_line_suppresses_that_line_only() -> None:
    import spamlint

    html = ("<html><body>\n<!-- spamlint-disable-next-line prize-claim -->\n<p>Claim your prize today.</p>\n"
            "<p>Some other text here.</p>\n<p>Claim your prize tomorrow.</p>\n</body></html>\n")
    found = [(f.rule, f.line) for f in spamlint.lint(html).findings if f.rule in ("prize-claim", "unused-suppression")]
    assert found == [("prize-claim", 5)]
    text = "Hello,\n<!-- spamlint-disable-next-line prize-claim -->\nClaim your prize today.\nClaim your prize again.\n"
    assert [(f.rule, f.line) for f in spamlint.lint(text).findings if f.rule == "prize-claim"] == [("prize-claim", 4)]
