"""Issue 15's second start-up pass gives what the plain definitions it replaces give.

The cache's digests use the stdlib's BLAKE2b without hashlib (which loads OpenSSL); a
PhraseIndex finds its words in one pass and makes its lookups on first use.  Each is held
here to the definition it replaces.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spamlint.checks.phrases import PhrasesCheck, phrase_gate
from spamlint.engine import cache, rules
from spamlint.text import compiled
from spamlint.text.index import PhraseIndex

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROOT = Path(__file__).resolve().parent.parent
_TOKEN = re.compile(r"\w+")


# -- text/compiled.py: digest is hashlib's 128-bit BLAKE2b ---------------------------------------------
@FAST
@given(st.lists(st.binary(max_size=300), max_size=5))
@example([b""])
@example([b"a" * 1000, b"\0\xff"])
def test_digest_is_hashlibs_blake2b(chunks: list[bytes]) -> None:
    ours, theirs = compiled.digest(), hashlib.blake2b(digest_size=16)
    for chunk in chunks:
        ours.update(chunk)
        theirs.update(chunk)
    assert ours.hexdigest() == theirs.hexdigest()
    assert compiled.digest(b"".join(chunks)).hexdigest() == theirs.hexdigest()
    assert len(theirs.hexdigest()) == 32


def test_the_cache_file_name_is_the_hashlib_digest(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import regex

    from spamlint._version import __version__

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    files = [("rules/a.yaml", "id: a\n"), ("rules/b.yaml", "caf\u00e9 \udce9\n")]
    digest = hashlib.blake2b(digest_size=16)
    for part in (f"format {cache._FORMAT}", __version__, sys.version, sys.implementation.cache_tag or "",
                 regex.__version__):
        digest.update(part.encode() + b"\0")
    for name, text in files:
        digest.update(name.encode() + b"\0" + text.encode("utf-8", "surrogatepass") + b"\0")
    assert cache.cache_file(files) == tmp_path / "spamlint" / f"rulepack-{digest.hexdigest()}.json"


def test_a_template_run_imports_neither_hashlib_nor_the_dns_record() -> None:
    unused = ("hashlib", "_hashlib", "spamlint.model.domain")  # DnsProblem: only --online runs make one
    code = ("import sys, runpy; sys.argv = ['spamlint', 'samples/welcome-template.html']\n"
            "try:\n    runpy.run_module('spamlint', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in sys.modules if m in {unused!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "[]"


# -- text/index.py: PhraseIndex as it was built before ---------------------------------------------------
def _plain_index(phrases: list[str]) -> dict[str, Any]:
    """PhraseIndex's fields as its earlier, eager constructor computed them."""
    phrases = [" ".join(k.lower().split()) for k in phrases]
    firsts: dict[frozenset[str], set[str]] = {}
    for k in phrases:
        first = _TOKEN.match(k)
        firsts.setdefault(frozenset(_TOKEN.findall(k)), set()).update([first.group()] if first else [])
    by_anchor: dict[str, list[tuple[frozenset[str], frozenset[str]]]] = {}
    for n, f in firsts.items():
        if len(n) > 1:
            by_anchor.setdefault(max(n, key=len), []).append((n, frozenset(f)))
    unanchored = [k for k in phrases if not _TOKEN.match(k)]
    return {
        "always": frozenset() in firsts,
        "needs": {n: frozenset(f) for n, f in firsts.items()},
        "one_word": frozenset(w for n in firsts if len(n) == 1 for w in n),
        "one_word_firsts": frozenset(w for n, f in firsts.items() if len(n) == 1 for w in f),
        # which longest word a set is filed under is the max() of its iteration: compare the contents
        "by_anchor": sorted((sorted(n), sorted(f)) for items in by_anchor.values() for n, f in items),
        "anchor_ok": all(a in n and all(len(a) >= len(w) for w in n) for a, items in by_anchor.items()
                         for n, _ in items),
        "unanchored": unanchored,
        "leads": frozenset(k[0] for k in unanchored) if all(unanchored) else None,
    }


def _fields(index: PhraseIndex) -> dict[str, Any]:
    return {
        "always": index.always, "needs": index.needs, "one_word": index.one_word,
        "one_word_firsts": index.one_word_firsts,
        "by_anchor": sorted((sorted(n), sorted(f)) for items in index.by_anchor.values() for n, f in items),
        "anchor_ok": all(a in n and all(len(a) >= len(w) for w in n) for a, items in index.by_anchor.items()
                         for n, _ in items) and index.anchors == frozenset(index.by_anchor),
        "unanchored": index.unanchored, "leads": index.leads,
    }


_PHRASE = st.text(st.sampled_from("ab \u00e9$!-'\u0130\u00df\t\u2019x1_"), max_size=12)


@FAST
@given(st.lists(_PHRASE, max_size=12))
@example(["$$$", "free money", "Free  MONEY", "money", "100% free"])
@example(["", "a"])
@example(["\u0130stanbul", "stra\u00dfe", "-x y", "x-y"])
def test_a_phrase_index_is_what_the_eager_constructor_built(phrases: list[str]) -> None:
    assert _fields(PhraseIndex(phrases)) == _plain_index(phrases)


def test_every_built_in_phrase_list_indexes_as_before() -> None:
    checks = [r.check for r in rules.builtin_rules() if isinstance(r.check, PhrasesCheck)]
    assert len(checks) > 40
    for check in checks:
        for phrases in ([*check.weights, *check.aliases], list(check.by_folded)):
            assert _fields(PhraseIndex(phrases)) == _plain_index(phrases)


def test_the_gate_does_not_make_the_lazy_lookups() -> None:
    built = [rules.parse_rule(name, text) for name, text in rules.builtin_rule_files()]  # fresh checks
    phrase_checks = [r.check for r in built if isinstance(r.check, PhrasesCheck)]
    assert phrase_gate(phrase_checks) is not None
    for c in phrase_checks:
        for index in (c.needs, c.loose_needs):
            assert not {"one_word", "one_word_firsts", "by_anchor", "anchors"} & set(vars(index))
