"""Hypothesis strategies that more than one test file draws from."""

from __future__ import annotations

from typing import Sequence

from hypothesis import strategies as st

GROUPS = ("(?:", "(", "(?=", "(?!", "(?<=", "(?<!", "(?i:")  # openers every pattern test uses
LOOK_AROUNDS = ("(?=", "(?!", "(?<")  # openers that take no quantifier


def regex_patterns(atoms: Sequence[str], quants: Sequence[str], extra_group: str,
                   branches: tuple[int, int]) -> st.SearchStrategy[str]:
    """regex V0 patterns of up to `branches[0]` top-level branches (`branches[1]` in a group, nested
    two deep): atoms with quantifiers, groups, look-arounds, and an inline flag at the front."""

    @st.composite
    def patterns(draw: st.DrawFn, depth: int = 0) -> str:
        out = []
        for _ in range(draw(st.integers(1, branches[0] if depth == 0 else branches[1]))):
            items = []
            for _ in range(draw(st.integers(0, 4))):
                if depth < 2 and draw(st.integers(0, 5)) == 0:
                    kind = draw(st.sampled_from([*GROUPS, extra_group]))
                    item = kind + draw(patterns(depth + 1)) + ")"
                else:
                    item = draw(st.sampled_from(atoms))
                items.append(item + (draw(st.sampled_from(quants)) if not item.startswith(LOOK_AROUNDS) else ""))
            out.append("".join(items))
        return draw(st.sampled_from(["", "", "(?i)", "(?x)"])) * (depth == 0) + "|".join(out)

    return patterns()
