"""``python -m generator``: the ``kh`` command line, run in this process (no server hand-off)."""

from generator.app.cli import main

main()
