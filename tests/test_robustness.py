"""Any bytes in, a Report or a spamlint error out, in bounded time: pathological inputs, limits, refusals.

Inputs are built in memory.  No timing asserts: a generous alarm (60 s) only turns a hang
into a failure instead of a stuck suite; each case takes well under a second or two.
"""

from __future__ import annotations

import base64
import contextlib
import os
import signal
from pathlib import Path
from typing import Callable, Iterator

import pytest

import spamlint
from spamlint import InputError, Limits, Report, SpamlintError
from spamlint.engine.rules import builtin_rule_files, builtin_rules, parse_rule

HEAD = b"From: Shop <deals@example.org>\r\nTo: you@example.net\r\nSubject: hello\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <1@example.org>\r\n"
SPAMMY = b"ACT NOW!!! FREE MONEY!!! CLICK HERE!!!"


@contextlib.contextmanager
def alarm(seconds: int = 60) -> Iterator[None]:
    """Fail instead of hanging (SIGALRM; main thread, Unix)."""
    def _raise(signum: int, frame: object) -> None:
        raise AssertionError(f"took longer than {seconds} s")
    old = signal.signal(signal.SIGALRM, _raise)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def message(body: bytes, ctype: bytes = b"text/plain", extra: bytes = b"") -> bytes:
    return HEAD + extra + b"Content-Type: " + ctype + b"\r\n\r\n" + body


def multipart(*parts: bytes, boundary: bytes = b"outer") -> bytes:
    body = b"".join(b"--" + boundary + b"\r\n" + p + b"\r\n" for p in parts) + b"--" + boundary + b"--\r\n"
    return message(body, b"multipart/mixed; boundary=" + boundary)


def big_attachment() -> bytes:
    payload = base64.encodebytes(os.urandom(18 * 1024 * 1024))  # 24.3 MB of base64 lines
    return multipart(b"Content-Type: text/plain\r\n\r\n" + SPAMMY,
                     b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
                     b"Content-Disposition: attachment; filename=a.bin\r\n\r\n" + payload)


def deep_multipart(depth: int = 1000) -> bytes:
    nest = b"".join(b"Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n" % (i, i) for i in range(depth))
    nest += b"Content-Type: text/plain\r\n\r\ndeep inside\r\n" + b"".join(b"--b%d--\r\n" % i for i in reversed(range(depth)))
    return multipart(b"Content-Type: text/plain\r\n\r\n" + SPAMMY, nest)


def links(n: int) -> bytes:
    anchors = b"".join(b'<a href="https://l%d.example.com/x">offer %d</a> ' % (i, i) for i in range(n))
    return message(b"<html><body>" + anchors + b"</body></html>", b"text/html")


def template(html: bytes) -> bytes:
    return b"<html><body><p>" + SPAMMY + b"</p>" + html + b"</body></html>"


# (id, input builder, rule ids that must be among the findings, text every limit-reached message must name)
CASES: list[tuple[str, Callable[[], bytes], set[str], str]] = [
    ("25-MB-base64-attachment", big_attachment, {"exclamation-run"}, ""),
    ("1000-deep-multipart", deep_multipart, {"exclamation-run", "limit-reached"}, "max_mime_depth"),
    ("450-text-parts-after-a-big-attachment", lambda: multipart(  # line numbers were counted from 0 per part
        big_attachment(), *[b"Content-Type: text/plain\r\n\r\nhello %d" % i for i in range(450)]), set(), ""),
    ("600-parts", lambda: multipart(*[b"Content-Type: text/plain\r\n\r\npart"] * 600), {"limit-reached"}, "max_mime_parts"),
    ("5-MB-single-line", lambda: message(SPAMMY + b" word" * 1_000_000), {"exclamation-run", "limit-reached"}, "max_part_bytes"),
    ("100k-links", lambda: links(100_000), {"limit-reached"}, "max_links"),
    ("200k-nested-divs", lambda: template(b"<div>" * 200_000 + b"x" + b"</div>" * 200_000), {"limit-reached"}, "max_html_nodes"),
    ("deep-divs-under-node-limit", lambda: template(b"<div>" * 2000 + b"deep"), {"limit-reached"}, "max_html_depth"),
    ("1-MB-of-bangs", lambda: message(b"Buy now" + b"!" * 1_000_000), {"exclamation-run"}, ""),
    ("1-MB-of-zero-width", lambda: message(("fr\u200bee " + "\u200b" * 350_000).encode()), set(), ""),
    ("bad-header-bytes", lambda: b"From: \xff\xfe\x00a@ex\x01ample.org\r\nSubject: =?utf-8?B?broken?= =?x-nope?Q?caf=E9?= "
                                 b"=?utf-8?Q?=ZZ\x00?=\r\nX-Nul: \x00\x07\x1b\r\nContent-Type: text/plain; charset=x-no-such\r\n\r\n"
                                 b"body \xff\xfe text", {"decode-problem"}, ""),
    ("undecodable-base64", lambda: message(b"!!!not base64 at all===", extra=b"Content-Transfer-Encoding: base64\r\n"),
     {"decode-problem"}, ""),
    ("unknown-transfer-encoding", lambda: message(b"hello", extra=b"Content-Transfer-Encoding: 8bit+\r\n"), {"decode-problem"}, ""),
    ("empty-file", lambda: b"", set(), ""),
    ("headers-only", lambda: HEAD, set(), ""),
    ("gapped-subject-20000", lambda: HEAD.replace(b"hello", b" ".join([b"f"] * 20_000)) + b"\r\nhi", set(), ""),
    ("dotted-subject-20000", lambda: HEAD.replace(b"hello", b".".join([b"v"] * 20_000)) + b"\r\nhi", set(), ""),
    # quadratic paths found while profiling, kept as regressions
    ("50k-encoded-words", lambda: HEAD.replace(b"hello", b"=?utf-8?q?abc?= " * 50_000) + b"\r\nhi", {"limit-reached"}, ""),
    ("100k-content-type-params", lambda: message(b"hi", b"text/plain" + b"; a=b" * 100_000), {"limit-reached"}, "max_header_bytes"),
    ("100k-folded-boundary-params", lambda: message(b"--x\r\n\r\nhi\r\n--x--\r\n", b"multipart/mixed; boundary=x" + b";\r\n a=b" * 100_000),
     {"limit-reached"}, "max_header_bytes"),
    ("50k-nested-comments-in-from", lambda: b"From: " + b"(" * 50_000 + b"a@b.c\r\nReply-To: " + b"(" * 50_000 + b"\r\n\r\nhi", set(), ""),
    ("unclosed-quotes", lambda: template(b'<a x="' * 200_001 + b">"), set(), ""),
    ("very-long-tag-name", lambda: template(b"<" + b"a" * 200_000 + b'"'), set(), ""),
    ("hidden-entity-run", lambda: template(b'<div style="display:none">' + b"&amp;x" * 200_000 + b"</div>"), {"hidden-text"}, ""),
    ("unmatched-end-tags", lambda: template(b"<div>" * 500 + b"</span>" * 200_000), set(), ""),
    ("unclosed-placeholders", lambda: template(b"{{" * 300_000), set(), ""),
    ("unclosed-suppressions", lambda: message(b"<!-- spamlint " * 100_000), set(), ""),
    # crashes found by hypothesis (test_properties.py) and atheris (fuzz/)
    ("8-bit-transfer-encoding-and-disposition", lambda: multipart(
        b"Content-Type: text/plain\r\nContent-Transfer-Encoding:\xa07bit\r\n\r\nhi",
        b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base\xe964\r\n"
        b"Content-Disposition: attach\xe9ment\r\n\r\nQUJD"), set(), ""),
    ("nul-in-charset-name", lambda: message(b"hi", b"text/plain; charset=\x00utf-8"), {"decode-problem"}, ""),
    ("nul-in-encoded-word-charset", lambda: HEAD.replace(b"hello", b"=?u\x01\x00\x00\x00tf-8?B?SGk=?=") + b"\r\nhi", set(), ""),
    ("codec-that-raises-on-8-bit-text", lambda: message(b"hi \xff", b"text/plain; charset=punycode"), {"decode-problem"}, ""),
    ("8-bit-attachment-with-failing-codec", lambda: multipart(b"Content-Type: application/pdf; charset=punycode\r\n\r\n\xff\xfe"), set(), ""),
    ("nul-in-rfc2231-charsets", lambda: multipart(b"Content-Type: text/plain; charset*=\x00utf-8''x\r\n\r\nhi",
                                                  b"Content-Type: text/plain\r\nContent-Disposition: attachment; "
                                                  b"filename*=utf-8\x00''a.pdf\r\n\r\nhi"), set(), ""),
    ("undefined-codec", lambda: message(b"hi", b"text/plain; charset=undefined"), {"decode-problem"}, ""),
]


@pytest.mark.parametrize(("build", "rules", "limit"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_pathological_input_gives_a_report(build: Callable[[], bytes], rules: set[str], limit: str) -> None:
    data = build()
    with alarm():
        report = spamlint.lint(data, name="case")
    assert isinstance(report, Report)
    assert rules <= {f.rule for f in report.findings}
    reached = [f.message for f in report.findings if f.rule == "limit-reached"]
    assert all("limit " in m for m in reached)
    if limit:
        assert any(limit in m for m in reached), reached


def test_limits_reach_the_document_and_name_themselves() -> None:
    data = message(b"hello " * 1000)
    doc = spamlint.load_document(data, limits=Limits(max_input_bytes=500))
    assert doc.limits.max_input_bytes == 500
    assert any("max_input_bytes=500" in text for _, text in doc.problems)
    report = spamlint.lint(data, limits=Limits(max_input_bytes=500))
    assert any(f.rule == "limit-reached" and "max_input_bytes=500" in f.message for f in report.findings)


def test_a_path_is_read_only_up_to_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.eml"
    path.write_bytes(message(b"word " * 200_000))
    doc = spamlint.load_document(path, limits=Limits(max_input_bytes=10_000))
    assert doc.raw_size == 10_001  # one byte past the limit is read to know there is more
    assert sum(len(b.text) for b in doc.bodies) < 10_000


def test_a_cut_never_splits_a_utf8_character() -> None:
    body = "é€😀".encode() * 1000
    for cap in range(3000, 3010):
        doc = spamlint.load_document(message(body, b"text/plain; charset=utf-8"), limits=Limits(max_part_bytes=cap))
        assert [k for k, _ in doc.problems] == ["limit"], doc.problems  # no charset problem from a cut


def test_catastrophic_user_pattern_times_out_and_the_rest_is_linted() -> None:
    rule = parse_rule("mine/runaway.yaml", RUNAWAY_RULE)
    data = message(b"a" * 5000 + b"b " + SPAMMY)
    with alarm():
        report = spamlint.lint(data, rules=[rule, *builtin_rules()], limits=Limits(regex_timeout=0.2))
    found = {f.rule for f in report.findings}
    assert "exclamation-run" in found and "runaway" not in found
    assert any(f.rule == "limit-reached" and "regex_timeout" in f.message and "rule runaway:" in f.message
               for f in report.findings)  # the rule that ran out is named (issue 14, item 6)


RUNAWAY_RULE = """
id: runaway
category: risky-words
check: pattern
scope: body
points: 1
severity: info
message: m
why: w
fix: f
options: {pattern: "(a|aa)+$"}
examples: {hit: [aa], miss: [b]}
"""


@pytest.mark.parametrize("pattern", [r"(?:x{65535}){65535}", r"((a{100}){100}){100}"])
def test_pattern_that_would_not_compile_in_time_is_refused(pattern: str) -> None:
    with alarm(), pytest.raises(spamlint.RuleError, match=r"mine/runaway.yaml.*invalid pattern"):
        parse_rule("mine/runaway.yaml", RUNAWAY_RULE.replace("(a|aa)+$", pattern))


@pytest.mark.parametrize("source", [123, None, ["x"], Path("/no/such/file.eml"), Path("/")])
def test_unreadable_sources_raise_input_error(source: object) -> None:
    with pytest.raises(InputError):
        spamlint.lint(source)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["---\nx: " + "[" * 20_000 + "\n---\n<p>hi</p>",
                                  "---\n" + "k: v\n" * 20_000 + "---\n<p>hi</p>"], ids=["deep", "long"])
def test_hostile_front_matter_is_refused_quickly(text: str) -> None:
    with alarm(), pytest.raises(InputError, match="front matter"):
        spamlint.lint(text, name="t.html")


def test_lone_surrogates_in_a_str_are_linted() -> None:
    assert isinstance(spamlint.lint("\ud800 FREE!!! \udcff"), Report)


def test_only_spamlint_errors_are_documented_as_raised() -> None:
    assert {InputError, spamlint.RuleError, spamlint.ConfigError} <= set(SpamlintError.__subclasses__())


# -- rules and config are data; nothing is fetched -------------------------------------------------
@pytest.mark.parametrize("text", ["!!python/object/apply:os.system ['echo pwned']",
                                  "id: !!python/name:os.system\n", "id: x\nwhy: !!python/object:object {}\n"])
def test_rule_file_with_a_python_tag_is_refused_naming_the_file(text: str) -> None:
    with pytest.raises(spamlint.RuleError, match=r"^mine/evil\.yaml(:\d+)?: not valid YAML"):
        parse_rule("mine/evil.yaml", text)


def test_config_file_with_a_python_tag_is_refused_naming_the_file(tmp_path: Path) -> None:
    from spamlint.config import load_config

    path = tmp_path / ".spamlint.yaml"
    path.write_text("threshold: !!python/object/apply:os.getpid []\n")
    with pytest.raises(spamlint.ConfigError, match=str(path)):
        load_config(path)


NETWORK_BAIT = (b'<!DOCTYPE html SYSTEM "http://dtd.example.com/x.dtd" [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                b'<html><head><link rel="stylesheet" href="https://css.example.com/a.css">'
                b'<style>@import url("https://css.example.com/b.css");</style></head><body>'
                b'<img src="https://img.example.com/p.png"><iframe src="https://frame.example.com/"></iframe>'
                b'<p style="background:url(https://bg.example.com/i.png)">Visit &xxe; <a href="https://bit.ly/x">here</a>'
                b"</p></body></html>")


def _no_network(*args: object, **kwargs: object) -> None:
    raise AssertionError("spamlint tried to use the network")


def test_linting_uses_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, _no_network)
    rules = [parse_rule(name, text) for name, text in builtin_rule_files()]  # loading rules fetches nothing either
    for data in (NETWORK_BAIT, NETWORK_BAIT.replace(b"Visit", b"Visite \xe9t\xe9"),  # not UTF-8: bs4 detects
                 message(NETWORK_BAIT, b"text/html"), *(p.read_bytes() for p in _samples())):
        assert isinstance(spamlint.lint(data, rules=rules), Report)


def test_html_entities_and_dtds_are_never_resolved() -> None:
    doc = spamlint.load_document(NETWORK_BAIT)
    text = doc.bodies[0].text
    assert "&xxe;" in text and "root:" not in text
    assert {i.src for i in doc.images} == {"https://img.example.com/p.png"}  # listed, never fetched


def _samples() -> list[Path]:
    return sorted((Path(__file__).parent.parent / "samples").glob("*.*"))


# -- the command line: a refused input is one line on stderr, the rest of the batch is linted --------
def test_cli_refuses_one_input_and_lints_the_others(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from spamlint.cli import main

    bad = tmp_path / "bad.html"
    bad.write_text("---\nsubject: [unclosed\n---\n<p>hi</p>")
    deep = tmp_path / "deep.eml"
    deep.write_bytes(deep_multipart(300))
    good = tmp_path / "good.html"
    good.write_text("<html><body><p>Thanks for your order.</p></body></html>")
    result = CliRunner().invoke(main, ["--show-passing", str(bad), str(deep), str(good)], catch_exceptions=False)
    assert result.exit_code == 2
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith("spamlint: ") and "bad.html" in errors[0]
    assert "Traceback" not in result.output + result.stderr
    assert "good.html" in result.stdout and "deep.eml" in result.stdout and "limit-reached" in result.stdout


# -- whole corpus (opt-in) --------------------------------------------------------------------------
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


@pytest.mark.corpus
@pytest.mark.skipif(not os.environ.get("SPAMLINT_CORPUS"), reason="opt-in: set SPAMLINT_CORPUS=1 to lint ../shared/corpus")
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS} (it lives in ../shared beside the repository)")
def test_whole_corpus_lints_without_errors() -> None:
    import subprocess
    import sys

    script = Path(__file__).resolve().parent.parent / "scripts" / "smoke_corpus.py"
    done = subprocess.run([sys.executable, str(script), str(CORPUS)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert " 0 errors" in done.stdout


# -- limits from a config file ----------------------------------------------------------------------
def test_config_file_sets_limits(tmp_path: Path) -> None:
    cfg = tmp_path / ".spamlint.yaml"
    cfg.write_text("limits:\n  max-links: 3\n  regex_timeout: 0.5\n")
    report = spamlint.lint(links(10), config=cfg)
    assert any(f.rule == "limit-reached" and "max_links=3" in f.message for f in report.findings)


@pytest.mark.parametrize(("text", "error"), [("limits: 5", "must map"), ("limits: {max_nodes: 1}", "unknown limit"),
                                             ("limits: {max_links: 0}", "above 0"), ("limits: {max_links: 1.5}", "whole number"),
                                             ("limits: {regex_timeout: .nan}", "above 0")])
def test_bad_limits_in_a_config_file_name_the_key(tmp_path: Path, text: str, error: str) -> None:
    from spamlint.config import load_config

    cfg = tmp_path / ".spamlint.yaml"
    cfg.write_text(text + "\n")
    with pytest.raises(spamlint.ConfigError, match=rf"{cfg}: key 'limits.*{error}"):
        load_config(cfg)


def test_cli_reads_limits_from_the_config_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from spamlint.cli import main

    (tmp_path / ".spamlint.yaml").write_text("limits:\n  max_input_bytes: 200\n")
    (tmp_path / "long.eml").write_bytes(message(b"hello " * 100))
    result = CliRunner().invoke(main, [str(tmp_path / "long.eml")], catch_exceptions=False)
    assert "limit-reached" in result.stdout and "max_input_bytes=200" in result.stdout


def test_linting_prints_nothing() -> None:
    import subprocess
    import sys

    code = ("import spamlint; [spamlint.lint(d) for d in ("
            "b'<html><body>\\x8d\\xff\\x81\\xfe\\x8d\\xfe\\x8f\\x8f\\xff\\x8d</body></html>',"  # bs4 replaces characters
            "b'From: a@b.c\\nContent-Type: text/html; charset=x-nope\\n\\n\\x8d\\xff\\x81\\xfe')]")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)  # no pytest log capture
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


@pytest.mark.parametrize(("source", "text"), [
    ('<p>a <b c="unclosed> tail', "a  tail"),  # a quote that never closes: the tag ends at `>`, as in browsers
    ('<td valign="top" ">\nshown</td>', " shown\n\n"),  # a stray quote (real newsletters have them)
    ('<p>a <b c="x', "a "),  # the file ends inside a tag: browsers show nothing more
    ("<p>x <évite> y</p> tail", "x <évite> y\n\n tail"),  # not a tag name: text
    ("<p>a < b and c</p> tail", "a < b and c\n\n tail"),
    ("<p>3 <4 tail</p>", "3 <4 tail\n\n"),
])
def test_markup_that_is_not_a_tag(source: str, text: str) -> None:
    from spamlint.inputs.html_text import parse_html

    assert parse_html(source, "text/html")[0].text.text == text
