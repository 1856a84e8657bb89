"""The two-character index: every pair of adjacent characters of a report's title and text, so the
commonest Chinese queries (复议, 诉讼, 收费: two characters, too short for the trigram index) are an index
lookup rather than a scan of every text.

``reports_grams`` (migration 0011) is a contentless FTS5 table keyed by the report's rowid, one column
for the title's pairs and one for the text's, ``detail=column`` (which reports and which column, no
positions: small) with the ``ascii`` tokenizer, which keeps every non-ASCII character as a token
character and folds ASCII case as ``LIKE`` does. Each pair is written as one token (``复议 议公 …``);
a pair with an ASCII space or punctuation splits, which only adds tokens. A term whose characters are
all token characters (:func:`indexable`) is found by the AND of its pairs: every report that contains
it, and a few that hold the pairs apart, which the ``LIKE`` that ranks the candidates drops.

Triggers keep the table in step with ``reports`` (insert, delete, and updates of title or text), calling
:data:`GRAMS_FUNCTION`, which :func:`register` adds to a connection (``open_db`` does, through
``migrate``): a write to ``reports`` on a connection without it fails rather than leaving the index
stale. A contentless table forgets its rows' text, so a delete recomputes the pairs from the old row.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

GRAMS_TABLE = "reports_grams"
GRAMS_FUNCTION = "govreports_grams"
_ASCII_TOKEN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def pairs(text: str | None) -> str:
    """The distinct pairs of adjacent characters of ``text``, space-separated (the rows' FTS input)."""
    if not text:
        return ""
    return " ".join({text[i : i + 2] for i in range(len(text) - 1)})


def indexable(term: str) -> bool:
    """Whether the index finds ``term``: two characters or more, each a token character of the ``ascii``
    tokenizer (an ASCII letter or digit, or any non-ASCII character)."""
    return len(term) >= 2 and all(ord(char) > 127 or char in _ASCII_TOKEN for char in term)


def term_tokens(term: str) -> list[str]:
    """The pairs a report holding ``term`` holds too (all of them), in order, without repeats."""
    return list(dict.fromkeys(term[i : i + 2] for i in range(len(term) - 1)))


def register(db: sqlite_utils.Database) -> None:
    """Add :data:`GRAMS_FUNCTION` (``govreports_grams(text)``) to the connection."""
    conn: sqlite3.Connection = db.conn
    conn.create_function(GRAMS_FUNCTION, 1, pairs, deterministic=True)


_INSERT = f"""insert into {GRAMS_TABLE} (rowid, title, text)
    values (new.rowid, {GRAMS_FUNCTION}(new.title), {GRAMS_FUNCTION}(new.text));"""
_DELETE = f"""insert into {GRAMS_TABLE} ({GRAMS_TABLE}, rowid, title, text)
    values ('delete', old.rowid, {GRAMS_FUNCTION}(old.title), {GRAMS_FUNCTION}(old.text));"""
_TRIGGERS = [
    f"create trigger if not exists {GRAMS_TABLE}_ai after insert on reports begin {_INSERT} end",
    f"create trigger if not exists {GRAMS_TABLE}_ad after delete on reports begin {_DELETE} end",
    f"create trigger if not exists {GRAMS_TABLE}_au after update of title, text on reports "
    f"when old.title is not new.title or old.text is not new.text begin {_DELETE} {_INSERT} end",
]


def create_index(db: sqlite_utils.Database) -> None:
    """The table and its triggers, filled from the reports stored (the migration that adds them)."""
    register(db)
    db.execute(
        f"create virtual table if not exists {GRAMS_TABLE} using fts5("
        "title, text, content='', detail=column, tokenize='ascii')"
    )
    for statement in _TRIGGERS:
        db.execute(statement)
    db.execute(
        f"insert into {GRAMS_TABLE} (rowid, title, text) "
        f"select rowid, {GRAMS_FUNCTION}(title), {GRAMS_FUNCTION}(text) from reports"
    )
