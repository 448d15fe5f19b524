"""``scrubber fix``: apply the safe fixes and write the result."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import click

from ..config import Config, code_matches, split_codes
from ..engine import Engine
from ..io.atomic import atomic_writer
from ..io.jsonout import dumps
from ..io.sinks import once_per_file, output_clash, splice_line, stdout_is_an_input
from ..io.sources import InputFile, Item
from ..policy import DEFAULT_MIN_CONFIDENCE, Policy, rules_that_can_change_the_output
from ..report import summary_table, unified_diff
from ..runner import DocResult
from .common import (
    BatchOptions,
    InputFormats,
    OutputDir,
    Reporter,
    batch_options,
    build_engine,
    fail,
    find_inputs,
    input_options,
    load_settings,
    rule_options,
    run_batch,
    setting,
)
from .outputs import Planned, already_done, named_output_clash


def asked_for_flags(select: tuple[str, ...], cfg: Config, chosen: Engine, running: Engine) -> bool:
    """Did the user select (by a code other than ALL) a flag rule that ``fix`` leaves out?

    Only then is "N flag rule(s) not run" news; on a default run it is noise.
    """
    codes = [c for c in (split_codes(select) or cfg.select) if c != "ALL"]
    kept = {s.id for s in running.specs}
    return any(code_matches(s.id, c) for s in chosen.specs if s.id not in kept for c in codes)


def divert_record(item: Item, result: DocResult, text_key: str) -> bytes:
    """One JSONL line for a dropped document: its record as it was (or id and text), plus its garble score."""
    assert item.doc is not None
    if "record" in item.meta and item.raw:
        # a JSON array element: its body on one line (JSON strings hold no raw line breaks, so only whitespace goes)
        raw = item.raw[item.meta["lead"] :].replace(b"\r", b"").replace(b"\n", b"") if "lead" in item.meta else item.raw
        line = splice_line(raw, "garble_score", result.score)
        return line if line.endswith(b"\n") else line + b"\n"  # a file's last line: the next diverted record starts a line
    return (dumps({"id": item.doc.id, text_key: item.doc.text, "garble_score": result.score}) + "\n").encode("utf-8")


@click.command()
@input_options
@rule_options
@batch_options
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=OutputDir(),
    help=(
        "Write results under DIR (a folder, or a URL such as s3://bucket/clean/ with fsspec installed), mirroring the input paths. "
        "A DIR inside an input folder is not read as input."
    ),
)
@click.option(
    "--skip-existing",
    is_flag=True,
    help=(
        "With -o: leave out the inputs whose output already exists and is newer than the input (an output appears only when "
        "its input is finished), so an interrupted run can be resumed. Outputs made with other options are not redone."
    ),
)
@click.option("--in-place", is_flag=True, help="Rewrite the inputs (atomically: temp file, then rename). Unchanged files are not touched.")
@click.option("--diff", is_flag=True, help="Print a unified diff of the changes instead of writing anything.")
@click.option("--unsafe", is_flag=True, default=None, help="Also apply fixes of rules marked unsafe and fixes below --min-confidence.")
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    default=None,
    help=f"Apply safe fixes at or above this confidence [default: {DEFAULT_MIN_CONFIDENCE}].",
)
@click.option(
    "--drop-flagged",
    is_flag=True,
    default=None,
    help="Remove flagged spans (e.g. garbled sentences) at or above --min-confidence (all of them with --unsafe) instead of keeping them.",
)
@click.option(
    "--drop-above",
    type=click.FloatRange(0, 1),
    default=None,
    metavar="SCORE",
    help="Drop whole documents whose garble score is above SCORE (JSONL records are left out; a text file is emptied). Counted in the summary.",
)
@click.option(
    "--divert",
    "divert_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="With --drop-above: also write each dropped document (its original record, plus 'garble_score') to this JSONL file.",
)
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr, no notes.")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Also say how many selected flag rules are not run (flags change nothing without --drop-flagged or --drop-above).",
)
def fix(
    paths: tuple[str, ...],
    text_key: str | None,
    globs: tuple[str, ...],
    formats: InputFormats,
    batch: BatchOptions,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    rule_dirs: tuple,
    config_path: Any,
    isolated: bool,
    out_dir: Path | str | None,
    skip_existing: bool,
    in_place: bool,
    diff: bool,
    unsafe: bool | None,
    min_confidence: float | None,
    drop_flagged: bool | None,
    drop_above: float | None,
    divert_path: Path | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Apply fixes to PATH... (files, folders, '-' for stdin) and write the result.

    Where the result goes: -o DIR (mirrors the inputs), --in-place, or
    standard output for a single file or '-'. --diff only shows the changes.
    Inputs and -o may be URLs (s3://, gs://, file:// ...) read and written
    through fsspec, with any engine; writes stay atomic.
    JSONL records keep every other field; unchanged records are copied byte
    for byte; malformed lines are reported as file:line and copied as they are.
    A JSON array of records (.json) is written the same way, every byte but
    the changed text values kept; a broken one is reported as file:line:col
    and its output is not written.

    \b
    Examples:
      scrubber fix article.txt                     # cleaned text on stdout
      scrubber fix samples/ --diff                 # show what would change
      scrubber fix corpus/ -o clean/ --stats s.json # all cores, mirror into clean/
      scrubber fix corpus/ -o clean/ --skip-existing # resume: only inputs without an output
      scrubber fix corpus/ -o clean/ --engine dask --scheduler tcp://head:8786
      scrubber fix data.jsonl.zst --in-place --text-key body
      scrubber fix s3://bucket/news/ -o s3://bucket/clean/ --engine dask

    Exit status: 0 done, 2 usage or input/output error.
    """
    cfg = load_settings(config_path, isolated)
    if sum(bool(x) for x in (out_dir, in_place, diff)) > 1:
        fail("choose one of -o/--output, --in-place and --diff")
    if in_place and "-" in paths:  # before reading anything: a warning about stdin's content would be noise
        fail("--in-place cannot rewrite standard input")
    reporter = Reporter(quiet)
    planned = Planned.of(out_dir, stats=batch.stats_path, divert=divert_path)
    sources = find_inputs(paths, globs, cfg, formats, reporter, planned)
    to_stdout = not (out_dir or in_place or diff)
    if to_stdout and len(sources) > 1:
        fail(f"{len(sources)} inputs: choose -o DIR, --in-place or --diff (standard output takes one input)")
    if in_place:
        sources, same = once_per_file(sources)
        for dup, first in same:
            link = " (a hard link; it stays one)" if dup.path and first.path and dup.path.resolve() != first.path.resolve() else ""
            reporter("note", dup.display, f"the same file as {first.display}{link}: rewritten once")
    clash = output_clash(sources, out_dir, in_place) or named_output_clash(sources, planned, in_place)
    if clash:
        fail(clash)
    if skip_existing:
        if not isinstance(out_dir, Path):
            fail("--skip-existing needs -o DIR, a local folder (it compares each output with its input)")
        if any(source.path is None for source in sources):
            fail("--skip-existing works on files (standard input and URLs have no output to compare)")
        sources, done = already_done(sources, out_dir)
        if done:
            reporter("note", str(out_dir), f"{len(done)} input(s) already have their output there: left out (--skip-existing)")
        if not sources:
            if not quiet:
                click.echo(f"nothing to do: all {len(done)} input(s) already have their output in {out_dir}", err=True)
            sys.exit(0)
    redirected = stdout_is_an_input(sources) if to_stdout else None
    if redirected is not None:
        fail(
            f"standard output is the input {redirected.display} itself (a '>' redirection empties it before scrubber can read it); "
            "use --in-place to rewrite a file"
        )
    policy = Policy(
        unsafe=bool(setting(cfg, unsafe, "unsafe", False)),
        min_confidence=float(setting(cfg, min_confidence, "min_confidence", DEFAULT_MIN_CONFIDENCE)),
        drop_flagged=bool(setting(cfg, drop_flagged, "drop_flagged", False)),
        drop_above=setting(cfg, drop_above, "drop_above", None),
    )
    if divert_path is not None and policy.drop_above is None:
        fail("--divert needs --drop-above SCORE (which documents to divert)")
    setup = build_engine(select, ignore, rule_dirs, config_path, isolated, cfg)
    engine, skipped_flags = rules_that_can_change_the_output(setup.engine, policy)
    divert = contextlib.ExitStack()
    divert_handle = None
    if divert_path is not None:
        try:
            divert_handle = divert.enter_context(atomic_writer(divert_path))
        except OSError as exc:
            fail(f"{divert_path}: cannot write diverted documents ({exc.strerror or exc})")
    diverted = 0

    def on_document(source: InputFile, item: Item, result: DocResult) -> None:
        nonlocal diverted
        if result.dropped and divert_handle is not None:
            divert_handle.write(divert_record(item, result, setting(cfg, text_key, "text_key", "text")))
            diverted += 1
        if diff:
            show_diff(source, item, result)

    def show_diff(source: InputFile, item: Item, result: DocResult) -> None:
        if result.dropped and item.doc is not None:
            name = source.display if item.line is None else f"{source.display}:{item.line}"
            click.echo(unified_diff(name, item.doc.text, ""), nl=False)
        elif result.new_text is not None and item.doc is not None:
            name = source.display if item.line is None else f"{source.display}:{item.line}"
            click.echo(unified_diff(name, item.doc.text, result.new_text), nl=False)

    with divert:  # the diverted file appears only if the run completes
        stats = run_batch(
            batch,
            cfg,
            reporter,
            sources,
            stdout_busy=(to_stdout or diff) and sys.stdout.isatty(),
            engine=engine,
            policy=policy,
            text_key=setting(cfg, text_key, "text_key", "text"),
            out_dir=out_dir,
            in_place=in_place,
            write=not diff,
            on_document=on_document if diff or divert_path else None,
        )
    if divert_path is not None and not quiet:
        click.echo(f"{diverted} dropped document(s) written to {divert_path}", err=True)
    if not quiet:
        click.echo(summary_table(stats, fixing=True), err=True)
        if skipped_flags and (verbose or asked_for_flags(select, cfg, setup.engine, engine)):
            click.echo(
                f"  {skipped_flags} flag rule(s) not run: flags change nothing unless --drop-flagged or --drop-above (see them with `scrubber check`)",
                err=True,
            )
    sys.exit(2 if stats.errors else 0)
