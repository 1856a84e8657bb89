"""Statistics tables of the annual reports → fixed, named JSON structures, plus the templates'
consistency checks (DOMAIN.md §1).

The modules, each only looking at the ones above it:

* :mod:`~crawler.extract.tables.patterns`: every label, regex and key name of the templates;
* :mod:`~crawler.extract.tables.cells`: a cell string → number, label test and match key;
* :mod:`~crawler.extract.tables.grid`: HTML tables and flattened text → grids of cell strings;
* :mod:`~crawler.extract.tables.checks`: the templates' consistency rules over parsed tables;
* :mod:`~crawler.extract.tables.prose`: the figures a 2008-era report states in its sentences;
* :mod:`~crawler.extract.tables.statistics`: grids and text → template version, tables 2–4 or the
  2008 indicators (or prose figures), and their checks (the entry points);
* :mod:`~crawler.extract.tables.labels`: the templates' Chinese label of every named cell;
* :mod:`~crawler.extract.tables.measures`: the harmonised measures across templates, as data.
"""
