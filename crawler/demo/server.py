"""A threaded stdlib HTTP server for a :class:`~crawler.demo.model.DemoSite` (tests, demos, benchmarks).

Requests go through a route table: exact-path handlers added with :meth:`DemoServer.add_route` are
tried first, then the site's own pages, then a 301 to ``path/`` for a directory asked without its
slash, else a 404 page. A handler gets the request path (with its query string) and returns a
:class:`Page`, so redirects (``status=301`` plus a ``Location`` header), error codes or slow pages
(a handler that sleeps) need no change to the server itself. Pages carry an ``ETag`` and a request with
a matching ``If-None-Match`` gets a 304, as real portals answer scheduled re-crawls.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from crawler.demo.model import DemoSite, Page, redirect
from crawler.demo.portal import CHALLENGE_COOKIE, challenge_page
from crawler.demo.site import build_site

Handler = Callable[[str], Page]

NOT_FOUND_HTML = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>404 页面不存在_青岚县人民政府</title></head>
<body><div class="err"><h1>404</h1><p>抱歉，您访问的页面不存在或已被删除。</p>
<p><a href="/">返回首页</a></p></div></body>
</html>
"""


def not_found(path: str) -> Page:
    """The portal's HTML 404 page."""
    return Page(path, NOT_FOUND_HTML.encode("utf-8"), "text/html; charset=utf-8", status=404)


class DemoServer:
    """ThreadingHTTPServer on ``host`` (port 0 = any free port) serving a DemoSite in a daemon thread."""

    def __init__(self, site: DemoSite | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.site = site if site is not None else build_site()
        self.host = host
        self.port = port
        self.base_url = ""
        self.requests: list[str] = []
        self.log: list[tuple[str, int]] = []
        self.routes: dict[str, Handler] = {}
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ routing

    def add_route(self, path: str, handler: Handler) -> None:
        """Serve ``path`` (exact, query string included or not) by ``handler(request_path)``."""
        self.routes[path] = handler

    def add_page(self, page: Page) -> None:
        """Serve a fixed page at its own path (e.g. a redirect or an error page)."""

        def fixed(_path: str) -> Page:
            return page

        self.add_route(page.path, fixed)

    def resolve(self, path: str, cookies: str = "") -> Page:
        """The page for a request path: challenge, routes (full, then bare path), site pages, else 404."""
        bare = urlsplit(path).path
        if bare.startswith(self.site.challenge_prefixes) and CHALLENGE_COOKIE not in cookies:
            return challenge_page(path)
        for key in (path, bare):
            handler = self.routes.get(key) or self.site.routes.get(key)
            if handler is not None:
                return handler(path)
        page = self.site.lookup(path)
        if page is not None:
            return page
        if not bare.endswith("/") and "." not in bare.rsplit("/", 1)[-1] and self.site.lookup(bare + "/"):
            return redirect(path, bare + "/")
        return not_found(path)

    def record(self, path: str) -> None:
        with self._lock:
            self.requests.append(path)

    def record_status(self, path: str, status: int) -> None:
        """The server log: every answer's path and status (tests count 304s)."""
        with self._lock:
            self.log.append((path, status))

    # ------------------------------------------------------------ lifecycle

    def url(self, path: str) -> str:
        """Absolute URL of a site path."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def start(self) -> DemoServer:
        httpd = ThreadingHTTPServer((self.host, self.port), _make_handler(self))
        httpd.daemon_threads = True
        self._httpd = httpd
        host, port = httpd.server_address[:2]
        self.port = int(port)
        self.base_url = f"http://{host!s}:{self.port}"
        self._thread = threading.Thread(target=httpd.serve_forever, name="demo-portal", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _make_handler(server: DemoServer) -> type[BaseHTTPRequestHandler]:
    class DemoHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "QinglanPortal/1.0"

        def do_GET(self) -> None:
            self._respond(with_body=True)

        def do_HEAD(self) -> None:
            self._respond(with_body=False)

        def _respond(self, *, with_body: bool) -> None:
            server.record(self.path)
            page = server.resolve(self.path, self.headers.get("Cookie", ""))
            etag = f'"{hashlib.sha1(page.body, usedforsecurity=False).hexdigest()[:16]}"'
            if page.status == 200 and self.headers.get("If-None-Match") == etag:
                server.record_status(self.path, 304)
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            server.record_status(self.path, page.status)
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(page.body)))
            if page.status == 200:
                self.send_header("ETag", etag)
            for name, value in page.headers:
                self.send_header(name, value)
            self.end_headers()
            if with_body:
                self.wfile.write(page.body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return DemoHandler
