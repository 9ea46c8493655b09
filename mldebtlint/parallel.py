"""Checking many files: in this process for small inputs, else in a pool of worker processes.

Results come back in the order of the candidates whatever the number of workers. A worker that
dies (libcst's native parser can overflow its stack on pathological input) does not stop the
scan: the files it was checking are run again one by one, each alone in a fresh worker, and the
one that kills its worker again becomes an MLD009 diagnostic; the other files go on as usual.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mldebtlint.config import Settings
from mldebtlint.discovery import Candidate
from mldebtlint.engine import Engine, recursion_headroom
from mldebtlint.ftypes import FileResult

if TYPE_CHECKING:
    from concurrent.futures import Future
    from multiprocessing.context import BaseContext

# below either bound a pool costs more than it saves (a pre-commit run on a few files)
MIN_POOL_FILES = 8
MIN_POOL_BYTES = 100_000
# a batch is at most this many files; batches are sized so each worker gets several
MAX_BATCH_FILES = 16
BATCHES_PER_WORKER = 12
# a logical line longer than this is checked in a worker process even when the run is serial
LONG_LOGICAL_LINE = 10_000
# test-only: a worker exits abruptly when it reaches a file of this name (simulates a crash)
CRASH_TEST_ENV = "MLDEBTLINT_TEST_CRASH_ON"

_engine: Engine | None = None
_slots: Any = None  # shared array: index of the file each worker is checking, -1 when idle
_slot = -1
_crash_on: str | None = None


def default_jobs() -> int:
    """The CPUs this process may use."""
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def check_files(candidates: list[Candidate], settings: Settings, jobs: int | None = None) -> list[FileResult]:
    """Check every candidate; results in the same order as `candidates`."""
    recursion_headroom()
    workers = min(jobs or default_jobs(), len(candidates))
    sizes = [_size(c) for c in candidates]
    pool = _Pool(candidates, sizes, settings, workers)
    if workers > 1 and len(candidates) >= MIN_POOL_FILES and sum(sizes) >= MIN_POOL_BYTES:
        return pool.run()
    # in this process; a file that could crash the parser is still checked in a process of its own
    engine = Engine(settings)
    return [pool.alone(i) if _risky(c) else engine.check(c) for i, c in enumerate(candidates)]


def _size(candidate: Candidate) -> int:
    try:
        return candidate.path.stat().st_size
    except OSError:
        return 0


def _risky(candidate: Candidate) -> bool:
    """A logical line so long that it may hold an expression chain deep enough to overflow the
    native parser's stack (thousands of `lambda:` or unary operators; brackets are refused
    earlier, by `sources.nesting_too_deep`). Notebooks are not looked at: their long raw lines
    are outputs (images), which would send most of them to a process of their own."""
    if candidate.path.suffix == ".ipynb":
        return False
    try:
        if candidate.path.stat().st_size < LONG_LOGICAL_LINE:
            return False
        data = candidate.path.read_bytes()
    except OSError:
        return False
    joined = data.replace(b"\\\r\n", b"").replace(b"\\\n", b"")
    return any(len(line) > LONG_LOGICAL_LINE for line in joined.splitlines())


def _context() -> BaseContext:
    import multiprocessing  # here, not at the top: a one-file run never starts a pool

    # fork shares the already-imported libcst and catalog with the workers (no start-up cost);
    # macOS and Windows use spawn, the only safe method there
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class _Pool:
    """One parallel check, with its recovery from dead workers."""

    def __init__(self, candidates: list[Candidate], sizes: list[int], settings: Settings, workers: int) -> None:
        self.candidates = candidates
        self.sizes = sizes
        self.settings = settings
        self.workers = workers
        self.results: dict[int, FileResult] = {}

    def run(self) -> list[FileResult]:
        remaining = set(range(len(self.candidates)))
        while remaining:
            suspects = self._round(remaining)
            if suspects is None:
                break
            # a worker died: retry each file that was in progress alone; the culprit dies again
            for index in sorted(suspects or remaining):
                self.results[index] = self.alone(index)
                remaining.discard(index)
        return [self.results[i] for i in range(len(self.candidates))]

    def _round(self, remaining: set[int]) -> set[int] | None:
        """Check `remaining` in a pool; None if all went well, else the files in progress when
        a worker died (they, and every file not yet checked, stay in `remaining`)."""
        from concurrent.futures import ProcessPoolExecutor, as_completed
        from concurrent.futures.process import BrokenProcessPool

        context = _context()
        slots = context.Array("l", [-1] * self.workers, lock=False)
        counter = context.Value("i", 0)
        broken = False
        executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self.settings, slots, counter),
        )
        try:
            futures: list[Future[list[tuple[int, FileResult]]]] = [
                executor.submit(_check_batch, [(i, self.candidates[i]) for i in batch])
                for batch in self._batches(remaining)
            ]
            for future in as_completed(futures):
                try:
                    done = future.result()
                except BrokenProcessPool:
                    broken = True
                    continue
                for index, result in done:
                    self.results[index] = result
                    remaining.discard(index)
        except BaseException:  # Ctrl-C: drop the queued work instead of finishing it
            executor.shutdown(wait=False, cancel_futures=True)
            raise
        executor.shutdown()
        if not broken:
            return None
        return {index for index in slots if index in remaining}

    def _batches(self, indices: set[int]) -> Iterator[list[int]]:
        """Largest files first, in batches of similar total size, so the workers end together."""
        order = sorted(indices, key=lambda i: (-self.sizes[i], i))
        target = max(1, sum(self.sizes[i] for i in order) // (self.workers * BATCHES_PER_WORKER))
        batch: list[int] = []
        weight = 0
        for index in order:
            batch.append(index)
            weight += self.sizes[index]
            if weight >= target or len(batch) >= MAX_BATCH_FILES:
                yield batch
                batch, weight = [], 0
        if batch:
            yield batch

    def alone(self, index: int) -> FileResult:
        """Check one file in a fresh one-worker pool; if the worker dies, say so."""
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        context = _context()
        slots = context.Array("l", [-1], lock=False)
        counter = context.Value("i", 0)
        candidate = self.candidates[index]
        try:
            with ProcessPoolExecutor(
                max_workers=1, mp_context=context, initializer=_start_worker, initargs=(self.settings, slots, counter)
            ) as executor:
                [(_, result)] = executor.submit(_check_batch, [(index, candidate)]).result()
                return result
        except BrokenProcessPool:
            return Engine(self.settings).crashed(
                candidate, "internal error: the process checking this file crashed (libcst's parser on extreme input?)"
            )


def _start_worker(settings: Settings, slots: Any, counter: Any) -> None:
    global _engine, _slots, _slot, _crash_on
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends a worker at once, without a traceback
    recursion_headroom()
    with counter.get_lock():
        _slot = counter.value
        counter.value += 1
    _slots = slots
    _crash_on = os.environ.get(CRASH_TEST_ENV) or None
    _engine = Engine(settings)


def _check_batch(batch: list[tuple[int, Candidate]]) -> list[tuple[int, FileResult]]:
    assert _engine is not None, "worker not initialised"
    tracked = 0 <= _slot < len(_slots)
    done = []
    for index, candidate in batch:
        if tracked:
            _slots[_slot] = index
        if _crash_on is not None and candidate.path.name == _crash_on:
            os._exit(70)
        try:
            result = _engine.check(candidate)
        except Exception as exc:  # the engine turns bad input into findings; this is a bug
            result = _engine.crashed(candidate, f"internal error while checking this file: {type(exc).__name__}: {exc}")
        done.append((index, result))
    if tracked:
        _slots[_slot] = -1
    return done
