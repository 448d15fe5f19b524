"""Options and plumbing shared by the batch commands."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click

from ..config import Config, ConfigError, check_codes, find_config, glob_problem, load_config, select_rules, split_codes
from ..engine import Engine
from ..io.atomic import atomic_write_bytes, remove_empty_folders, remove_leftovers
from ..io.compression import STDIN_COMPRESSIONS
from ..io.remote import is_url
from ..io.sources import INPUT_FORMATS, InputError, InputFile, discover
from ..kinds.base import PackError
from ..packs import Pack, builtin_pack_dir, load_packs
from ..progress import Progress, choose_mode, make_progress
from ..report import terminal_text
from ..runner import RunAborted, Runner, Stats, default_jobs
from ..signals import note_stop
from .outputs import Planned, leave_out_outputs


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, turned into an interrupt so every atomic write cleans up as on Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_terminated(signum: int, frame: Any) -> None:
    note_stop(signum)  # raised inside a __del__, it would be lost: the runner raises it again
    raise Terminated(signum)


def stop_on_signals() -> None:
    """``kill`` or a closed terminal stops a run like Ctrl-C: temp files removed, workers ended.

    By default SIGTERM ends the process at once, leaving its temp files and
    orphaning its pool workers (which then run on, holding its pipes open).
    """
    for name in ("SIGTERM", "SIGHUP"):  # Windows has no SIGHUP
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        with contextlib.suppress(ValueError, OSError):  # not the main thread / not on this platform
            signal.signal(signum, _raise_terminated)


def interrupt_exit_code(exc: BaseException) -> int:
    """128 + the signal: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP."""
    cause = exc.__cause__
    return 128 + cause.signum if isinstance(cause, Terminated) else 130


def fail(message: str) -> None:
    """Print a usage/input error and exit 2 (never a traceback)."""
    click.echo(terminal_text(f"scrubber: error: {message}"), err=True)
    sys.exit(2)


class OutputDir(click.ParamType):
    """A folder to write under: a local path (a :class:`Path`) or a URL for fsspec (kept as ``str``)."""

    name = "dir"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path | str:
        if isinstance(value, Path) or not is_url(str(value)):
            path = Path(value)
            if path.exists() and not path.is_dir():
                self.fail(f"{path} is a file, not a folder", param, ctx)
            return path
        return str(value)


#: how many records of one file with the same problem are named one by one; the rest are counted
REPEATS_SHOWN = 5

_POSITION = re.compile(r"(?::\d+){1,2}$")


def record_problem(where: str, message: str) -> tuple[str, str, str] | None:
    """(file, kind of problem, unit) of a problem with one record (``file:line``, ``file:line:col``), else None.

    The kind is the message up to its details (``no 'body' field``,
    ``malformed JSON``), so that one wrong ``--text-key`` is one kind
    however the records differ.
    """
    position = _POSITION.search(where)
    if position is None:
        return None
    kind = re.split(r" \(|; ", message, maxsplit=1)[0]
    unit = "lines" if position.group().count(":") == 1 else "elements"
    return where[: position.start()], kind, unit


class Reporter:
    """Prints problems with inputs to stderr as ``where: level: message``.

    A problem that repeats on the records of one file (a wrong
    ``--text-key``: one per record, a million lines on a real corpus) is
    printed :data:`REPEATS_SHOWN` times; the rest are counted and said in
    one line (``… and 399,995 more lines with the same problem``) when the
    next file has problems of its own, or at :meth:`finish`. ``counts``
    counts every one.
    """

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.counts: dict[str, int] = {}
        self.progress: Progress | None = None  # erased before each message
        self._file: str | None = None  # the file whose record problems are being counted
        self._repeats: dict[tuple[str, str, str], int] = {}  # (level, kind, unit) -> how many in self._file

    def __call__(self, level: str, where: str, message: str) -> None:
        self.counts[level] = self.counts.get(level, 0) + 1
        if self.quiet and level == "note":
            return
        problem = record_problem(where, message)
        if problem is not None:
            file, kind, unit = problem
            if file != self._file:
                self.finish()
                self._file = file
            seen = self._repeats[level, kind, unit] = self._repeats.get((level, kind, unit), 0) + 1
            if seen > REPEATS_SHOWN:
                return
        self._echo(f"{where}: {level}: {message}")

    def finish(self) -> None:
        """Say how many record problems of the current file were not printed."""
        for (level, kind, unit), seen in self._repeats.items():
            if seen > REPEATS_SHOWN:
                self._echo(f"{self._file}: {level}: … and {seen - REPEATS_SHOWN:,} more {unit} with the same problem ({kind})")
        self._repeats.clear()
        self._file = None

    def _echo(self, line: str) -> None:
        if self.progress is not None:
            self.progress.clear()
        click.echo(terminal_text(line), err=True)


def rule_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--select / --ignore / --rules / --config."""

    @click.option(
        "--select", multiple=True, metavar="CODES", help="Rule ids or prefixes to run, comma-separated (default: all enabled rules)."
    )
    @click.option("--ignore", multiple=True, metavar="CODES", help="Rule ids or prefixes to skip; the longest matching prefix wins.")
    @click.option(
        "--rules",
        "rule_dirs",
        multiple=True,
        type=click.Path(path_type=Path),
        metavar="PATH",
        help="Extra rule pack file or folder of packs (repeatable).",
    )
    @click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Config file (default: nearest scrubber.toml or pyproject.toml with [tool.scrubber]).",
    )
    @click.option("--isolated", is_flag=True, help="Ignore configuration files.")
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


@dataclass
class Setup:
    config: Config
    engine: Engine


def config_warning(where: str, message: str) -> None:
    """A configuration file scrubber skipped (a broken pyproject.toml that is not about scrubber)."""
    click.echo(terminal_text(f"{where}: warning: {message}"), err=True)


def load_settings(config_path: Path | None, isolated: bool) -> Config:
    """The configuration (``--config``, else the nearest file; none with ``--isolated``), or exit 2."""
    try:
        return Config() if isolated else load_config(config_path or find_config(warn=config_warning))
    except ConfigError as exc:
        fail(str(exc))
        raise  # unreachable: fail exits


def build_engine(
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    rule_dirs: tuple[Path, ...],
    config_path: Path | None,
    isolated: bool,
    cfg: Config | None = None,
) -> Setup:
    """Load the packs and choose the rules; ``cfg`` when the caller already loaded the settings.

    Building takes about 0.4 s (the residue patterns compiled), so commands
    check their inputs and outputs first and fail fast on a usage error.
    """
    if cfg is None:
        cfg = load_settings(config_path, isolated)
    try:
        packs = load_packs([builtin_pack_dir(), *cfg.rules, *rule_dirs])
        # as in ruff: a --select on the command line starts the selection afresh;
        # without one, the config's selection stands and --ignore adds to it
        cli_select, cli_ignore = split_codes(select), split_codes(ignore)
        if select and not cli_select:  # `--select "$RULES"` with RULES unset must not run every rule
            fail(f"--select {' '.join(map(repr, select))} names no rule (an unset variable?); give rule codes, or ALL for every rule")
        check_codes(packs, cli_select, "--select: ")
        check_codes(packs, cli_ignore, "--ignore: ")
        if not cli_select:  # the config's selection stands: name its file in a problem
            check_codes(packs, cfg.select, f"{cfg.path}: select: " if cfg.path else "")
            check_codes(packs, cfg.ignore, f"{cfg.path}: ignore: " if cfg.path else "")
        if cli_select:
            chosen = select_rules(packs, cli_select, cli_ignore)
        else:
            chosen = select_rules(packs, cfg.select, [*cfg.ignore, *cli_ignore])
        if not chosen:
            fail(nothing_selected(packs, cli_select, cli_ignore, cfg))
    except PackError as exc:
        fail(str(exc))
    return Setup(cfg, Engine(chosen))


def nothing_selected(packs: list[Pack], cli_select: list[str], cli_ignore: list[str], cfg: Config) -> str:
    """Why no rule runs, named where the selection came from: an empty ``select``, opt-in rules only, or the ignores."""
    if cli_select:
        select, ignore, origin = cli_select, cli_ignore, "--select"
        ignored_by = "--ignore"
    else:
        select, ignore, origin = cfg.select, [*cfg.ignore, *cli_ignore], f"{cfg.path}: select" if cfg.path else "select"
        ignored_by = " and ".join([*(["ignore"] if cfg.ignore else []), *(["--ignore"] if cli_ignore else [])])
    if not select:
        return f"{origin} is empty, so no rule runs (leave it out to run every enabled rule, or name rule codes)"
    codes = ",".join(select)
    opt_in = [s.id for s in select_rules([replace(p, disabled=frozenset()) for p in packs], select, ignore)]
    if opt_in:  # what would run if opt-in rules were not: all of it is opt-in
        shown = ", ".join(opt_in[:3]) + (", …" if len(opt_in) > 3 else "")
        return (
            f"{origin}: no rules selected: the rules {codes!r} matches are opt-in (disabled by default), "
            f"and run only when selected by their full id ({shown})"
        )
    verb = "leave" if " and " in ignored_by else "leaves"
    return f"{origin}: no rules selected: {ignored_by} {verb} out every rule {codes!r} matches"


def find_inputs(
    paths: tuple[str, ...],
    globs: tuple[str, ...],
    cfg: Config,
    formats: InputFormats,
    reporter: Reporter,
    planned: Planned | None = None,
) -> list[InputFile]:
    """The input files of PATH... (``--glob``, else the config's); see :func:`discover_inputs`."""
    return discover_inputs(paths, list(globs) or setting(cfg, None, "glob", None), formats, reporter, planned)


@dataclass(frozen=True)
class InputFormats:
    """``--input-format`` (files) and ``--stdin-format`` ('-'; by default the forced file format, else text)."""

    files: str = "auto"
    stdin: str | None = None
    #: ``--stdin-compression``: auto (by the magic number), none, or a kind
    stdin_compression: str = "auto"

    @property
    def of_stdin(self) -> str | None:
        """The format of '-' that was asked for; None when it is text by default (and sniffed for a hint)."""
        return self.stdin or (self.files if self.files != "auto" else None)


def discover_inputs(
    paths: tuple[str, ...], globs: list[str] | None, formats: InputFormats, reporter: Reporter, planned: Planned | None = None
) -> list[InputFile]:
    """The input files of PATH..., or exit 2 saying which path is missing or that there is nothing to read.

    A run with no input at all is an error: a mistyped ``--glob`` must not
    read as "0 documents, no findings" and exit 0. A folder with nothing to
    read among other inputs is a warning. Files this run writes (``planned``)
    are left out of folder walks. ``-`` may be given once; on a terminal it
    says that it is waiting for standard input.
    """
    if paths.count("-") > 1:
        fail("'-' (standard input) can be given only once")
    found: list[InputFile] = []
    empty: list[str] = []
    for arg in paths:
        unplaced: list[tuple[str, str]] = []
        try:
            got = discover([arg], globs, formats.of_stdin, formats.files, unplaced, formats.stdin_compression)
        except InputError as exc:
            fail(str(exc))
        for where, message in unplaced:  # why a folder that holds nothing to read was not entered
            reporter("note", where, message)
        got = leave_out_outputs(got, planned, reporter)
        if not got:
            empty.append(arg)
        found.extend(got)
    matching = f" matching {' or '.join(globs)}" if globs else ""
    if not found:
        fail(f"no input files{matching} found in {' '.join(paths)}")
    for arg in empty:
        reporter("warning", arg, f"no input files{matching} found")
    for source in found:
        for hint in source.hints:
            reporter("warning", source.display, hint)
    if any(s.is_stdin for s in found) and _stdin_is_a_terminal():
        end = "Ctrl-Z then Enter" if sys.platform == "win32" else "Ctrl-D"
        click.echo(f"scrubber: reading standard input ({end} to end)", err=True)
    return found


def _stdin_is_a_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):  # closed or replaced
        return False


def checked_globs(ctx: click.Context, param: click.Parameter, globs: tuple[str, ...]) -> tuple[str, ...]:
    """``--glob`` patterns, or exit 2 for one that can match nothing (empty, or a path: ``d/*.txt``)."""
    for pattern in globs:
        problem = glob_problem(pattern)
        if problem:
            fail(f"--glob {pattern!r}: {problem}")
    return globs


#: --glob for every command that walks folders, its patterns checked when parsed
glob_option = click.option(
    "--glob",
    "globs",
    multiple=True,
    metavar="PATTERN",
    callback=checked_globs,
    help="Inside folders, only files whose name (not path) matches (repeatable, e.g. '*.txt').",
)


def input_options(func: Callable[..., Any]) -> Callable[..., Any]:
    @click.argument("paths", nargs=-1, required=True, metavar="PATH...")
    @click.option("--text-key", default=None, metavar="KEY", help="JSONL field holding the text [default: text].")
    @glob_option
    @format_options
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


def format_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--input-format / --stdin-format / --stdin-compression, gathered into ``formats: InputFormats``."""

    @click.option(
        "--input-format",
        type=click.Choice(INPUT_FORMATS),
        default="auto",
        show_default=True,
        help=(
            "Format of the input files. auto: .jsonl/.ndjson are JSON Lines; a .json file is JSON Lines when its first line "
            "is an object, else a JSON document (an array of records, or one record) when it starts with '[' or '{'; "
            "anything else is text."
        ),
    )
    @click.option(
        "--stdin-format",
        type=click.Choice(INPUT_FORMATS[1:]),
        default=None,
        help="Format of '-' (standard input) [default: the --input-format given, else text].",
    )
    @click.option(
        "--stdin-compression",
        type=click.Choice(STDIN_COMPRESSIONS),
        default="auto",
        show_default=True,
        help=(
            "Compression of '-' (standard input). auto: by its first bytes (gzip, zstd, bzip2, xz), and bytes that only start "
            "like one (text whose first bytes happen to match) are read as they are, with a warning; "
            "none: read the bytes as they are; gz, zst, bz2, xz: always decompress."
        ),
    )
    @functools.wraps(func)
    def wrapper(*args: Any, input_format: str, stdin_format: str | None, stdin_compression: str, **kwargs: Any) -> Any:
        return func(*args, formats=InputFormats(input_format, stdin_format, stdin_compression), **kwargs)

    return wrapper


def setting(cfg: Config, cli_value: Any, key: str, default: Any) -> Any:
    """CLI value, else config value, else default."""
    if cli_value is not None:
        return cli_value
    return cfg.values.get(key, default)


def writable_stats_path(ctx: click.Context, param: click.Parameter, path: Path | None) -> Path | None:
    """``--stats FILE``, or exit 2 now if it cannot be written; nothing is created before the run.

    Found only at the end, an unwritable stats path failed a run whose
    outputs were already written. Missing folders are made when the file is
    written (as for ``-o``), so the nearest existing one must be a folder
    that can be written in.
    """
    if path is None:
        return None
    if path.is_dir():
        fail(f"--stats {path}: is a folder; give a file name")
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        fail(f"--stats {path}: cannot write it: {folder} is not a directory")
    if not os.access(folder, os.W_OK | os.X_OK):
        fail(f"--stats {path}: cannot write in {folder} (permission denied)")
    return path


def batch_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--jobs / --engine / --scheduler / --progress / --stats, gathered into ``batch: BatchOptions``."""

    @click.option(
        "-j", "--jobs", type=click.IntRange(0), default=None, help="Worker processes (0 = all cores; 1 = no pool) [default: all cores]."
    )
    @click.option(
        "--engine",
        "engine_name",
        type=click.Choice(["local", "dask"]),
        default=None,
        help="local: this machine's cores; dask: a Dask cluster (needs scrubber[dask]) [default: local].",
    )
    @click.option(
        "--scheduler", metavar="ADDR", default=None, help="Dask scheduler address (default: start a local cluster of --jobs workers)."
    )
    @click.option(
        "--progress/--no-progress",
        default=None,
        help="Progress on stderr [default: on a terminal only; forced on a non-terminal it prints JSON lines].",
    )
    @click.option(
        "--stats",
        "stats_path",
        type=click.Path(path_type=Path, dir_okay=False),
        callback=writable_stats_path,
        help="Also write the per-rule summary as JSON to FILE.",
    )
    @functools.wraps(func)
    def wrapper(
        *args: Any,
        jobs: int | None,
        engine_name: str | None,
        scheduler: str | None,
        progress: bool | None,
        stats_path: Path | None,
        **kwargs: Any,
    ) -> Any:
        batch = BatchOptions(jobs, engine_name, scheduler, progress, stats_path)
        return func(*args, batch=batch, **kwargs)

    return wrapper


@dataclass
class BatchOptions:
    jobs: int | None
    engine: str | None
    scheduler: str | None
    progress: bool | None
    stats_path: Path | None


def run_batch(batch: BatchOptions, cfg: Config, reporter: Reporter, sources: list, stdout_busy: bool, **runner_args: Any) -> Stats:
    """Build the backend and progress display, run, write --stats; exit on abort.

    ``stdout_busy``: results go to stdout (a redrawn progress line would tear
    them on a terminal). Ctrl-C exits 130 and a failed worker 2, after saying
    which inputs were finished; --stats is written in every case.
    """
    jobs = int(setting(cfg, batch.jobs, "jobs", 0)) or default_jobs()
    engine_name = setting(cfg, batch.engine, "engine", "local")
    scheduler = setting(cfg, batch.scheduler, "scheduler", None)
    if engine_name not in ("local", "dask"):
        fail(f"engine must be 'local' or 'dask', not {engine_name!r}")
    if scheduler and engine_name != "dask":
        fail("--scheduler needs --engine dask")
    backend = None
    if engine_name == "dask":
        from ..distributed import DaskBackend, DaskMissing

        try:
            backend = DaskBackend(scheduler, jobs)
        except DaskMissing as exc:
            fail(str(exc))
    progress = make_progress(choose_mode(batch.progress, sys.stderr, stdout_busy), sources)
    reporter.progress = progress
    runner = Runner(runner_args.pop("engine"), report=reporter, jobs=jobs, backend=backend, on_progress=progress, **runner_args)
    try:
        stats = runner.run(sources)
    except RunAborted as exc:
        remove_leftovers()  # a temp file whose own cleanup the interrupt cut short
        remove_empty_folders()
        reporter.finish()
        progress.clear()
        click.echo(terminal_text(f"scrubber: {exc.describe()}"), err=True)
        if runner_args.get("in_place") and exc.stopped:  # "output removed" must not read as "your input is gone"
            click.echo("scrubber: --in-place: every input not finished is left exactly as it was", err=True)
        write_stats(batch.stats_path, exc.stats, reporter)
        sys.exit(interrupt_exit_code(exc) if exc.interrupted else 2)
    except BrokenPipeError:  # `scrubber check ... | head`: the reader is gone; click exits quietly
        raise
    except OSError as exc:  # e.g. the Dask scheduler cannot be reached
        progress.clear()
        fail(f"cannot start the {engine_name} engine: {exc}")
    remove_empty_folders()  # made for an output that was not written (its input failed)
    reporter.finish()
    progress.close(stats)
    if not write_stats(batch.stats_path, stats, reporter):
        stats.errors += 1
    return stats


def write_stats(path: Path | None, stats: Stats, reporter: Reporter) -> bool:
    if path is None:
        return True
    try:
        atomic_write_bytes(path, (json.dumps(stats.to_dict(), indent=2) + "\n").encode())
    except OSError as exc:
        reporter("error", str(path), f"cannot write stats ({exc.strerror or exc})")
        return False
    return True
