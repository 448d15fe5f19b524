"""Options and plumbing shared by the batch commands."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from ..config import Config, ConfigError, find_config, load_config, select_rules, split_codes
from ..engine import Engine
from ..kinds.base import PackError
from ..packs import builtin_pack_dir, load_packs


def fail(message: str) -> None:
    """Print a usage/input error and exit 2 (never a traceback)."""
    click.echo(f"scrubber: error: {message}", err=True)
    sys.exit(2)


class Reporter:
    """Prints problems with inputs to stderr as ``where: level: message``."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.counts: dict[str, int] = {}

    def __call__(self, level: str, where: str, message: str) -> None:
        self.counts[level] = self.counts.get(level, 0) + 1
        if self.quiet and level == "note":
            return
        click.echo(f"{where}: {level}: {message}", err=True)


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


def build_engine(
    select: tuple[str, ...], ignore: tuple[str, ...], rule_dirs: tuple[Path, ...], config_path: Path | None, isolated: bool
) -> Setup:
    try:
        cfg = Config() if isolated else load_config(config_path or find_config())
    except ConfigError as exc:
        fail(str(exc))
    try:
        packs = load_packs([builtin_pack_dir(), *cfg.rules, *rule_dirs])
        # as in ruff: a --select on the command line starts the selection afresh;
        # without one, the config's selection stands and --ignore adds to it
        cli_select, cli_ignore = split_codes(select), split_codes(ignore)
        if cli_select:
            chosen = select_rules(packs, cli_select, cli_ignore)
        else:
            chosen = select_rules(packs, cfg.select, [*cfg.ignore, *cli_ignore])
    except PackError as exc:
        fail(str(exc))
    if not chosen:
        fail("no rules selected (check --select/--ignore)")
    return Setup(cfg, Engine(chosen))


def input_options(func: Callable[..., Any]) -> Callable[..., Any]:
    @click.argument("paths", nargs=-1, required=True, metavar="PATH...")
    @click.option("--text-key", default=None, metavar="KEY", help="JSONL field holding the text [default: text].")
    @click.option(
        "--glob",
        "globs",
        multiple=True,
        metavar="PATTERN",
        help="Inside folders, only files whose name matches (repeatable, e.g. '*.txt').",
    )
    @click.option(
        "--stdin-format", type=click.Choice(["text", "jsonl"]), default="text", show_default=True, help="Format of '-' (standard input)."
    )
    @click.option("-j", "--jobs", type=click.IntRange(0), default=None, help="Worker processes (0 = all cores) [default: 1].")
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


def setting(cfg: Config, cli_value: Any, key: str, default: Any) -> Any:
    """CLI value, else config value, else default."""
    if cli_value is not None:
        return cli_value
    return cfg.values.get(key, default)
