"""One request per canonical URL: the request fingerprinter and the run's duplicate filter."""

from __future__ import annotations

import hashlib
from typing import Any

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter

from crawler.corpus.dedupe import canonical_url


class CanonicalRequestFingerprinter:
    """Request fingerprints over the canonical URL, so ``/col/`` and ``/col/index.html``, or a URL
    with tracking parameters, are fetched once (``REQUEST_FINGERPRINTER_CLASS``)."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> CanonicalRequestFingerprinter:
        return cls()

    def fingerprint(self, request: Request) -> bytes:
        digest = hashlib.sha1(request.method.encode("ascii"), usedforsecurity=False)
        digest.update(canonical_url(request.url).encode("utf-8"))
        digest.update(request.body or b"")
        return digest.digest()


class RunDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter, kept in memory for one run even with a JOBDIR (see settings)."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunDupeFilter:
        return cls(
            None,
            debug=crawler.settings.getbool("DUPEFILTER_DEBUG"),
            fingerprinter=crawler.request_fingerprinter,
        )
