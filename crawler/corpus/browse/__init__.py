"""The corpus in a web browser: a reading room on datasette, read-only, on 127.0.0.1.

datasette gives researchers tables, facets, SQL and JSON, and it escapes every stored value, so a
report's text is shown, never run. Our plugin (:mod:`crawler.corpus.browse.plugin`, templates in
``templates/``) adds a page to read each report, charts, facets, and the CLI's search behind the search
box. This module starts it safely: ``--immutable`` (nothing can write), bound to the loopback address,
in its own process so that the command and the tests can stop it, on a port checked to be free first
(else a server already there would answer for it).
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType
from typing import IO

HOST = "127.0.0.1"
DEFAULT_PORT = 8001
# How long datasette may take to answer its first request (it starts in about a second).
READY_TIMEOUT = 30.0
POLL_SECONDS = 0.1
# Our process's standard error, as a file descriptor (sys.stderr may be a wrapper without one).
STDERR_FD = 2


class BrowseError(RuntimeError):
    """datasette did not start (port taken, not installed…): one line for the user."""


TEMPLATES = Path(__file__).resolve().parent / "templates"


def datasette_command(db_path: str | Path, port: int) -> list[str]:
    """``datasette serve --immutable DB`` on :data:`HOST` only, with this Python's datasette and the
    reading room's plugin and templates."""
    return [
        sys.executable,
        "-m",
        "crawler.corpus.browse",
        "serve",
        "--immutable",
        str(db_path),
        "--host",
        HOST,
        "--port",
        str(port),
        "--template-dir",
        str(TEMPLATES),
    ]


def check_port_free(port: int) -> None:
    """Raise :class:`BrowseError` when something already listens on ``port`` at :data:`HOST`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the server will: a port left in TIME_WAIT by an earlier run is free, a listener is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as error:
            raise BrowseError(
                f"port {port} on {HOST} is in use ({error.strerror}); pick another with --port"
            ) from error


def start_datasette(
    db_path: str | Path, port: int = DEFAULT_PORT, *, log: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
    """Start datasette on the corpus in the background, its messages and request log to ``log``
    (default: our stderr, so that our stdout carries only what we print); stop it with :func:`stop`."""
    target: IO[bytes] | int = log if log is not None else STDERR_FD
    return subprocess.Popen(datasette_command(db_path, port), stdout=target, stderr=target)


def url_of(port: int, path: str = "/") -> str:
    return f"http://{HOST}:{port}{path}"


def wait_until_ready(
    url: str, process: subprocess.Popen[bytes] | None = None, timeout: float = READY_TIMEOUT
) -> None:
    """Return once ``url`` answers; raise :class:`BrowseError` if ``process`` exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise BrowseError(f"datasette exited with status {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(POLL_SECONDS)
    raise BrowseError(f"datasette did not answer at {url} within {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Terminate datasette and wait for it (killed if it does not stop in ``timeout`` seconds)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def free_port() -> int:
    """A port nothing listens on at :data:`HOST` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def interrupt_on_signals() -> None:
    """Ctrl-C and SIGTERM (a service manager's or a test's stop) both raise KeyboardInterrupt, so the
    command's cleanup runs and datasette is not left behind. SIGINT is set too: a process started in
    the background by a shell without job control inherits SIGINT ignored, and Python then leaves it
    so (``browse`` never stopped on SIGINT when a script had started it with ``&``)."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
