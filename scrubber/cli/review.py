"""``scrubber review``: open the Textual reviewer over a session."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from ..config import place_of, split_codes
from ..engine import Engine
from ..io.sources import INPUT_FORMATS, BinaryInput, InputError, InputFile, discover, read_items
from ..progress import choose_mode, make_progress
from ..session import ReviewLock, Session, SessionError
from .common import Reporter, Setup, build_engine, fail, glob_option, rule_options, setting


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
    rules_change: str = "",
) -> tuple[Session, list[str]]:
    """Open (or create) the session and bring it up to date with its inputs.

    Nothing is created until the inputs are known to be reviewable (and,
    with ``need_terminal``, until the terminal is known to be one). ``lock``
    is taken before the inputs are synced: a second reviewer's sync would
    replace the findings under the first one. ``rules_change`` says how the
    rule options differ from the session's, for the message that says the
    rules changed.
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

    globs_used = list(globs) or setting(setup.config, None, "glob", None)
    unplaced: list[tuple[str, str]] = []
    try:
        sources = discover(list(paths), globs_used, "text", input_format, unplaced)
    except InputError as exc:
        fail(str(exc))
    if paths and not sources:  # an empty reviewer (and a session file) for nothing would hide a mistyped path or --glob
        for where, message in unplaced:
            Reporter()("note", where, message)
        matching = f" matching {' or '.join(globs_used)}" if globs_used else ""
        fail(f"no input files{matching} found in {' '.join(paths)}")
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
    report.rules_change = rules_change
    messages = report.messages() + problems[:8]
    if len(problems) > 8:
        messages.append(f"… and {len(problems) - 8} more problem(s) with the inputs (run `scrubber check` to list them)")
    return session, messages  # the app's message line says how many decisions a resumed session kept


@dataclass(frozen=True)
class RuleOptions:
    """The rule options of a review, as the session stores them (``meta.rule_options``).

    ``config`` is the config file in effect, given with ``--config`` or
    found from the current folder (``config_given`` says which): storing
    only a given one let a resume from another folder find another config
    and silently review other rules. ``pinned`` is False for sessions made
    before the found config was stored: their ``config=None`` may mean
    "whatever is found".
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    config: str | None = None
    config_given: bool = False
    isolated: bool = False
    pinned: bool = True

    @classmethod
    def given(cls, select: tuple, ignore: tuple, rule_dirs: tuple, config_path: Any, isolated: bool, found: Path | None) -> RuleOptions:
        """The options on the command line, with ``found``, the config file they loaded (if any)."""
        return cls(
            tuple(split_codes(select)),
            tuple(split_codes(ignore)),
            tuple(str(Path(p).resolve()) for p in rule_dirs),
            str(Path(found).resolve()) if found else None,
            bool(config_path) and not isolated,
            bool(isolated),
        )

    @classmethod
    def stored(cls, data: Any) -> RuleOptions | None:
        if not isinstance(data, dict):
            return None
        return cls(
            tuple(split_codes(data.get("select", []))),
            tuple(split_codes(data.get("ignore", []))),
            tuple(data.get("rules", [])),
            data.get("config"),
            data.get("config_given", True),
            bool(data.get("isolated")),
            "config_given" in data,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "select": list(self.select),
            "ignore": list(self.ignore),
            "rules": list(self.rules),
            "config": self.config,
            "config_given": self.config_given,
            "isolated": self.isolated,
        }

    def choice(self) -> tuple:
        """Arguments for ``build_engine`` that load these very rules, from any folder."""
        no_config = self.isolated or (self.pinned and self.config is None)  # not a config found where the resume runs
        config = Path(self.config) if self.config else None
        return self.select, self.ignore, tuple(Path(p) for p in self.rules), config, no_config

    def same_rules(self, other: RuleOptions) -> bool:
        """Whether both name the same rules (the order of codes, and how the config was found, aside)."""
        return (sorted(self.select), sorted(self.ignore), sorted(self.rules), self.config) == (
            sorted(other.select),
            sorted(other.ignore),
            sorted(other.rules),
            other.config,
        )

    def describe(self) -> str:
        """The options as a reviewer would type them: ``--select residue``, ``config ./scrubber.toml``."""
        parts = [f"--select {','.join(self.select)}"] if self.select else []
        parts += [f"--ignore {','.join(self.ignore)}"] if self.ignore else []
        parts += [f"--rules {path}" for path in self.rules]
        if self.isolated:
            parts.append("--isolated")
        elif self.config_given:
            parts.append(f"--config {self.config}")
        elif self.config:
            return f"{' '.join(parts)} (config {self.config})" if parts else f"the selection of config {self.config}"
        base = " ".join(parts) or "every enabled rule"
        return f"{base} (no config file)" if self.pinned and not (self.isolated or self.config_given) else base


@dataclass
class RuleChoice:
    """The rules a review runs and what the reviewer is told about them."""

    options: RuleOptions
    setup: Setup
    store: bool  # the session should remember these options
    resumed_with: str = ""  # on a resume, the rules in words (the message line names them)
    change: str = ""  # "was …, now …" when the options differ from the session's


def session_engine(session: Session) -> Engine | None:
    """The session's rules, to count what a later pass would find on the written result; None if they cannot be loaded."""
    options = RuleOptions.stored(session.get("rule_options"))
    if options is None or (options.config and not Path(options.config).is_file()):
        return None
    try:
        return build_engine(*options.choice()).engine
    except SystemExit:  # build_engine said why on stderr; writing does not need the rules
        return None


def stored_session(path: Path) -> tuple[RuleOptions | None, str | None, dict[str, int]]:
    """What a session holds about its rules: its options, the signature of its findings' rules, decisions per rule."""
    if not path.exists():
        return None, None, {}
    try:
        probe = Session(path)
        found = RuleOptions.stored(probe.get("rule_options")), probe.get("rules"), probe.decided_rules()
        probe.close()
    except SessionError as exc:
        fail(str(exc))
    return found


def choose_rules(
    session_path: Path,
    select: tuple,
    ignore: tuple,
    rule_dirs: tuple,
    config_path: Any,
    isolated: bool,
    rules_changed_ok: bool = False,
) -> RuleChoice:
    """The rules to review with: the session's when none are given, else those given, checked against the session's.

    Resuming with no rule options reviews the session's rules (and says
    which). Options whose rules leave out the rule of a decision in the
    session would hide that decision, and ``apply`` would leave its change
    out: that needs ``--rules-changed-ok``. Such decisions are never
    deleted; they are set aside and apply again once their rules are
    selected again (widening the selection needs no flag).
    """
    given = bool(select or ignore or rule_dirs or config_path or isolated)
    stored, signature, decided = stored_session(session_path)
    if stored is not None and not given:
        if stored.config and not Path(stored.config).is_file():
            fail(
                f"{session_path}: its rules came from the config file {stored.config}, which is gone;"
                " put it back, or give the rule options to review with (--rules-changed-ok if they leave out decided rules)"
            )
        setup = build_engine(*stored.choice())
        options = stored if stored.pinned else RuleOptions.given(*stored.choice(), found=setup.config.path)  # pin what is found now
        return RuleChoice(options, setup, store=not stored.pinned, resumed_with=options.describe())
    setup = build_engine(select, ignore, rule_dirs, config_path, isolated)
    options = RuleOptions.given(select, ignore, rule_dirs, config_path, isolated, found=setup.config.path)
    resumed_with = options.describe() if signature else ""
    if stored is None or stored.same_rules(options):
        return RuleChoice(options, setup, store=True, resumed_with=resumed_with)
    change = f"was {stored.describe()}, now {options.describe()}"
    selected = {spec.id for spec in setup.engine.specs}
    hidden = {rule: n for rule, n in decided.items() if rule not in selected}
    if hidden and not rules_changed_ok:
        rules = ", ".join(f"{rule} ({n})" for rule, n in sorted(hidden.items()))
        fail(
            f"{session_path} was reviewed with other rules ({change}).\n"
            f"  {sum(hidden.values())} decision(s) are on changes of rules these options leave out: {rules}.\n"
            "  They would be set aside (kept in the session, not lost) and `scrubber apply` would leave those changes out.\n"
            f"  Resume with the session's rules: scrubber review --session {session_path}\n"
            "  Review with these rules anyway: add --rules-changed-ok (the decisions come back with the old rules)\n"
            "  Or start a separate session: --session NEW.scrubber-session"
        )
    return RuleChoice(options, setup, store=True, resumed_with=resumed_with, change=change)


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
@click.option(
    "--rules-changed-ok",
    is_flag=True,
    help="Resume a session with rule options that select other rules than it was reviewed with"
    " (decisions on changes the new rules do not make are set aside, not lost).",
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
    rules_changed_ok: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    rule_dirs: tuple,
    config_path: Any,
    isolated: bool,
) -> None:
    """Review every change to PATH... in the terminal, one key per decision.

    Decisions are saved in a session file as they are made (the reviewer
    names it on screen); quitting or a crash loses nothing, and opening the
    same session again resumes where you left off, with the session's rules
    when no rule options are given (other rules that leave out decided
    changes need --rules-changed-ok). If an input changed since, its changes
    are recomputed and decisions that still apply are kept.
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
    if session_path is None and not paths:
        fail("give PATH... to review, or --session FILE to resume")
    path = session_path or default_session_path(paths)
    rules = choose_rules(path, select, ignore, rule_dirs, config_path, isolated, rules_changed_ok)
    setup = rules.setup
    from ..review.app import BINDINGS, TWINS, ReviewApp, keymap_from_config  # Textual loads only for this command
    from ..review.keys import check_keymap

    try:
        keymap = keymap_from_config(setting(setup.config, None, "review_keys", {}))
        check_keymap(keymap, BINDINGS, TWINS)
    except ValueError as exc:
        fail(f"{place_of(setup.config, 'review_keys', getattr(exc, 'names', set()))}: {exc}")
    lock = ReviewLock(path)
    try:
        session, messages = open_session(
            paths,
            session_path,
            setup,
            text_key,
            globs,
            jobs,
            need_terminal=True,
            input_format=input_format,
            lock=lock,
            rules_change=rules.change,
        )
        if rules.store:
            session.set("rule_options", rules.options.as_json())
        click.echo(f"Session: {session.path}", err=True)
        ReviewApp(session, messages, default_output=out_dir, keymap=keymap, rules=rules.resumed_with, engine=setup.engine).run()
    finally:
        lock.release()
    click.echo(f"Decisions saved in {session.path}. Write the result with: scrubber apply {session.path} -o DIR", err=True)
