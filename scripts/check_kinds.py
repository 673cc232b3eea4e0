"""Table of check kinds: the rules using each, what it looks at (a rule's scope or the kind's fixed part),
its options and its default max_hits; then the counts.

    python scripts/check_kinds.py
"""

from __future__ import annotations

from collections import defaultdict

from spamlint.checks import CHECKS
from spamlint.engine.rules import builtin_rules


def main() -> None:
    """Print one row per check kind and a summary line."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for rule in builtin_rules():
        by_kind[rule.check_name].append(rule.id)
    for name, cls in sorted(CHECKS.items()):
        looks = f"scope: {', '.join(sorted(cls.scopes))}" if cls.scopes else f"looks at: {', '.join(cls.looks_at)}"
        print(f"{name:<22} {len(by_kind[name]):>2} rules  {looks:<36} max_hits {cls.max_hits}  "
              f"options: {', '.join(cls.options) or '-'}")
        print(f"{'':<22} {', '.join(sorted(by_kind[name])) or '(no built-in rule)'}")
    single = sum(1 for name in CHECKS if len(by_kind[name]) == 1)
    scoped = sum(1 for cls in CHECKS.values() if cls.scopes)
    print(f"\n{len(CHECKS)} kinds, {sum(map(len, by_kind.values()))} rules, {single} kinds with a single rule, "
          f"{scoped} kinds take a scope")


if __name__ == "__main__":
    main()
