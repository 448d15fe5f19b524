"""``scrubber apply``: write the result of a review session."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..io.sinks import stdout_is_an_input
from ..session import Session, SessionError, write_reviewed
from .common import Reporter, fail


@click.command("apply")
@click.argument("session_path", metavar="SESSION", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="Write results under DIR (mirroring the inputs).",
)
@click.option("--in-place", is_flag=True, help="Rewrite the inputs (atomically). Unchanged files are not touched.")
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")
def apply_session(session_path: Path, out_dir: Path | None, in_place: bool, quiet: bool) -> None:
    """Write the inputs of SESSION with its decisions applied.

    Only decided changes are made: accepted fixes, edits and dropped
    flags. The bytes are exactly those `scrubber fix` writes for the same
    decisions. With neither -o nor --in-place a session over one input is
    written to standard output.

    Exit status: 0 done, 2 usage or input/output error (for example an
    input that changed since the review: reopen it with `scrubber review`).
    """
    if out_dir and in_place:
        fail("choose one of -o/--output and --in-place")
    try:
        session = Session(session_path)
    except SessionError as exc:
        fail(str(exc))
    inputs = session.inputs()
    if not inputs:
        fail(f"{session_path}: the session has no inputs")
    if not (out_dir or in_place) and len(inputs) > 1:
        fail(f"{len(inputs)} inputs: choose -o DIR or --in-place (standard output takes one input)")
    if not (out_dir or in_place):
        redirected = stdout_is_an_input([row.source() for row in inputs])
        if redirected is not None:
            fail(f"standard output is the input {redirected.display} itself (a '>' redirection empties it); use --in-place")
    reporter = Reporter(quiet)
    stats = write_reviewed(session, out_dir, in_place, reporter)
    if not quiet:
        click.echo(f"{stats.files} file(s) written, {stats.documents_changed} document(s) changed", err=True)
    sys.exit(2 if stats.errors else 0)
