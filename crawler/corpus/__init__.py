"""SQLite and everything over it: schema, writes, dedupe, queries, search, export."""
