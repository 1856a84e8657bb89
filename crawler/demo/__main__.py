"""Command line for the demo portal: ``python -m crawler.demo serve [--port N]`` or ``dump --out DIR``.

``serve`` lets a person (or a browser-driven crawler) look at the portal; ``dump`` writes every page
and ``manifest.json`` to disk for inspection or for tools that read files.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path

from crawler.demo.model import DemoSite
from crawler.demo.server import DemoServer
from crawler.demo.site import build_site


def dump(site: DemoSite, out: Path) -> int:
    """Write each page to ``out/<path>`` (directory paths get ``index.html``) plus ``manifest.json``."""
    out.mkdir(parents=True, exist_ok=True)
    for path, page in site.pages.items():
        relative = path.lstrip("/").replace("?", "%3F")
        target = out / (relative + "index.html" if relative.endswith("/") or not relative else relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(page.body)
    manifest = json.dumps(site.manifest(), ensure_ascii=False, indent=2)
    (out / "manifest.json").write_text(manifest + "\n", encoding="utf-8")
    return len(site.pages)


def serve(port: int, host: str) -> None:
    """Serve until Ctrl-C."""
    server = DemoServer(build_site(), host=host, port=port).start()
    print(f"青岚县人民政府 demo portal: {server.base_url}/  (Ctrl-C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.demo", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="serve the demo portal over HTTP")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--host", default="127.0.0.1")
    dump_cmd = commands.add_parser("dump", help="write all pages and manifest.json to a directory")
    dump_cmd.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(args.port, args.host)
    else:
        count = dump(build_site(), args.out)
        print(f"wrote {count} pages and manifest.json to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
