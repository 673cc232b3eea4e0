"""Worker processes for `-j N` that survive losing one.

A pool that hands out inputs in chunks cannot say which input a dead worker held, and
multiprocessing.Pool waits forever for it.  Here each worker holds one input at a time, so a
worker killed from outside (the OOM killer's SIGKILL) costs exactly that input: it is reported
as not linted, a fresh worker takes its place, and the batch goes on.  Results come back in
input order.
"""

from __future__ import annotations

import signal
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterable, Iterator, Optional

Task = tuple[int, Any]  # (position in the batch, source)


def _serve(conn: Connection, init: Callable[[Any], None], initarg: Any, work: Callable[[Any], Any]) -> None:
    """A worker's life: set up once, then lint one source per message until told to stop."""
    init(initarg)
    while True:
        try:
            task = conn.recv()
        except EOFError:  # the parent went away
            return
        if task is None:
            return
        index, source = task
        conn.send((index, work(source)))


class _Worker:
    """One worker process, its end of the pipe, and the task it holds (None when idle)."""

    def __init__(self, context: Any, init: Callable[[Any], None], initarg: Any, work: Callable[[Any], Any]) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, init, initarg, work), daemon=True)
        self.process.start()
        child.close()
        self.task: Optional[Task] = None

    def give(self, task: Task) -> bool:
        """Hand over a task; False when the worker is already gone."""
        self.task = task
        try:
            self.conn.send(task)
        except (BrokenPipeError, ConnectionResetError, EOFError, OSError):
            return False
        return True

    def stop(self) -> None:
        """Ask the worker to finish, and make sure it does."""
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def lost(source: Any, exitcode: Optional[int]) -> str:
    """The one-line error for an input whose worker died while linting it."""
    if exitcode is not None and exitcode < 0:
        try:
            how = f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"killed by signal {-exitcode}"
    else:
        how = f"exit code {exitcode}"
    return f"{source.name}: not linted: its worker process was lost ({how}; out of memory?)"


def in_workers(sources: Iterable[Any], jobs: int, context: Any, init: Callable[[Any], None], initarg: Any,
               work: Callable[[Any], Any], failure: Callable[[str], Any]) -> Iterator[Any]:
    """work(source) for every source, in order, spread over `jobs` processes made by `context`.

    An input whose worker dies gives failure(message) instead of a result.
    """
    pending = iter(enumerate(sources))
    done: dict[int, Any] = {}
    upcoming = 0
    workers = [_Worker(context, init, initarg, work) for _ in range(max(1, jobs))]
    try:
        for i, w in enumerate(workers):
            workers[i] = _feed(w, pending, context, init, initarg, work)
        while any(w.task is not None for w in workers):
            busy = [w for w in workers if w.task is not None]
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
            for i, w in enumerate(workers):
                if w.task is None or (w.conn not in ready and w.process.sentinel not in ready):
                    continue
                result = _result(w)
                if result is None:  # it died holding its task
                    w.process.join()
                    done[w.task[0]] = failure(lost(w.task[1], w.process.exitcode))
                    w.stop()
                    w = workers[i] = _Worker(context, init, initarg, work)
                else:
                    done[result[0]] = result[1]
                workers[i] = _feed(w, pending, context, init, initarg, work)
            while upcoming in done:
                yield done.pop(upcoming)
                upcoming += 1
    finally:
        for w in workers:
            w.stop()


def _result(worker: _Worker) -> Optional[Task]:
    """The worker's answer, or None when it died before giving one (its pipe reads as closed)."""
    try:
        return worker.conn.recv() if worker.conn.poll() else None
    except (EOFError, OSError):
        return None


def _feed(worker: _Worker, pending: Iterator[Task], context: Any, init: Callable[[Any], None], initarg: Any,
          work: Callable[[Any], Any]) -> _Worker:
    """Give the worker the next task (to a fresh worker if it is gone before taking it); idle when none is left."""
    task = next(pending, None)
    if task is None:
        worker.task = None
        return worker
    if not worker.give(task):  # gone before it took anything: the task is not its loss
        worker.stop()
        worker = _Worker(context, init, initarg, work)
        worker.give(task)
    return worker
