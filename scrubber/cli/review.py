"""``scrubber review``: open the Textual reviewer over a session."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..io.sources import INPUT_FORMATS, BinaryInput, InputError, InputFile, discover, read_items
from ..progress import choose_mode, make_progress
from ..session import ReviewLock, Session, SessionError
from .common import Reporter, build_engine, fail, glob_option, rule_options, setting


def default_session_path(paths: tuple[str, ...]) -> Path:
    """``<first input's name>.scrubber-session`` in the current folder."""
    stem = Path(paths[0].rstrip("/\\")).name or "review"
    for suffix in (".gz", ".zst", ".bz2", ".xz", ".jsonl", ".ndjson", ".json", ".txt"):
        stem = stem.removesuffix(suffix)
    return Path(f"{stem or 'review'}.scrubber-session")


def check_inputs(sources: list[InputFile], text_key: str) -> None:
    """Exit 2 before a session file exists when an input cannot be reviewed.

    Standard input and URLs cannot be re-read by a session; a file named on
    the command line that is binary or unreadable would open an empty
    reviewer (inside a folder such a file is only a note, as in ``check``).
    """
    for source in sources:
        if source.is_stdin:
            fail("standard input cannot be reviewed (a session must re-read its inputs): save it to a file and review that")
        if source.url is not None:
            fail(f"{source.url}: a review session needs local files (copy them first, e.g. with `fsspec` or your storage's CLI)")
        if source.problem:  # a folder the walk could not list: the session would miss its files
            fail(f"{source.display}: {source.problem}")
        if not source.explicit:
            continue
        items = read_items(source, text_key, lambda level, where, message: None, writes=False)
        try:
            # a text file is read whole (and sniffed); a JSONL file to its first line; a JSON document to its start
            next(items, None)
        except BinaryInput:
            fail(f"{source.display}: binary file (NUL or control bytes): nothing to review")
        except InputError as exc:
            fail(str(exc))
        finally:
            items.close()


def require_terminal() -> None:
    """The reviewer draws on the terminal and reads keys from it; a pipe would get escape codes and hang."""
    for name, stream in (("standard input", sys.stdin), ("standard output", sys.stdout)):
        try:
            ok = stream.isatty()
        except (AttributeError, ValueError):
            ok = False
        if not ok:
            fail(f"scrubber review needs a terminal ({name} is not one); to list the changes in a script, use `scrubber check`")


def open_session(
    paths: tuple[str, ...],
    session_path: Path | None,
    setup: Any,
    text_key: str | None,
    globs: tuple[str, ...],
    jobs: int | None,
    need_terminal: bool = False,
    input_format: str = "auto",
    lock: ReviewLock | None = None,
) -> tuple[Session, list[str]]:
    """Open (or create) the session and bring it up to date with its inputs.

    Nothing is created until the inputs are known to be reviewable (and,
    with ``need_terminal``, until the terminal is known to be one). ``lock``
    is taken before the inputs are synced: a second reviewer's sync would
    replace the findings under the first one.
    """
    if session_path is None:
        if not paths:
            fail("give PATH... to review, or --session FILE to resume")
        session_path = default_session_path(paths)
    if not paths and not session_path.exists():
        fail(f"{session_path}: no such session (give PATH... to start one)")
    reporter = Reporter(quiet=True)
    problems: list[str] = []

    def collect(level: str, where: str, message: str) -> None:
        """Print as usual, and keep warnings for the screen (stderr is hidden behind the app)."""
        if level in ("warning", "error"):
            problems.append(f"{where}: {message}")
        reporter(level, where, message)

    try:
        sources = discover(list(paths), list(globs) or setting(setup.config, None, "glob", None), "text", input_format)
    except InputError as exc:
        fail(str(exc))
    check_inputs(sources, setting(setup.config, text_key, "text_key", "text"))
    if need_terminal:
        require_terminal()
    progress = make_progress(choose_mode(None, sys.stderr, stdout_busy=False), sources)
    reporter.progress = progress
    try:
        session = Session(session_path)
        if lock is not None:
            lock.acquire()
        stored_key = session.get("text_key")
        key = setting(setup.config, text_key, "text_key", stored_key or "text")
        report = session.sync(setup.engine, sources, key, collect, jobs=setting(setup.config, jobs, "jobs", 1), on_progress=progress)
    except SessionError as exc:
        progress.clear()
        fail(str(exc))
    reporter.finish()
    progress.clear()
    messages = report.messages() + problems[:8]
    if len(problems) > 8:
        messages.append(f"… and {len(problems) - 8} more problem(s) with the inputs (run `scrubber check` to list them)")
    return session, messages  # the app's message line says how many decisions a resumed session kept


def rule_choice(
    session_path: Path | None, paths: tuple[str, ...], select: tuple, ignore: tuple, rule_dirs: tuple, config_path: Any, isolated: bool
) -> tuple:
    """The rule options to use: those given now, else those the session was started with.

    Stored in the session so that resuming with a bare ``--session FILE``
    reviews the same rules (and so does not recompute every finding).
    """
    given = bool(select or ignore or rule_dirs or config_path or isolated)
    path = session_path or (default_session_path(paths) if paths else None)
    stored = None
    if path is not None and path.exists() and not given:
        try:
            probe = Session(path)
            stored = probe.get("rule_options")
            probe.close()
        except SessionError as exc:
            fail(str(exc))
    if stored:
        return (
            tuple(stored["select"]),
            tuple(stored["ignore"]),
            tuple(Path(p) for p in stored["rules"]),
            Path(stored["config"]) if stored["config"] else None,
            stored["isolated"],
        )
    return select, ignore, rule_dirs, config_path, isolated


def remember_rules(session: Session, choice: tuple) -> None:
    select, ignore, rule_dirs, config_path, isolated = choice
    session.set(
        "rule_options",
        {
            "select": list(select),
            "ignore": list(ignore),
            "rules": [str(Path(p).resolve()) for p in rule_dirs],
            "config": str(Path(config_path).resolve()) if config_path else None,
            "isolated": bool(isolated),
        },
    )


@click.command()
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--session",
    "session_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Session file (SQLite). Resumed if it exists [default: <first PATH>.scrubber-session].",
)
@click.option("--text-key", default=None, metavar="KEY", help="JSONL field holding the text [default: text].")
@glob_option
@click.option(
    "--input-format",
    type=click.Choice(INPUT_FORMATS),
    default="auto",
    show_default=True,
    help="Format of the input files (auto: by suffix; a .json file by its first line, see `scrubber check --help`).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(0),
    default=None,
    help="Worker processes for finding changes (0 = all cores) [default: 1, or jobs in the config].",
)
@click.option(
    "-o",
    "--output",
    "out_dir",
    default="reviewed",
    show_default=True,
    metavar="DIR",
    help="Folder `w` offers to write to (from inside the app).",
)
@rule_options
def review(
    paths: tuple[str, ...],
    session_path: Path | None,
    text_key: str | None,
    globs: tuple[str, ...],
    input_format: str,
    jobs: int | None,
    out_dir: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    rule_dirs: tuple,
    config_path: Any,
    isolated: bool,
) -> None:
    """Review every change to PATH... in the terminal, one key per decision.

    Decisions are saved in a session file as they are made (the reviewer
    names it on screen); quitting or a crash loses nothing, and opening the
    same session again resumes where you left off. If an input changed since,
    its changes are recomputed and decisions that still apply are kept.
    Write the result with `w` in the app or `scrubber apply SESSION`.

    \b
    Keys: y accept (keep a flag)  n reject  d drop a flag  e edit  u undo
          j/k next/previous  J/K next/previous undecided
          A / R accept / reject this rule in this file (ctrl+a / ctrl+r everywhere)
          f filter  / search  w write  ? help  q quit
    Remap keys in the config: [tool.scrubber.review-keys] accept = "a,enter"
    (the ids are listed by ? in the app).

    \b
    Examples:
      scrubber review samples/
      scrubber review corpus.jsonl --select unicode --session unicode.scrubber-session
      scrubber review --session unicode.scrubber-session      # resume
      scrubber apply unicode.scrubber-session -o clean/
    """
    choice = rule_choice(session_path, paths, select, ignore, rule_dirs, config_path, isolated)
    setup = build_engine(*choice)
    from ..review.app import BINDINGS, TWINS, ReviewApp, keymap_from_config  # Textual loads only for this command
    from ..review.keys import check_keymap

    try:
        keymap = keymap_from_config(setting(setup.config, None, "review_keys", {}))
        check_keymap(keymap, BINDINGS, TWINS)
    except ValueError as exc:
        fail(f"{setup.config.path}: {exc}")
    lock = ReviewLock(session_path or default_session_path(paths)) if session_path or paths else None
    try:
        session, messages = open_session(
            paths, session_path, setup, text_key, globs, jobs, need_terminal=True, input_format=input_format, lock=lock
        )
        remember_rules(session, choice)
        click.echo(f"Session: {session.path}", err=True)
        ReviewApp(session, messages, default_output=out_dir, keymap=keymap).run()
    finally:
        if lock is not None:
            lock.release()
    click.echo(f"Decisions saved in {session.path}. Write the result with: scrubber apply {session.path} -o DIR", err=True)
