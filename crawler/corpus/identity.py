"""Report identity: when is a newly fetched page the same report as one already stored?

A report is one body's one year. Its copies — the page on the county and on the city portal, a spam
mirror in traditional script, its 图片版/超链版/PDF versions — become one report with several sources.
Pure decisions over small records; :mod:`crawler.corpus.db` fetches the candidates and applies the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.extract import pagekind
from crawler.extract.fingerprint import NEAR_DUPLICATE, signature_similarity
from crawler.extract.normalise import normalise_text
from crawler.extract.patterns import GOV_HOST


@dataclass(frozen=True)
class Copy:
    """What identity needs to know of one copy of a report (stored or just fetched)."""

    url: str
    report_year: int | None
    body: str | None
    title_key: str
    content_hash: str | None
    signature: bytes | None
    kind: str = "html"
    scanned: bool = False
    compromised: bool = False
    is_gov: bool = False

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    def rank(self) -> tuple[bool, bool, bool, bool]:
        """Which copy is the canonical one: official gov.cn first, then a web page over a file, text over
        a scan, a clean page over a compromised one. A non-gov copy never outranks a gov one."""
        return (self.is_gov, self.kind == "html", not self.scanned, not self.compromised)


@dataclass(frozen=True)
class Match:
    """``report_url`` is the stored report the copy belongs to; ``promote`` when the copy outranks it."""

    report_url: str
    reason: str
    promote: bool


def is_official_host(host: str, extra_hosts: frozenset[str] = frozenset()) -> bool:
    """A government host: under ``gov.cn`` (or its IPv6 proxies), or one the settings declare official
    (``GOVREPORTS_OFFICIAL_HOSTS``: how a test on 127.0.0.1 plays the official portal)."""
    host = host.lower()
    return bool(GOV_HOST.search(host)) or host in extra_hosts


def _same_body(first: str | None, second: str | None) -> bool:
    if not first or not second:
        return True
    return normalise_text(first) == normalise_text(second)


def same_report(new: Copy, stored: Copy) -> str | None:
    """Why ``new`` is a copy of ``stored`` (``exact``, ``near``, ``version``), or None.

    Different years are never one report, however alike the texts (the templates repeat every year).
    """
    if new.report_year is None or new.report_year != stored.report_year:
        return None
    if not _same_body(new.body, stored.body):
        return None
    if new.content_hash and new.content_hash == stored.content_hash:
        return "exact"
    comparable = new.signature and stored.signature and not (new.scanned or stored.scanned)
    if comparable and signature_similarity(new.signature or b"", stored.signature or b"") >= NEAR_DUPLICATE:
        return "near"
    same_site = new.host == stored.host or pagekind.same_body_host(new.url, stored.url)
    if new.title_key and new.title_key == stored.title_key and same_site:
        return "version"
    return None


def find_match(new: Copy, candidates: list[Copy]) -> Match | None:
    """The stored report ``new`` is a copy of, if any (exact before near before version)."""
    order = {"exact": 0, "near": 1, "version": 2}
    found = [(reason, stored) for stored in candidates if (reason := same_report(new, stored))]
    if not found:
        return None
    reason, stored = min(found, key=lambda pair: order[pair[0]])
    return Match(stored.url, reason, promote=new.rank() > stored.rank())
