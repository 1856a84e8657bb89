"""Pure stages, page or file bytes → a typed record. Imports neither Scrapy nor SQLite."""
