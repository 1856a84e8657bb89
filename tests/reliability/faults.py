"""Local fault servers for the reliability tests: demo servers on 127.0.0.x with fault routes.

Nothing here listens on or connects to any address outside 127.0.0.0/8.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable

from crawler.demo import DemoServer, DemoSite
from crawler.demo.model import Page, redirect

HTML = "text/html; charset=utf-8"
PLAIN_PAGE = "<html><head><title>首页</title></head><body><p>欢迎访问</p></body></html>".encode()


def page(path: str, body: bytes = PLAIN_PAGE, status: int = 200) -> Page:
    return Page(path, body, HTML, status=status)


def sleeping(seconds: float) -> Callable[[str], Page]:
    """A handler that answers only after ``seconds`` (longer than the test's DOWNLOAD_TIMEOUT)."""

    def handler(path: str) -> Page:
        time.sleep(seconds)
        return page(path)

    return handler


def failing(status: int) -> Callable[[str], Page]:
    """A handler that always answers ``status``."""

    def handler(path: str) -> Page:
        return page(path, b"<html><body>error</body></html>", status=status)

    return handler


def redirect_chain(prefix: str, hops: int, target: str) -> dict[str, Callable[[str], Page]]:
    """Routes ``{prefix}0`` → ``{prefix}1`` → … → ``target``: ``hops`` redirects in all (relative
    ``Location`` headers, so the routes need no host and port)."""
    steps = [f"{prefix}{n}" for n in range(hops)] + [target]

    def hop(location: str, status: int) -> Callable[[str], Page]:
        return lambda path: redirect(path, location, status)

    return {path: hop(steps[n + 1], 301 if n % 2 else 302) for n, path in enumerate(steps[:-1])}


def serve(site: DemoSite, host: str, routes: dict[str, Callable[[str], Page]]) -> DemoServer:
    """A started demo server on ``host`` (a 127.0.0.x address) with extra routes."""
    server = DemoServer(site, host=host)
    for path, handler in routes.items():
        server.add_route(path, handler)
    return server.start()


def refused_url(host: str, path: str = "/") -> str:
    """A URL on ``host`` whose port has no listener: connections are refused."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        port = probe.getsockname()[1]
    return f"http://{host}:{port}{path}"


class RawFaultServer:
    """A TCP server on a 127.0.0.x address that misbehaves below HTTP: ``"reset"`` sends headers and
    part of the body, then resets the connection; ``"silent"`` reads the request and never answers."""

    def __init__(self, host: str, behaviour: str) -> None:
        self.behaviour = behaviour
        self.connections = 0
        self.listener = socket.create_server((host, 0))
        self.listener.settimeout(0.2)
        self.url = f"http://{host}:{self.listener.getsockname()[1]}/"
        self.stopped = threading.Event()
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> RawFaultServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(5)
        for conn in self.held:
            conn.close()
        self.listener.close()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.recv(65536)
            if self.behaviour == "silent":
                self.held.append(conn)
                continue
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
            conn.sendall(b"<html><body>" + b"x" * 1000)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()
