"""``python -m crawler.corpus.browse serve …``: datasette's own command line with the reading room
(:mod:`crawler.corpus.browse.plugin`) registered; :func:`crawler.corpus.browse.datasette_command`
builds the arguments."""

from __future__ import annotations

from datasette.cli import cli
from datasette.plugins import pm

from crawler.corpus.browse import plugin

if not pm.is_registered(plugin):
    pm.register(plugin, name="govreports")
cli(prog_name="datasette")
