"""Hashbusting found through the canonical text: listed words in disguise, and runs of nonsense words."""

from __future__ import annotations

import re
from typing import Iterable, Iterator


from spamlint.checks.base import TEXT_SCOPES, Check, Option
from spamlint.model.document import Document
from spamlint.model.findings import Hit
from spamlint.text.facts import Context
from spamlint.text.canon import canonical_only
from spamlint.text.index import PhraseIndex
from spamlint.text.words import phrase_pattern
from spamlint.text.compiled import lazy
from spamlint.text.patterns import lazy_regex

_KINDS = ("leetspeak", "look-alike letters", "gaps", "invisible characters")


class DisguisedWordCheck(Check):
    """A word from `words` that only the normalised text shows: written with leet digits, look-alike
    letters, gaps or invisible characters (the disguises named in `kinds`)."""

    name = "disguised-word"
    scopes = TEXT_SCOPES
    max_hits = 5
    options = {
        "words": Option("list", required=True, doc="words and phrases that spammers disguise"),
        "kinds": Option("list", list(_KINDS), "disguises to report: " + ", ".join(_KINDS)),
    }

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.pattern = phrase_pattern(options["words"], lowered=True)
        self.index = PhraseIndex(options["words"])  # the raw matches are sought where they can start
        self.loose = phrase_pattern(options["words"], loose=True, lowered=True)
        self.kinds = frozenset(options["kinds"])

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        for seg in ctx.facts.segments(scope):
            if not seg.canonical.changed:
                continue
            spans = [m.span() for m in self.index.finditer(self.pattern, seg)]
            for start, end, word, how in canonical_only(seg, self.loose, spans):
                if how not in self.kinds:
                    continue
                yield Hit(**seg.hit(start, end, word=word.lower(), match=seg.text[start:end], how=how))


# pure-letter tokens that do not touch URL, address or identifier punctuation
_TOKEN = lazy_regex(r"(?<![\w@/.=#%&+\-])[A-Za-z]{5,}(?![\w@/=#%&+\-])")
_VOWELS = frozenset("aeiouyAEIOUY")
# a cheap first pass: a random-looking token holds five consonants in a row or three rare letters.
# Two scans, each starting with a plain character class the engine can skip ahead to, are faster
# than one alternation; ASCII text is first mapped to its letter shape (c consonant, v vowel,
# space for anything else) where str.find looks for five consonants faster still
_CONSONANTS = lazy(r"[b-df-hj-np-tv-xzB-DF-HJ-NP-TV-XZ][b-df-hj-np-tv-xzB-DF-HJ-NP-TV-XZ]{4}")
# three rare letters in one run of letters; each atomic step reaches only the next rare letter, so
# a long run that lacks the third is given up in one pass instead of backtracked over (quadratic)
_RARE_LETTERS = lazy(r"[qxzjQXZJ](?>[a-zA-Z]*?[qxzjQXZJ])(?>[a-zA-Z]*?[qxzjQXZJ])")
_SHAPE = str.maketrans({chr(i): "v" if chr(i) in _VOWELS else "c" if chr(i).isalpha() else " " for i in range(128)})
_RARE = frozenset("qxzj")


def looks_random(token: str) -> bool:
    """True for a letter string unlike any word: no vowels, long consonant runs, three of q x z j.

    Capitalised acronyms and camelCase names are never random; callers pass pure ASCII letters.
    Technical text is not random either: hex values (ffffffffffffffda), stretched letters
    (Rrrrriiight), the alphabet in order; nor are long compounds whose consonant runs are
    made of pairs that European languages join (German "Verschuldungsstruktur": n-g-s-s-t-r).
    """
    if token.isupper() or not (token.islower() or token[1:].islower()) or _technical(token.lower()):
        return False
    vowels = sum(c in _VOWELS for c in token)
    if vowels == 0:
        return len(token) >= 6
    run = best = 0
    for c in _CLUSTERS.sub("C", token.lower()):
        run = 0 if c in _VOWELS else run + 1
        best = max(best, run)
    if best >= 6 or (best >= 5 and len(token) >= 10 and vowels / len(token) < 0.2):
        return not _pronounceable(token.lower())
    return len(_RARE.intersection(token.lower())) >= 3


# letter groups that stand for one sound, so "durchschnittlich" has no six-consonant run
_CLUSTERS = lazy(r"sch|ch|ck|ph|th|sh")
_HEX = frozenset("abcdef")
_STRETCH = lazy(r"([a-z])\1{3}")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


# consonant pairs common inside and between the syllables of English, German, Dutch and the
# Romance languages; random letters soon pair two that no word joins (x-k, n-b, t-j, q-w)
_COMMON_PAIRS = frozenset("""
    bl br bs bt ch ck cl cr cs ct dl dr ds dt dw fl fr fs ft ff fn gh gl gn gr gs gt hl hm hn hr hs ht hw
    kl kn kr ks kt lb lc ld lf lg lh lk ll lm ln lp ls lt lv lz mb mm mn mp ms mt nc nd nf ng nh nk nl nn
    nr ns nt nv nw nz pf ph pl pp pr ps pt rb rc rd rf rg rh rk rl rm rn rp rr rs rt rv rw rz sb sc sd sf
    sg sh sk sl sm sn sp ss st sw sz th tl tm tn tr ts tt tw tz vr wn wr ws wt zt zw
""".split())
_CONSONANT_RUN = lazy(r"[b-df-hj-np-tv-xz]{4,}")


def _pronounceable(lower: str) -> bool:
    """True when every long consonant run of a word is made of commonly joined pairs."""
    return all(all(run[i:i + 2] in _COMMON_PAIRS for i in range(len(run) - 1))
               for run in _CONSONANT_RUN.findall(lower))


def _technical(lower: str) -> bool:
    """A lower-case token that is a hex value, a stretched word or a stretch of the alphabet."""
    return (set(lower) <= _HEX or _STRETCH.search(lower) is not None
            or (len(lower) >= 6 and lower in _ALPHABET))


class NonsenseCheck(Check):
    """Random-looking letter strings: `min_run` of them among `window` words, or one of `long_token`
    letters or more. Digits, mixed case, URLs and addresses are left alone, so base64, ids,
    hex colours and links never count."""

    name = "nonsense-words"
    scopes = TEXT_SCOPES
    max_hits = 2
    options = {
        "min_run": Option("int", 3, "random-looking words needed within the window"),
        "window": Option("int", 5, "words in the sliding window"),
        "long_token": Option("int", 16, "a random-looking word this long counts alone"),
    }

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        for seg in ctx.facts.segments(scope):
            for start, end, count in self._runs(seg.text):
                yield Hit(**seg.hit(start, end, count=count))

    def _runs(self, text: str) -> Iterable[tuple[int, int, int]]:
        flagged = _random_tokens(text)
        need, window, i = self.opts["min_run"], self.opts["window"], 0
        while i < len(flagged):
            m = flagged[i]
            if m[1] - m[0] >= self.opts["long_token"]:
                yield m[0], m[1], 1
                i += 1
                continue
            j = i + need - 1
            if j < len(flagged) and _words_between(text, m[0], flagged[j][1]) <= window:
                yield m[0], flagged[j][1], need
                i = j + 1
                continue
            i += 1


_ASCII_LETTERS = lazy(r"[A-Za-z]*")


def _random_tokens(text: str) -> list[tuple[int, int]]:
    """Spans of random-looking tokens; only tokens with a consonant cluster or rare letters are judged."""
    out: list[tuple[int, int]] = []
    for start in sorted(set(_hinted_runs(text))):
        m = _TOKEN.match(text, start)
        if m is not None and looks_random(m.group()):
            out.append(m.span())
    return out


def _plain_random_tokens(text: str) -> list[tuple[int, int]]:
    """_random_tokens written plainly: every token, judged: the reference it must equal."""
    return [m.span() for m in _TOKEN.finditer(text) if looks_random(m.group())]


def _hinted_runs(text: str) -> Iterator[int]:
    """Where the runs of ASCII letters that hold five consonants in a row or three rare letters start."""
    yield from _run_starts(text, _RARE_LETTERS.finditer(text))
    if not text.isascii():
        yield from _run_starts(text, _CONSONANTS.finditer(text))
        return
    shape = text.translate(_SHAPE)
    i = shape.find("ccccc")
    while i != -1:
        yield shape.rfind(" ", 0, i) + 1
        end = shape.find(" ", i)
        i = shape.find("ccccc", end) if end != -1 else -1


def _run_starts(text: str, hints: Iterable[re.Match[str]]) -> Iterator[int]:
    """The start of the run of ASCII letters around each hint, once per run: walking back from
    every hint of one long run would be quadratic ('é ' + 'bcdfg' * 16000 took 77 s)."""
    end = -1
    for hint in hints:
        i = hint.start()
        if i < end:
            continue  # inside the run just yielded
        yield _run_start(text, i)
        end = _ASCII_LETTERS.match(text, i).end()


def _run_start(text: str, i: int) -> int:
    while i > 0 and text[i - 1].isascii() and text[i - 1].isalpha():
        i -= 1
    return i


def _words_between(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())
