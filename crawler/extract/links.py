"""Where a block links, read as structure: spam's link clusters told from a government page's own links.

Stable across years whatever the words (DOMAIN.md §3): spam links leave the site for non-government
hosts, many at once, labelled with bare names (places with or without 县/市, channels, brands), often
to throwaway TLDs, sub-domain farms or hosts named like betting brands. Government pages link other
government sites, state media and the big platforms: those hosts (``patterns.OFFICIAL_HOST``, every
``gov.cn``) never count as spam links.
"""

from __future__ import annotations

import urllib.parse
from collections import Counter
from dataclasses import dataclass, field

from lxml import html

from crawler.extract import lexicon, patterns
from crawler.extract.textutil import normalise_space

# A cluster of bare-name anchors: this many off-site anchors, this share of them bare names.
MIN_FARM_ANCHORS = 5
BARE_SHARE = 0.6
# Off-site anchors that make a hidden block a link cluster on their own (a reader sees none of them, and a
# page's own hidden menus link the site, other government sites and the official hosts).
MIN_HIDDEN_LINKS = 2
# Sub-domains of one domain that make a sub-domain farm.
MIN_SUBDOMAINS = 3
# Distinct off-site hosts whose anchors are all keyword phrases that make an article block spam's.
MIN_KEYWORD_HOSTS = 3


def bare_host(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def domain_of(host: str) -> str:
    """The registrable part, roughly: the last two labels, three under a two-letter country code
    with a second-level label (``a.b.com.cn`` → ``b.com.cn``)."""
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in ("com", "net", "org", "gov", "edu", "co"):
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def is_official(host: str) -> bool:
    """Government, education, state media and the big platforms: never a spam link."""
    return bool(patterns.OFFICIAL_HOST.search(host) or patterns.GOV_HOST.search(host))


def suspicious_host(host: str) -> str | None:
    """Why a host looks like spam's own (throwaway TLD, a brand-like or brand-named label), or None."""
    if match := patterns.THROWAWAY_TLD.search(host):
        return f"throwaway TLD {match.group()}"
    parts = [part for label in domain_of(host).split(".")[:-1] for part in label.split("-")]
    if any(patterns.BRANDLIKE_LABEL.match(p) and not patterns.SERVICE_NUMBER_LABEL.match(p) for p in parts):
        return f"brand-like host {host}"
    if tokens := lexicon.current().host_tokens(domain_of(host)):
        return f"host named {tokens[0]}"
    return None


@dataclass(frozen=True)
class Site:
    """The page's own host; it and every ``gov.cn`` host count as "the site"."""

    host: str

    @classmethod
    def from_url(cls, url: str) -> Site:
        return cls(bare_host(urllib.parse.urlsplit(url).hostname or ""))

    @property
    def is_gov(self) -> bool:
        return bool(patterns.GOV_HOST.search(self.host))

    def offsite_host(self, href: str | None) -> str | None:
        """The host of ``href`` when it is off the site (not this host, not gov.cn), else None."""
        if not href or not href.strip().lower().startswith(("http:", "https:", "//")):
            return None
        try:
            host = bare_host(urllib.parse.urlsplit(href.strip()).hostname or "")
        except ValueError:
            return None
        if not host or host == self.host or patterns.GOV_HOST.search(host):
            return None
        return host

    def spam_target(self, href: str | None) -> str | None:
        """The host of ``href`` when it leaves the site for a host that is not official, else None."""
        host = self.offsite_host(href)
        return host if host and not is_official(host) else None


def _names_institution(label: str) -> bool:
    return bool(patterns.INSTITUTION_END.search(label))


def is_bare_name(label: str) -> bool:
    """A link farm's kind of label: a place (with or without its unit), a channel, a brand."""
    label = label.strip()
    if patterns.PLACE_NAME.match(label) or lexicon.current().is_channel(label):
        return True
    return bool(patterns.BARE_NAME.match(label)) and not patterns.INSTITUTION_END.search(label)


@dataclass
class Links:
    """What a block's anchors say: their off-site non-official targets and labels, and the words."""

    hosts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    anchors: int = 0  # every anchor with an href
    frames: int = 0  # frames loading a page of a non-official host off the site
    suspicious: list[str] = field(default_factory=list)  # reasons, one per suspicious target
    never_words: list[str] = field(default_factory=list)  # never_in_report terms in the block's text
    label_words: list[str] = field(default_factory=list)  # lexicon terms in the spam targets' labels

    @property
    def bare(self) -> int:
        return sum(is_bare_name(label) for label in self.labels)

    @property
    def institutional(self) -> bool:
        """Every anchor names an institution (…集团, …银行, …日报, …电视台): a portal's menu of
        partner sites, hidden until hovered, not spam's links."""
        named = [label for label in self.labels if label]
        return bool(named) and len(named) == len(self.labels) and all(map(_names_institution, named))

    @property
    def keyword_anchors(self) -> bool:
        """Anchors to :data:`MIN_KEYWORD_HOSTS` or more hosts, each labelled with a phrase of its own —
        neither an institution's name nor the link's address: how spam labels links for search engines
        (a report's links name whom they lead to, or show where)."""
        if len(set(self.hosts)) < MIN_KEYWORD_HOSTS or not all(self.labels):
            return False
        return not any(
            _names_institution(label) or patterns.ADDRESS_LABEL.search(label) for label in self.labels
        )

    @property
    def subdomain_farm(self) -> bool:
        per_domain = Counter(domain_of(host) for host in set(self.hosts) if host.count(".") >= 2)
        return bool(per_domain) and max(per_domain.values()) >= MIN_SUBDOMAINS

    def cluster(self, hidden: bool = False, written: bool = False) -> str | None:
        """Why these links are a spam cluster by structure alone, or None. ``hidden``: the block is
        not shown anyway, where fewer links suffice; ``written``: a script writes it or it stands after
        ``</html>``, where one link to a non-official host does (no template puts one there)."""
        count = len(self.hosts)
        if count >= MIN_FARM_ANCHORS and self.bare >= BARE_SHARE * count:
            return f"{count} off-site anchors, {self.bare} bare names"
        if self.subdomain_farm and count >= MIN_SUBDOMAINS:
            return f"sub-domain farm of {count} off-site anchors"
        if len(self.suspicious) >= 2 or (self.suspicious and count >= 2):
            return self.suspicious[0]
        if (hidden or written) and self.frames:
            return f"{self.frames} unseen frames of off-site pages"
        if hidden and (self.suspicious or (count >= MIN_HIDDEN_LINKS and not self.institutional)):
            return f"{count} hidden off-site anchors"
        if written and count:
            return f"{count} off-site anchors written outside the page"
        return None

    @property
    def keywords(self) -> list[str]:
        """The words that make the block spam: a never_in_report term in it, or two lexicon terms in
        the labels of links to non-official hosts."""
        if self.never_words:
            return self.never_words
        return self.label_words if len(self.label_words) >= 2 else []

    def evidence(self) -> str:
        distinct = list(dict.fromkeys(self.hosts))
        shown = ", ".join(distinct[:4]) + (f" … ({len(distinct)} hosts)" if len(distinct) > 4 else "")
        return f"{len(self.hosts)} off-site links: {shown}"


def unshielded_never(text: str) -> list[str]:
    """``never_in_report`` terms of the text's sentences that do not report enforcement (a sentence on
    打击, 查处, 整治 … of gambling or porn is what reports are about, whatever it names)."""
    words = lexicon.current()
    if not (found := words.never_in_report(text)):
        return []
    sentences = patterns.SENTENCE_END.split(text)
    return list(
        dict.fromkeys(
            term
            for sentence in sentences
            if not patterns.ENFORCEMENT.search(sentence)
            for term in words.never_in_report(sentence)
            if term in found
        )
    )


def read_links(block: html.HtmlElement, site: Site, text: str | None = None, written: bool = False) -> Links:
    """The off-site non-official anchors of a block with their labels, and the lexicon's words; and its
    frames of off-site pages that are the block itself or drawn at no size (``written``: every frame of
    markup a script writes or that stands after ``</html>``)."""
    words = lexicon.current()
    found = Links(never_words=unshielded_never(block.text_content() if text is None else text))
    for anchor in block.iter("a"):
        href = anchor.get("href")
        found.anchors += bool(href)
        if host := site.spam_target(href):
            label = normalise_space(anchor.text_content() or anchor.get("title") or "")
            found.hosts.append(host)
            found.labels.append(label)
            if reason := suspicious_host(host):
                found.suspicious.append(reason)
    for frame in block.iter("iframe", "frame"):
        # a frame counts when it is what is hidden (a weather widget in a hidden toolbar is not)
        shown = frame is not block and not patterns.ZERO_SIZE_FRAME_TEST(frame)
        if (host := site.spam_target(frame.get("src"))) and (written or not shown):
            found.hosts.append(host)
            found.labels.append("")
            found.frames += 1
    found.label_words = words.words(" ".join(found.labels)) if found.labels else []
    return found
