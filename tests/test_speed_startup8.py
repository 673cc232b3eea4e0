"""Issue 15's start-up, fifth pass, third round: each fast path gives what the plain definition it replaces gives.

The Received trail's and the authentication results' modules (text/received.py, text/authres.py)
read only a message's headers, so the checks and the engine import them on first use: a
template's run never does.  Their module-level patterns still go into the rule-pack cache (a
template's run may be the one that writes it), and a message's run gives the report it gave when
they were imported with everything else.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spamlint.engine import run
from spamlint.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "samples" / "welcome-template.html"
LAZY = ("spamlint.text.received", "spamlint.text.authres")

# a message whose trail and results the rules read: an SPF failure the receiver recorded, a
# Date far ahead of the receiver's clock, a sender's own hop below the receiver's
MESSAGE = """\
Authentication-Results: mx.receiver.example; spf=fail (domain of bounce@bank.example does not designate 185.12.64.7 as permitted sender) smtp.mailfrom=bounce@bank.example
Received: from adsl-185-12-64-7.dyn.shop.example (adsl-185-12-64-7.dyn.shop.example [185.12.64.7])
        by mx.receiver.example (Postfix) with ESMTP id 4A1B2C3D
        for <you@receiver.example>; Tue, 25 Jun 2024 10:09:18 +0200 (CEST)
Received: from [10.1.2.3] by adsl-185-12-64-7.dyn.shop.example with ESMTPSA id 77; Tue, 25 Jun 2024 10:09:17 +0200
From: Bank <alerts@bank.example>
To: you@receiver.example
Date: Tue, 02 Jul 2024 10:09:18 +0200
Subject: Account notice

Hello, please confirm your account details today.
"""


def _env(tmp: Path) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "SPAMLINT_NO_CACHE"} | {"XDG_CACHE_HOME": str(tmp / "xdg")}


def _run(path: str, tmp: Path, *args: str, first: str = "") -> tuple[str, list[str], list[str]]:
    """The JSON report of one CLI run (after `first`, Python run before it), which of LAZY it
    imported, and the stdlib patterns it compiled afresh (none: each came from the cache's code)."""
    code = (f"import sys, runpy\n{first}\nsys.argv = ['spamlint', '--format', 'json', *{list(args)!r}, {path!r}]\n"
            "try:\n    runpy.run_module('spamlint', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "from spamlint.text import compiled\n"
            f"print([m for m in {LAZY!r} if m in sys.modules])\n"
            "print(sorted(k[0] for k in compiled.made))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                          env=_env(tmp))
    *report, imported, made = done.stdout.strip().splitlines()
    return "\n".join(report), eval(imported), eval(made)  # noqa: S307 - our own subprocess's lists of str


def test_a_template_run_imports_neither_the_trail_nor_the_results_module(tmp_path: Path) -> None:
    written, imported_writing, _ = _run(str(TEMPLATE), tmp_path)  # writes the rule-pack cache
    report, imported, made = _run(str(TEMPLATE), tmp_path)  # reads it
    assert report == written and '"findings"' in report
    assert imported == [] and made == []
    assert imported_writing == list(LAZY)  # the run writing the cache imports them, for their patterns


def test_a_message_run_after_a_template_wrote_the_cache_compiles_none_of_their_patterns(tmp_path: Path) -> None:
    message = tmp_path / "notice.eml"
    message.write_text(MESSAGE)
    _run(str(TEMPLATE), tmp_path)  # a template's run writes the cache
    report, imported, made = _run(str(message), tmp_path)
    assert imported == list(LAZY)  # the message's trail and results were read
    assert made == []  # their module-level patterns came from the cache the template's run wrote


def test_the_cache_keeps_every_module_level_pattern_of_the_lazily_imported_modules(tmp_path: Path) -> None:
    _run(str(TEMPLATE), tmp_path)
    code = ("from spamlint.engine import rules\nrules.builtin_rules()\nfrom spamlint.text import compiled\n"
            "before = set(compiled._deferred)\nimport spamlint.text.received, spamlint.text.authres\n"
            "theirs = [k for k in compiled._deferred if k not in before]\n"
            "print(len(theirs), [k[0] for k in theirs if k not in compiled._known])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                          env=_env(tmp_path))
    count, missing = done.stdout.split(" ", 1)
    assert int(count) > 10 and missing.strip() == "[]"


@pytest.mark.parametrize("args", [(), ("--select", "spf-fail,date-in-future,from-not-aligned")])
def test_a_message_run_gives_what_importing_them_eagerly_gives(tmp_path: Path, args: tuple[str, ...]) -> None:
    message = tmp_path / "notice.eml"
    message.write_text(MESSAGE)
    _run(str(TEMPLATE), tmp_path)
    eager = "import spamlint.text.received, spamlint.text.authres  # as the build before this round did"
    lazy_report, _, _ = _run(str(message), tmp_path, *args)
    eager_report, imported, _ = _run(str(message), tmp_path, *args, first=eager)
    assert imported == list(LAZY) and lazy_report == eager_report
    rules_hit = {f["rule"] for r in json.loads(lazy_report)["results"] for f in r["findings"]}
    assert {"spf-fail", "date-in-future"} <= rules_hit  # the trail and the results were read, not skipped


def test_trusted_networks_still_reach_the_trail(tmp_path: Path) -> None:
    message = tmp_path / "notice.eml"
    message.write_text(MESSAGE)
    (tmp_path / "conf").mkdir()
    config = tmp_path / "conf" / ".spamlint.yaml"  # not beside the message, where the first run would find it
    # the receiver's own relay trusted: the entry hop moves down to the sender's own, whose results are not the receiver's
    config.write_text("trusted-networks: [185.12.64.0/24]\n")
    plain, _, _ = _run(str(message), tmp_path)
    trusted, _, _ = _run(str(message), tmp_path, "--config", str(config))
    assert plain != trusted


_CIDRS = st.lists(st.one_of(st.sampled_from(["10.0.0.0/8", " 192.168.1.7/24 ", "::1", "2001:db8::/32", "1.2.3.4",
                                             "not-a-net", "300.1.1.1", ""]),
                            st.text(alphabet="0123456789./:abcdef ", max_size=12)), max_size=4)


@settings(max_examples=200, deadline=None)
@given(_CIDRS)
def test_networks_is_parse_networks(cidrs: list[str]) -> None:
    from spamlint.text.received import parse_networks

    try:
        plain = parse_networks(cidrs)
    except ValueError as err:
        with pytest.raises(ValueError) as raised:
            run._networks(cidrs)
        assert str(raised.value) == str(err)
    else:
        assert run._networks(cidrs) == plain and type(run._networks(cidrs)) is tuple


def test_an_engine_without_networks_imports_no_trail_module_and_a_bad_one_still_names_it(tmp_path: Path) -> None:
    code = ("import sys\nfrom spamlint.engine.run import Engine\nfrom spamlint.engine.rules import builtin_rules\n"
            "e = Engine(builtin_rules())\nprint(e.trusted_networks, 'spamlint.text.received' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                           env=_env(tmp_path)).stdout.split() for _ in range(2)]
    assert runs == [["()", "True"], ["()", "False"]]  # the first run wrote the cache (imported them for it)
    from spamlint.engine.rules import builtin_rules

    with pytest.raises(ConfigError, match="trusted_networks: not an IP network: 'x'"):
        run.Engine(builtin_rules(), trusted_networks=["x"])


# -- text/compiled.py: the patterns' code packed by binascii, as base64 packed it --------------------------
@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_code_is_packed_as_b64encode_packs_it(data: bytes) -> None:
    import base64
    import binascii

    assert binascii.b2a_base64(data, newline=False).decode("ascii") == base64.b64encode(data).decode("ascii")


def _outcome(decode: object, packed: object) -> object:
    try:
        return decode(packed)  # type: ignore[operator]
    except Exception as err:  # noqa: BLE001 - the kind of failure is what is compared
        return ValueError if isinstance(err, ValueError) else type(err)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=60).map(lambda b: __import__("base64").b64encode(b).decode("ascii")),
                 st.text(alphabet="ABCabc019+/= \n\u00e9-_", max_size=24), st.binary(max_size=24),
                 st.integers(), st.none()))
def test_code_is_unpacked_as_b64decode_with_validate_unpacks_it(packed: object) -> None:
    import base64
    import binascii

    plain = _outcome(lambda p: base64.b64decode(p, validate=True), packed)
    fast = _outcome(lambda p: binascii.a2b_base64(p, strict_mode=True), packed)
    assert fast == plain  # the same bytes, or a failure _build's callers catch alike (ValueError, TypeError)


def test_patterns_built_from_kept_code_equal_re_compile() -> None:
    from spamlint.text import compiled

    for source, flags in [(r"(?P<w>\w+)@(\w+)", int(re.IGNORECASE)), ("caf\u00e9|[a-z]{3,}\\d", 0), (r"\bfree\b", 0)]:
        entry = compiled._generate(source, flags)
        assert compiled._build(entry) == re.compile(source, flags)


def _imported_by_a_template_run(tmp: Path, *modules: str) -> list[str]:
    """Which of `modules` a text-format template run imports, once a run has written the cache."""
    _run(str(TEMPLATE), tmp)
    code = ("import sys, runpy; sys.argv = ['spamlint', " + repr(str(TEMPLATE)) + "]\n"
            "try:\n    runpy.run_module('spamlint', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            f"print([m for m in {modules!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                          env=_env(tmp))
    return ast.literal_eval(done.stdout.strip().splitlines()[-1])


def test_a_template_run_imports_no_base64(tmp_path: Path) -> None:
    assert _imported_by_a_template_run(tmp_path, "base64", "struct") == []


# -- cli/check.py: the baseline module imported only when --baseline is given ------------------------------
def test_only_a_baseline_run_imports_the_baseline_module(tmp_path: Path) -> None:
    message = tmp_path / "notice.eml"
    message.write_text(MESSAGE)
    baseline = tmp_path / "baseline.json"

    def modules_and_report(*args: str) -> tuple[str, str]:
        code = (f"import sys, runpy; sys.argv = ['spamlint', '--format', 'json', *{list(args)!r}, {str(message)!r}]\n"
                "try:\n    runpy.run_module('spamlint', run_name='__main__')\nexcept SystemExit:\n    pass\n"
                "print('spamlint.engine.baseline' in sys.modules)")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                              env=_env(tmp_path))
        *report, imported = done.stdout.strip().splitlines()
        return imported, "\n".join(report)

    imported, plain = modules_and_report()
    assert imported == "False" and json.loads(plain)["results"][0]["findings"]
    imported, _ = modules_and_report("--baseline", str(baseline))  # writes it
    assert imported == "True" and baseline.exists()
    imported, kept = modules_and_report("--baseline", str(baseline))  # reads it: every finding recorded
    assert imported == "True" and json.loads(kept)["results"][0]["findings"] == []


# -- text/normalize.py: heapq imported when a text's changes are first merged -----------------------------
@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="fre3 1@0$v|aсеοіl\u200b.-_ ", max_size=60))
def test_changes_are_every_maps_changes_in_order(raw: str) -> None:
    from spamlint.text.normalize import Spans, canonical

    canon = canonical(raw)
    plain = Spans()  # the plain definition: every map's changes in canonical offsets, sorted, merged in turn
    for start, end in sorted(span for k in range(len(canon._maps)) for span in canon._mapped(k)):
        plain.add(start, end)
    assert list(canon.changes) == list(plain)
    assert canon.changed == bool(canon._maps)


def test_a_template_run_imports_no_heapq(tmp_path: Path) -> None:
    assert _imported_by_a_template_run(tmp_path, "heapq") == []


# -- checks/caps.py and inputs/decoding.py: their patterns from the rule-pack cache's code -----------------
@pytest.mark.parametrize("options", [{}, {"min_word_length": 1}, {"min_word_length": 5, "min_words": 2}])
def test_caps_patterns_are_re_compiles(options: dict[str, int]) -> None:
    from spamlint.checks.caps import AllCapsCheck, CapsWordsCheck

    for kind in (AllCapsCheck, CapsWordsCheck):
        check = kind({**{key: opt.default for key, opt in kind.options.items()}, **options})
        n = max(check.opts["min_word_length"], 1)
        assert check.caps_word == re.compile(f"[A-Z][A-Z']{{{n - 1}}}")
        assert check.lower_run == (re.compile(f"[a-z]{{{n}}}") if check.all_words else None)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0xdc70, max_codepoint=0xdd10) | st.sampled_from("aé\u00ff"),
               max_size=8))
def test_the_surrogate_search_is_re_compiles(value: str) -> None:
    from spamlint.inputs import decoding

    plain = re.compile("[\udc80-\udcff]").search(value)
    fast = decoding._SURROGATE.search(value)
    assert (fast and fast.span()) == (plain and plain.span())


def test_a_template_run_compiles_no_pattern_with_re(tmp_path: Path) -> None:
    _run(str(TEMPLATE), tmp_path)
    code = ("import sys, runpy, re\ncompiled = []\nplain = re._compile\n"
            "re._compile = lambda p, f: compiled.append(p) or plain(p, f)\n"
            "sys.argv = ['spamlint', " + repr(str(TEMPLATE)) + "]\n"
            "try:\n    runpy.run_module('spamlint', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print(sorted({p for p in compiled if isinstance(p, str)}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                          env=_env(tmp_path))
    found = eval(done.stdout.strip().splitlines()[-1])  # noqa: S307 - our own subprocess's list of str
    assert not [p for p in found if p.startswith(("[A-Z][A-Z']", "[a-z]{", "[\udc80"))]
