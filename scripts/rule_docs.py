"""Write docs/rules/ from rules/*.yaml: one page per built-in rule and an index (README.md).

Run from the repository root after changing a rule's text or examples, or adding one:
    python scripts/rule_docs.py            # write the pages
    python scripts/rule_docs.py --check    # exit 1 naming the pages that are stale
tests/test_rule_docs.py fails while the committed pages differ from what this writes.
Each rule's documentation address (SARIF helpUri, `spamlint rules ID`) points at its page.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from spamlint.engine.rules import builtin_rules
from spamlint.formatters.rule_docs import rule_index, rule_page

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "rules"


def expected() -> dict[Path, str]:
    """Every page the rule pack calls for, by path."""
    rules = builtin_rules()
    pages = {OUT / f"{r.id}.md": rule_page(r, f"../../{r.source}") for r in rules}
    pages[OUT / "README.md"] = rule_index(rules)
    return pages


def stale() -> list[str]:
    """Pages missing, different, or left over from a removed rule (paths relative to the root)."""
    pages = expected()
    wrong = [p for p, text in pages.items() if not p.is_file() or p.read_text(encoding="utf-8") != text]
    extra = [p for p in OUT.glob("*.md") if p not in pages] if OUT.is_dir() else []
    return sorted(str(p.relative_to(ROOT)) for p in wrong + extra)


def write() -> int:
    """Write the pages and remove those of rules that no longer exist; the number of files changed."""
    changed = stale()
    OUT.mkdir(parents=True, exist_ok=True)
    pages = expected()
    for path, text in pages.items():
        path.write_text(text, encoding="utf-8")
    for path in OUT.glob("*.md"):
        if path not in pages:
            path.unlink()
    return len(changed)


def main() -> None:
    """Write docs/rules/, or with --check only report what is stale."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a page is stale; write nothing")
    args = parser.parse_args()
    if args.check:
        bad = stale()
        for path in bad:
            print(f"stale: {path}")
        sys.exit(1 if bad else 0)
    print(f"docs/rules: {write()} file(s) written or removed")


if __name__ == "__main__":
    main()
