"""Worker processes for `-j N` that survive losing one.

A pool that hands out inputs in chunks cannot say which input a dead worker held, and
multiprocessing.Pool waits forever for it.  Here a worker is given a short run of consecutive
inputs at a time and answers for each as soon as it is linted, in the order given, so the parent
always knows which input a worker is linting: the first of its run not yet answered.  A worker
killed from outside (the OOM killer's SIGKILL) costs exactly that input: it is reported as not
linted, the rest of its run goes back to the front of the queue, a fresh worker takes its
place, and the batch goes on.  Results come back in input order.

Runs rather than single inputs because neighbouring inputs (one sender's folder) share styles
and links that a worker's caches then read once, and because each hand-over costs both
processes a wake-up; runs shrink towards the end of a batch so that no worker is left with a
long run while the others idle.
"""

from __future__ import annotations

import signal
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterable, Iterator, Optional, Sized

Task = tuple[int, Any]  # (position in the batch, source)

RUN_MAX = 16  # inputs a worker is given at once, at most
RUN_SHARE = 4  # a run is at most 1/(RUN_SHARE * jobs) of the inputs still waiting, so the last runs are short


def _serve(conn: Connection, init: Callable[[Any], None], initarg: Any, work: Callable[[Any], Any]) -> None:
    """A worker's life: set up once, then lint each run of sources, answering one by one, until told to stop."""
    init(initarg)
    while True:
        try:
            tasks = conn.recv()
        except EOFError:  # the parent went away
            return
        if tasks is None:
            return
        for index, source in tasks:
            conn.send((index, work(source)))


class _Worker:
    """One worker process, its end of the pipe, and the tasks it holds, oldest first (empty when idle)."""

    def __init__(self, context: Any, init: Callable[[Any], None], initarg: Any, work: Callable[[Any], Any]) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, init, initarg, work), daemon=True)
        self.process.start()
        child.close()
        self.tasks: deque[Task] = deque()

    def give(self, tasks: list[Task]) -> bool:
        """Hand over a run of tasks (only to an idle worker); False when the worker is already gone."""
        self.tasks = deque(tasks)
        try:
            self.conn.send(tasks)
        except (BrokenPipeError, ConnectionResetError, EOFError, OSError):
            return False
        return True

    def answers(self, ended: bool) -> tuple[list[Task], bool]:
        """The answers waiting in the pipe, each taking its task off the worker, and whether the
        worker is gone: its pipe reads as closed, or its process `ended` holding tasks."""
        found: list[Task] = []
        try:
            while self.tasks and self.conn.poll():
                found.append(self.conn.recv())
                self.tasks.popleft()  # answers come in the order the tasks were given
        except (EOFError, OSError):
            return found, True
        return found, ended and bool(self.tasks)

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


class _Queue:
    """The tasks not yet given out, in input order, and runs of them for the workers."""

    def __init__(self, sources: Iterable[Any], jobs: int) -> None:
        self.tasks = iter(enumerate(sources))
        self.back: deque[Task] = deque()  # a lost worker's unstarted tasks, given out first
        # without a length (a stream of inputs) every run is one input: how many wait is unknown
        self.left = len(sources) if isinstance(sources, Sized) else None
        self.jobs = jobs

    def run(self) -> list[Task]:
        """The next run of tasks for an idle worker (empty when none is left)."""
        size = 1 if self.left is None else max(1, min(RUN_MAX, self.left // (RUN_SHARE * self.jobs)))
        out: list[Task] = []
        while len(out) < size:
            task = self.back.popleft() if self.back else next(self.tasks, None)
            if task is None:
                break
            out.append(task)
        if self.left is not None:
            self.left -= len(out)
        return out

    def put_back(self, tasks: Iterable[Task]) -> None:
        """Tasks a lost worker never started: they go out again before any other."""
        tasks = list(tasks)
        self.back.extendleft(reversed(tasks))
        if self.left is not None:
            self.left += len(tasks)


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
    queue = _Queue(sources, max(1, jobs))
    done: dict[int, Any] = {}
    upcoming = 0

    def fresh() -> _Worker:
        return _Worker(context, init, initarg, work)

    workers = [fresh() for _ in range(max(1, jobs))]
    try:
        for i, w in enumerate(workers):
            workers[i] = _feed(w, queue, fresh)
        while any(w.tasks for w in workers):
            busy = [w for w in workers if w.tasks]
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
            for i, w in enumerate(workers):
                if not w.tasks or (w.conn not in ready and w.process.sentinel not in ready):
                    continue
                found, gone = w.answers(w.process.sentinel in ready)
                done.update(found)
                if gone:  # it died linting the first task it still holds
                    w.process.join()
                    index, source = w.tasks.popleft()
                    done[index] = failure(lost(source, w.process.exitcode))
                    queue.put_back(w.tasks)
                    w.tasks.clear()
                    w.stop()
                    w = workers[i] = fresh()
                if not w.tasks:
                    workers[i] = _feed(w, queue, fresh)
            while upcoming in done:
                yield done.pop(upcoming)
                upcoming += 1
    finally:
        for w in workers:
            w.stop()


def _feed(worker: _Worker, queue: _Queue, fresh: Callable[[], _Worker]) -> _Worker:
    """Give an idle worker the next run (to a fresh worker if it is gone before taking it); idle when none is left."""
    tasks = queue.run()
    if not tasks:
        worker.tasks = deque()
        return worker
    if not worker.give(tasks):  # gone before it took anything: the tasks are not its loss
        worker.stop()
        worker = fresh()
        worker.give(tasks)
    return worker
