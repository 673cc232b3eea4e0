"""Coverage-guided fuzzing of spamlint.lint with atheris (libFuzzer for Python).

    pip install atheris
    python fuzz/fuzz_lint.py -max_total_time=600 -rss_limit_mb=2048 -timeout=10 fuzz/corpus

Any exception that is not a SpamlintError is a crash; so is a run over -timeout seconds or
-rss_limit_mb megabytes.  libFuzzer writes the input as crash-*/timeout-*/oom-*: add it to
tests/test_robustness.py (CASES, built in memory) and fix it.  See fuzz/README.md.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    import spamlint
    from spamlint import Limits, SpamlintError

# Small limits reach the limit paths often; a second pass with defaults covers the rest.
TIGHT = Limits(max_mime_depth=3, max_mime_parts=8, max_part_bytes=4096, max_header_bytes=512,
               max_html_nodes=64, max_html_depth=8, max_links=4, max_images=4, regex_timeout=0.5,
               search_factor=1, min_search_chars=256)


def test_one_input(data: bytes) -> None:
    """One fuzz case: the bytes as a message or template, with tight and default limits."""
    for limits in (TIGHT, None):
        try:
            report = spamlint.lint(data, name="fuzz.eml" if data[:1] != b"<" else "fuzz.html", limits=limits)
        except SpamlintError:
            return  # a documented refusal
        for finding in report.findings:
            if (finding.line is not None and finding.line < 1) or (finding.column is not None and finding.column < 1):
                raise AssertionError(f"bad position in {finding}")


def main() -> None:
    """Run libFuzzer over test_one_input."""
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
