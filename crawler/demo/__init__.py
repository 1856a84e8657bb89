"""A fictional county government portal (青岚县人民政府), generated in memory, for crawler tests and demos.

``build_site()`` returns every page plus a manifest of the annual reports and decoys a crawl should
tell apart; ``DemoServer`` serves it over HTTP on loopback. Nothing here touches the network beyond
127.0.0.1, and every off-site link points to a reserved ``.example`` host.
"""

from crawler.demo.model import DemoSite, ManifestDecoy, ManifestFile, ManifestReport, Page
from crawler.demo.server import DemoServer
from crawler.demo.site import build_site

__all__ = ["DemoServer", "DemoSite", "ManifestDecoy", "ManifestFile", "ManifestReport", "Page", "build_site"]
