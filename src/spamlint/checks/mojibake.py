"""Garbled text: bytes decoded in the wrong character set, which the reader sees as noise."""

from __future__ import annotations

from typing import Iterable


from spamlint.checks.base import TEXT_SCOPES, Check, Option
from spamlint.model.document import Document
from spamlint.model.findings import Hit
from spamlint.text.facts import Context
from spamlint.text.patterns import lazy_regex

# Characters a wrong single-byte decoding produces: Latin-1 and Latin Extended letters and
# symbols, and the Windows-1252 extras (‚ƒ„…†‡ˆ‰Š‹Œ‘’“”•–—˜™š›œž).  No-break space and soft
# hyphen are left out: runs of those are spacing or hashbusting, not a charset mistake.
_GARBLE = (r"\u00a1-\u00ac\u00ae-\u02ff\u2010-\u2044\u20ac\u2122")
_RUN = lazy_regex(rf"[{_GARBLE}]{{3,}}")
# UTF-8 read as Latin-1 or Windows-1252: a lead byte shown as Â or Ã, then a continuation byte.
_UTF8_AS_LATIN = lazy_regex(r"[ÂÃ][\u0080-\u00bf\u2010-\u2044\u20ac\u2122\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192]")


def _garbled_runs(text: str) -> Iterable[tuple[int, int]]:
    """Spans of text that read as mis-decoded bytes."""
    for m in _UTF8_AS_LATIN.finditer(text):
        yield m.span()
    for m in _RUN.finditer(text):
        run = m.group()
        # a word in a Latin language is letters; one repeated sign ("²²²²") is decoration
        if len(set(run)) > 1 and not run.isalpha() and not _UTF8_AS_LATIN.search(run):
            yield m.span()


class MojibakeCheck(Check):
    """Text with several runs of characters that a wrong charset decoding produces."""

    name = "mojibake"
    scopes = TEXT_SCOPES
    options = {
        "min_runs": Option("int", 3, "garbled runs a segment needs before it is reported"),
    }

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        for seg in ctx.facts.segments(scope):
            if seg.text.isascii():
                continue
            spans = sorted(_garbled_runs(seg.text))
            if len(spans) >= self.opts["min_runs"]:
                start, end = spans[0]
                yield Hit(**seg.hit(start, end, count=len(spans), sample=seg.text[start:end]))
