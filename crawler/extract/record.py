"""The typed records that extraction makes and every later stage reads."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Capture:
    """A page's bytes as the corpus keeps them (zlib) and their SHA-256: made by the extraction worker,
    so the reactor thread does not compress pages."""

    body_zlib: bytes
    sha256: str
