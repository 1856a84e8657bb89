"""``python -m crawler.cli``: the ``govreports`` command."""

from crawler.cli import main

main()
