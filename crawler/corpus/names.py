"""One name per body across the stored reports: a township a report names bare (``石门镇人民政府``) takes
the county the site's other reports give it (``青岚县石门镇人民政府``), so the coverage ledger shows one
body, not two with false gaps. Run at the end of every crawl and re-extraction; the rule is
:func:`crawler.extract.bodies.county_among`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from urllib.parse import urlsplit

import sqlite_utils

from crawler.corpus import lsh
from crawler.extract import bodies

# Where a body's county came from when the corpus completed it (a value of ``sources``).
SITE = "site"


def unify_township_bodies(db: sqlite_utils.Database) -> int:
    """Name bare townships with the county the same host's reports give them; return how many changed.

    Only township reports (level 乡) are read, so the pass stays cheap on a large corpus."""
    sql = "select url, body, region, sources, rowid from reports where level = '乡'"
    rows = db.execute(sql).fetchall()
    known: dict[str, set[str]] = defaultdict(set)
    for url, body, _, _, _ in rows:
        if body:
            known[urlsplit(url).netloc].add(body)
    changed = 0
    with db.atomic():
        for url, body, region, sources, report_id in rows:
            county = bodies.county_among(body, known[urlsplit(url).netloc])
            if county is None:
                continue
            named = county + body
            found = json.loads(sources) if sources else {}
            found["body"] = SITE
            db.execute(
                "update reports set body = ?, region = ?, sources = ? where url = ?",
                [named, bodies.full_region(named, region), json.dumps(found, ensure_ascii=False), url],
            )
            db.execute("update fingerprints set body = ? where report_url = ?", [named, url])
            lsh.rename_body(db, report_id, named)
            changed += 1
    return changed
