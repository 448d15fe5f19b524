"""The ``scrubber`` command. Each subcommand lives in its own module."""

from __future__ import annotations

import sys

import click

from .. import __version__
from ..io.atomic import remove_leftovers
from ..kinds import char_scan, langwalk, mark_scan
from ..kinds.word_pairs import scan_implementation
from . import stopping
from .apply import apply_session
from .check import check
from .common import stop_on_signals
from .fix import fix
from .mine import mine
from .review import review
from .rules import rules

EPILOG = """\b
Exit codes:
  0  success (check: no findings)
  1  check: findings were reported
  2  usage error (no input files at all, an output onto an input, review without a
     terminal ...), bad configuration or rule pack, or an input/output error
  130  interrupted (Ctrl-C; 143 for SIGTERM, 129 for SIGHUP); no partial output file is left
"""


class _Group(click.Group):
    """Exit 128+N on Ctrl-C, SIGTERM or SIGHUP wherever it lands (click would say 'Aborted!' and exit 1)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:  # the CLI's Terminated (SIGTERM, SIGHUP) is one too
            remove_leftovers()  # a temp file whose own cleanup the interrupt cut short
            signum = stopping.signal_of(exc)
            stopping.say_stopped(signum)
            ctx.exit(128 + signum)

    def __call__(self, *args: object, **kwargs: object) -> object:
        """The installed script's entry (tests call ``main`` instead): never hang on the way out."""
        try:
            return super().__call__(*args, **kwargs)
        except SystemExit as exc:
            from ..runner import stuck_threads

            if stuck_threads and isinstance(exc.code, int):
                stopping.exit_without_waiting(exc.code, stuck_threads)
            raise


@click.group(cls=_Group, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(
    __version__,
    prog_name="scrubber",
    message=f"%(prog)s, version %(version)s\nword-pair scan: {scan_implementation()}\nmark scan: {mark_scan.scan_implementation()}\ncharacter scan: {char_scan.scan_implementation()}\nlanguage walk: {langwalk.walk_implementation()}",
)
def main() -> None:
    """Clean scraped text: mojibake, scraper residue and garbled machine translation.

    Every rule proposes findings on the original text: a fix (a span and its
    replacement) or a flag (a span and a reason). `check` reports them,
    `fix` applies the safe ones, `review` lets you decide each one in the
    terminal and `apply` writes what you decided, `rules` explains the rules
    and `mine` finds repeated residue in your corpus.
    """
    stop_on_signals()
    stopping.install()
    escape_unencodable_output()


def escape_unencodable_output() -> None:
    """Print a character standard output cannot encode as its escape (``\\ud800``) instead of crashing.

    Scraped JSON holds lone surrogates (``"\\ud800"``), which UTF-8 cannot
    encode; text output (findings, diffs) then shows the same ``\\udXXX``
    escape a JSON reader would, as standard error already does by default.
    JSON output never relies on this: it escapes them itself.
    """
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")


main.add_command(check)
main.add_command(fix)
main.add_command(rules)
main.add_command(mine)
main.add_command(review)
main.add_command(apply_session)
