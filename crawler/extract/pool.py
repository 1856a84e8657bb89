"""A small pool of worker processes that runs callables under a time and a memory budget.

A stdlib :class:`~concurrent.futures.ProcessPoolExecutor` cannot stop one task: a worker stuck in a
reference cycle of a hostile PDF or swelling on a decompression bomb holds the whole pool (and, once
killed, breaks it). Here each worker is a process of its own with a pipe to the pool:

* a task runs with a **deadline**: a worker past it is killed and replaced, the task fails with
  :class:`TaskFailed` (``"time limit (N s)"``); the tasks of the other workers go on untouched;
* each worker runs under ``RLIMIT_AS`` (its size when started plus the **memory budget**): an allocation
  past it raises ``MemoryError`` in the worker, which reports ``"memory limit (N MB)"`` and is replaced;
  ``RLIMIT_CPU`` is a backstop should the pool itself be gone;
* a worker's **resident size** is watched while it works (``max_resident_mb``): the address-space
  budget must leave room for what a runtime maps but never touches (the OCR runtime maps ~1.5 GB), so
  a worker past the resident bound is killed and replaced and its task fails with
  ``"memory limit (N MB resident)"``;
* a task whose work is long by nature (OCR, page after page) asks for more time as it goes
  (:func:`extend_deadline`): each step gets its own window, so a 40-page scan is read while one page
  stuck on a hostile image is still cut off;
* a worker that dies (a crash in a C library, the OOM killer) fails its task once and is replaced;
* any exception of the callable comes back as :class:`TaskFailed` with a one-line reason, never as a
  traceback.

Workers are started by the ``forkserver`` context: a fresh worker is forked from a clean, single-threaded
server process (with the modules named in ``preload`` imported once), never from the crawl with its
threads and locks. The pool knows nothing of what it runs: it takes a callable and returns its result.
Nothing here imports Scrapy.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

MB = 1024 * 1024
# A worker's message that asks more time for the task in hand (:func:`extend_deadline`).
_EXTEND = "extend"
# The pipe of the worker this process is, and its CPU backstop per task (set in the worker's loop):
# None and 0 in any other process.
_worker_conn: Connection | None = None
_worker_cpu_seconds = 0
# Seconds between two looks at a busy worker's resident size (when it is bounded).
RESIDENT_POLL = 0.1
# prctl(2): deliver a signal to this process when its parent dies.
_PR_SET_PDEATHSIG = 1


class TaskFailed(RuntimeError):
    """A task that gave no result: ``reason`` says why in a few words (time, memory, worker died, error)."""

    def __init__(self, reason: str, *, peak_rss_mb: float = 0.0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.peak_rss_mb = peak_rss_mb


@dataclass
class _Task:
    function: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    future: Future[Any]


@dataclass
class _Worker:
    process: Any  # multiprocessing's Process of the context in use
    conn: Connection
    task: _Task | None = None
    deadline: float = 0.0
    serial: int = field(default_factory=itertools.count().__next__)


@dataclass
class PoolStats:
    """What the pool saw: tasks done, failed by cause, workers replaced, and the largest worker (MB)."""

    done: int = 0
    timed_out: int = 0
    out_of_memory: int = 0
    died: int = 0
    errors: int = 0
    replaced: int = 0
    extended: int = 0
    peak_rss_mb: float = 0.0


class BoundedPool:
    """``workers`` processes running submitted callables, each task within ``timeout`` seconds and each
    worker within ``max_mb`` MB of address space beyond its start and ``max_resident_mb`` MB resident
    (0 turns a budget off)."""

    def __init__(
        self,
        workers: int,
        *,
        timeout: float,
        max_mb: int,
        max_resident_mb: int = 0,
        preload: Sequence[str] = (),
        context: str = "forkserver",
    ) -> None:
        if workers < 1:
            raise ValueError("a pool needs at least one worker")
        self.size = workers
        self.timeout = timeout
        self.max_mb = max_mb
        self.max_resident_mb = max_resident_mb
        self.stats = PoolStats()
        self._context = multiprocessing.get_context(context)
        if context == "forkserver" and preload:
            self._context.set_forkserver_preload(list(preload))
        self._queue: deque[_Task] = deque()
        self._lock = threading.Lock()
        self._workers: list[_Worker] = []
        self._wake_read, self._wake_write = os.pipe()
        self._closing = False
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- the caller's side

    def start(self) -> BoundedPool:
        """Start the workers (and the forkserver) and the thread that feeds them."""
        self._workers = [self._spawn() for _ in range(self.size)]
        self._thread = threading.Thread(target=self._run, name="govreports-pool", daemon=True)
        self._thread.start()
        return self

    def submit(self, function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Run ``function(*args, **kwargs)`` in a worker; the future holds its result or a
        :class:`TaskFailed`."""
        future: Future[Any] = Future()
        with self._lock:
            if self._closing:
                raise RuntimeError("the pool is shut down")
            self._queue.append(_Task(function, args, kwargs, future))
        self._wake()
        return future

    def shutdown(self) -> None:
        """Fail the queued tasks, stop the workers (a busy one is killed) and the feeding thread."""
        with self._lock:
            self._closing = True
            queued, self._queue = list(self._queue), deque()
        for task in queued:
            task.future.cancel()
        self._wake()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        for worker in self._workers:
            self._stop(worker, kill=worker.task is not None)
            if worker.task is not None:
                _fail(worker.task, TaskFailed("crawl stopped"))
        self._workers = []
        for fd in (self._wake_read, self._wake_write):
            with contextlib.suppress(OSError):
                os.close(fd)

    def __enter__(self) -> BoundedPool:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self._wake_write, b"x")

    # ---------------------------------------------------------------- the feeding thread

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._closing:
                    return
                for worker in self._workers:
                    if worker.task is None and self._queue:
                        self._assign(worker, self._queue.popleft())
            busy = [worker for worker in self._workers if worker.task is not None]
            ready = wait([self._wake_read, *(w.conn for w in busy)], self._wait_for(busy))
            if self._wake_read in ready:
                os.read(self._wake_read, 4096)
            for worker in busy:
                if worker.conn in ready:
                    self._collect(worker)
                elif self.timeout and time.monotonic() >= worker.deadline:
                    self._overran(worker)
                elif self.max_resident_mb and _resident_mb(worker.process.pid) > self.max_resident_mb:
                    self._swollen(worker)

    def _wait_for(self, busy: list[_Worker]) -> float | None:
        """Seconds the feeding thread may sleep: until the first deadline, and no longer than
        :data:`RESIDENT_POLL` while a busy worker's resident size is watched."""
        waits = []
        if busy and self.timeout:
            waits.append(max(0.0, min(w.deadline for w in busy) - time.monotonic()))
        if busy and self.max_resident_mb:
            waits.append(RESIDENT_POLL)
        return min(waits) if waits else None

    def _assign(self, worker: _Worker, task: _Task) -> None:
        if not task.future.set_running_or_notify_cancel():
            return
        worker.task, worker.deadline = task, time.monotonic() + self.timeout
        try:
            worker.conn.send((task.function, task.args, task.kwargs))
        except (OSError, ValueError) as error:  # a dead worker's pipe, or an unpicklable task
            worker.task = None
            _fail(task, TaskFailed(f"could not hand the task to a worker ({type(error).__name__})"))
            self._replace(worker)
        except Exception as error:  # pickling errors of any kind
            worker.task = None
            _fail(task, TaskFailed(f"could not hand the task to a worker ({type(error).__name__})"))

    def _collect(self, worker: _Worker) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            task, worker.task = worker.task, None
            assert task is not None
            failure = TaskFailed(self._death(worker))
            self.stats.died += 1
            self._replace(worker)  # before the caller hears of it: the pool is whole again when it does
            _fail(task, failure)
            return
        if message[0] == _EXTEND:  # the task goes on: its next step gets a window of its own
            if self.timeout:
                worker.deadline = max(worker.deadline, time.monotonic() + self.timeout)
            self.stats.extended += 1
            return
        task, worker.task = worker.task, None
        assert task is not None
        kind, value, peak, retire = message
        self.stats.peak_rss_mb = max(self.stats.peak_rss_mb, peak)
        if retire and kind != "memory":  # grown past half its budget: a fresh one takes its place
            self._replace(worker)
        if kind == "ok":
            self.stats.done += 1
            task.future.set_result(value)
            return
        if kind == "memory":
            self.stats.out_of_memory += 1
            self._replace(worker)  # after a MemoryError a worker is not trusted again
            _fail(task, TaskFailed(f"memory limit ({self.max_mb} MB)", peak_rss_mb=peak))
            return
        self.stats.errors += 1
        _fail(task, TaskFailed(str(value), peak_rss_mb=peak))

    def _overran(self, worker: _Worker) -> None:
        self.stats.timed_out += 1
        self._cut_off(worker, f"time limit ({self.timeout:g} s)")

    def _swollen(self, worker: _Worker) -> None:
        self.stats.out_of_memory += 1
        self._cut_off(worker, f"memory limit ({self.max_resident_mb} MB resident)")

    def _cut_off(self, worker: _Worker, reason: str) -> None:
        """A busy worker stopped from outside (past a bound): killed, replaced, its task failed."""
        task, worker.task = worker.task, None
        assert task is not None
        peak = _peak_rss_mb(worker.process.pid)
        self.stats.peak_rss_mb = max(self.stats.peak_rss_mb, peak)
        self._replace(worker, kill=True)
        _fail(task, TaskFailed(reason, peak_rss_mb=peak))

    def _death(self, worker: _Worker) -> str:
        worker.process.join(1.0)
        code = worker.process.exitcode
        if code is not None and code < 0:
            name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
            return f"worker died ({name})"
        return f"worker died (exit {code})"

    def _replace(self, worker: _Worker, *, kill: bool = False) -> None:
        self._stop(worker, kill=kill)
        self.stats.replaced += 1
        index = self._workers.index(worker)
        if not self._closing:
            self._workers[index] = self._spawn()

    # ---------------------------------------------------------------- workers

    def _spawn(self) -> _Worker:
        ours, theirs = self._context.Pipe()
        cpu = int(self.timeout * 2 + 5) if self.timeout else 0
        process = self._context.Process(  # type: ignore[attr-defined]
            target=_serve, args=(theirs, self.max_mb, cpu), name="govreports-extract"
        )
        process.daemon = True
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def _stop(self, worker: _Worker, *, kill: bool) -> None:
        if kill:
            with contextlib.suppress(OSError, ProcessLookupError, ValueError):
                worker.process.kill()
        else:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(None)
        worker.process.join(5.0)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(5.0)
        worker.conn.close()


def _fail(task: _Task, failure: TaskFailed) -> None:
    if not task.future.done():
        task.future.set_exception(failure)


# ---------------------------------------------------------------- inside a worker


def _serve(conn: Connection, max_mb: int, cpu_seconds: int) -> None:
    """A worker's loop: run each task received, send back ``(kind, value, peak RSS MB)``; ``None``
    or a closed pipe ends it."""
    # The crawl process owns shutdown: a Ctrl-C reaching the whole process group must not cut a task.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    global _worker_conn, _worker_cpu_seconds
    _worker_conn, _worker_cpu_seconds = conn, cpu_seconds
    start = _address_space()
    resident_at_start = _resident()
    if max_mb:
        limit = start + max_mb * MB
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard < 0 else min(limit, hard), hard))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        if cpu_seconds:
            _cpu_backstop(cpu_seconds)
        function, args, kwargs = message
        kind, value = _call(function, args, kwargs)
        # A worker whose resident memory grew past half its budget (memory the allocator keeps after a
        # big file) retires after this task, so the next file starts with its whole budget. Resident, not
        # the address space: lazy imports and thread arenas reserve address space a worker never uses,
        # and a budget of 512 MB retired the worker after every page (a crawl 40 % slower).
        retire = bool(max_mb) and _resident() - resident_at_start > max_mb * MB // 2
        try:
            conn.send((kind, value, _own_peak_rss_mb(), retire))
        except (BrokenPipeError, ConnectionResetError):
            return  # the crawl that asked is gone (killed): nobody to answer, nothing to report
        except MemoryError:
            conn.send(("memory", None, _own_peak_rss_mb(), True))
            return
        except Exception as error:  # an unpicklable result
            reason = f"result not returned ({type(error).__name__})"
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                conn.send(("error", reason, _own_peak_rss_mb(), retire))
        if kind == "memory" or retire:
            return
        del message, function, args, kwargs, value


def extend_deadline() -> None:
    """Ask the pool for a new window for the task this worker runs: one task timeout from now (the
    deadline only ever moves later), the CPU backstop following. A task that works in steps (OCR, page
    after page) calls it before each step. Outside a pool worker, nothing happens."""
    if _worker_conn is None:
        return
    if _worker_cpu_seconds:
        _cpu_backstop(_worker_cpu_seconds, raise_only=True)
    with contextlib.suppress(OSError, ValueError):
        _worker_conn.send((_EXTEND, None))


def _call(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[str, Any]:
    try:
        return "ok", function(*args, **kwargs)
    except MemoryError:
        return "memory", None
    except RecursionError:
        return "error", "too deeply nested"
    except Exception as error:
        text = " ".join(str(error).split())[:200]
        return "error", f"{type(error).__name__}: {text}" if text else type(error).__name__


def _cpu_backstop(seconds: int, *, raise_only: bool = False) -> None:
    """``RLIMIT_CPU`` a little past this task's budget: should the pool be gone, a worker stuck on a task
    still ends (SIGXCPU). Within a task it is only ever raised (:func:`extend_deadline`)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    current, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = used + seconds
    if raise_only and (current == resource.RLIM_INFINITY or current >= soft):
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (soft if hard < 0 else min(soft, hard), hard))


def _address_space() -> int:
    """This process's virtual size in bytes (``/proc/self/statm``)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _resident() -> int:
    """This process's resident size in bytes now (``/proc/self/statm``)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _own_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _resident_mb(pid: int | None) -> float:
    """The resident size of process ``pid`` now (``/proc/PID/statm``), 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / MB
    except (OSError, ValueError, IndexError):
        return 0.0


def _peak_rss_mb(pid: int | None) -> float:
    """The high-water resident size of process ``pid`` (``VmHWM``), 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0
