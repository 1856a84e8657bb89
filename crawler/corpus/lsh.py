"""The LSH index of near-duplicate candidates: which stored reports share a band of a report's MinHash
signature (:func:`crawler.extract.fingerprint.signature_bands`).

``lsh`` (migration 0014) holds one small row per band of each report: the band as a 64-bit integer, the
report's rowid, its year and a 64-bit key of its body (normalised as :func:`crawler.corpus.dedupe`'s
identity compares bodies; null when it has none). The primary key ``(band, report_id)`` of a
``WITHOUT ROWID`` table keeps each band's reports together and newest last, so the newest
:data:`BAND_CANDIDATES` of a band, their years and bodies are one range of one b-tree: no other row is
read to tell a candidate of another year or another body from one that may be a copy. The table it
replaces (``lsh_bands``: band and URL as text, and a row per band with two indexes over it) read three
b-trees per candidate, and each store paid for the candidates of every year of its bands, a cost that
grew with the corpus until a band was full. "Newest" is now the report's rowid: a report stored again
keeps its place in its bands (with ``lsh_bands`` its rows were written anew and came first).
"""

from __future__ import annotations

import hashlib

import sqlite_utils

from crawler.extract.fingerprint import LSH_BANDS
from crawler.extract.normalise import normalise_text

LSH_TABLE = "lsh"
# Reports read per LSH band when looking for near-duplicate candidates, newest first. A band that many
# reports share comes from template text (the statistics tables' labels, the set phrases every report
# of a template repeats), not from one report's copies: reading all of it made every store slower as
# the corpus grew. A real copy shares its distinctive bands too, and its exact text or title key.
BAND_CANDIDATES = 64


def _key64(value: bytes, salt: bytes = b"") -> int:
    """A signed 64-bit integer of ``value`` (what SQLite stores in eight bytes)."""
    digest = hashlib.blake2b(value, digest_size=8, salt=salt).digest()
    return int.from_bytes(digest, "big", signed=True)


def band_keys(signature: bytes | None) -> list[int]:
    """The signature's LSH bands (:func:`crawler.extract.fingerprint.signature_bands`' slices) as
    integers; a band's index is part of its key."""
    if not signature:
        return []
    width = len(signature) // LSH_BANDS
    return [
        _key64(signature[band * width : (band + 1) * width], band.to_bytes(2, "big"))
        for band in range(LSH_BANDS)
    ]


def body_key(body: str | None) -> int | None:
    """A key of the body as identity compares it (normalised script and digits); None for no body,
    which identity takes for any body."""
    return _key64(normalise_text(body).encode("utf-8")) if body else None


def create_table(db: sqlite_utils.Database) -> None:
    """The table and its index, filled from the stored fingerprints; the old ``lsh_bands`` dropped."""
    db.execute(
        f"create table if not exists {LSH_TABLE} (band integer not null, report_id integer not null, "
        "report_year integer, body_key integer, primary key (band, report_id)) without rowid"
    )
    db.execute(f"create index if not exists idx_{LSH_TABLE}_report_id on {LSH_TABLE} (report_id)")
    sql = (
        "select r.rowid, f.signature, f.report_year, f.body from fingerprints f "
        "join reports r on r.url = f.report_url where f.signature is not null"
    )
    for report_id, signature, year, body in db.execute(sql).fetchall():
        save(db, report_id, signature, year, body)
    db.execute("drop table if exists lsh_bands")


def save(
    db: sqlite_utils.Database, report_id: int, signature: bytes | None, year: int | None, body: str | None
) -> None:
    """The report's bands (replacing any it had)."""
    db.execute(f"delete from {LSH_TABLE} where report_id = ?", [report_id])
    key = body_key(body)
    rows = [(band, report_id, year, key) for band in dict.fromkeys(band_keys(signature))]
    db.conn.executemany(
        f"insert or ignore into {LSH_TABLE} (band, report_id, report_year, body_key) values (?, ?, ?, ?)",
        rows,
    )


def delete(db: sqlite_utils.Database, report_id: int) -> None:
    db.execute(f"delete from {LSH_TABLE} where report_id = ?", [report_id])


def rename_body(db: sqlite_utils.Database, report_id: int, body: str | None) -> None:
    """The report's body changed (the registry named it): its rows follow."""
    db.execute(f"update {LSH_TABLE} set body_key = ? where report_id = ?", [body_key(body), report_id])


def candidates(db: sqlite_utils.Database, signature: bytes | None, year: int, body: str | None) -> list[int]:
    """The rowids of the reports of ``year`` and ``body`` (any body when None, and those without one)
    among the newest :data:`BAND_CANDIDATES` of each band of ``signature``."""
    bands = band_keys(signature)
    if not bands:
        return []
    per_band = " union all ".join(
        f"select * from (select report_id, report_year, body_key from {LSH_TABLE} where band = ? "
        f"order by report_id desc limit {BAND_CANDIDATES})"
        for _ in bands
    )
    params: list[object] = [*bands, year]
    same_body = ""
    if (key := body_key(body)) is not None:
        same_body = "and (body_key is null or body_key = ?)"
        params.append(key)
    sql = f"select distinct report_id from ({per_band}) where report_year = ? {same_body}"
    return [report_id for (report_id,) in db.execute(sql, params).fetchall()]
