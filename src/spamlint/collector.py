"""Pauses of the cyclic garbage collector around work whose objects all stay (imports, the rule pack).

Importing spamlint and building its rule pack make some 160,000 objects that live as long as the
process; the collector's passes over them while they are made find nothing to free.  `paused`
switches it off for such work and back on (if it was on) however the work ends; `then` says
what becomes of the objects made meanwhile before it resumes.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Callable, Iterator


@contextmanager
def paused(then: Callable[[], None] | None = None) -> Iterator[None]:
    """Run the body with the cyclic collector off; `then()` (if given) runs before it resumes."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if then is not None:
            then()
        if was_on:
            gc.enable()


def to_oldest() -> None:
    """Move every tracked object to the oldest generation without walking it (freeze, then unfreeze):
    only full collections look at them again.  Skipped when something else froze objects, since
    unfreezing would thaw them too."""
    if not gc.get_freeze_count():
        gc.freeze()
        gc.unfreeze()
