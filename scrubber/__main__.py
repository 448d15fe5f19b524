"""``python -m scrubber``: the ``scrubber`` command, for environments where the script is not on PATH."""

from scrubber.cli import main

main(prog_name="scrubber")
