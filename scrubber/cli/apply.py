"""``scrubber apply``: write the result of a review session."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..io.sinks import stdout_is_an_input
from ..session import Session, SessionError, write_reviewed
from .common import Reporter, fail
from .review import session_engine


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
@click.option(
    "--partial",
    is_flag=True,
    help="Write the inputs that still match the review even if others changed or are missing (those are skipped; exit status 2).",
)
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")
def apply_session(session_path: Path, out_dir: Path | None, in_place: bool, partial: bool, quiet: bool) -> None:
    """Write the inputs of SESSION with its decisions applied: all of them or none.

    Only decided changes are made: accepted fixes, edits and dropped
    flags. The bytes are those `scrubber fix` writes for the same
    decisions, except where an applied fix reveals more to change (a
    decoded &#10; making a line a line rule then removes): `fix` runs the
    rules again for that, `apply` never applies what was not reviewed and
    says how many such findings appear (review the output to decide them).
    With neither -o nor --in-place a session over one input is written to
    standard output.

    Every input is checked first: if one changed or is missing since the
    review, each such input is named and nothing is written (reopen the
    session with `scrubber review` to update it, or use --partial). Outputs
    are written to temp files and renamed into place only once all are
    complete, so an error while writing leaves every output as it was.

    Exit status: 0 done, 2 usage or input/output error (nothing written
    unless the summary says otherwise).
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
    engine = session_engine(session)
    if engine is None:
        click.echo("note: the session's rules could not be loaded: findings a later pass would make are not counted", err=True)
    stats = write_reviewed(session, out_dir, in_place, reporter, partial=partial, engine=engine)
    reporter.finish()
    if stats.stopped or not quiet:
        click.echo(stats.summary(), err=True)
    if stats.stale and not partial:
        click.echo(
            f"Reopen the session to update the changed inputs (decisions whose text still matches are kept):"
            f" scrubber review --session {session_path}; or write the other inputs with --partial",
            err=True,
        )
    sys.exit(2 if stats.errors else 0)
