"""Configuration: ``[tool.scrubber]`` in pyproject.toml or ``scrubber.toml``,
found by walking up from the working directory, and ruff-style rule
selection by id prefix.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .kinds.base import PackError, RuleSpec
from .packs import Pack, builtin_pack_dir, key_lines, load_packs, toml_error, toml_problem

#: settings accepted in the config file (dashes or underscores) and the TOML types each takes;
#: checked when the file loads, so a wrong value is one clear error, not a traceback mid-run
CONFIG_TYPES: dict[str, tuple[type, ...]] = {
    "select": (list, str),
    "ignore": (list, str),
    "rules": (list, str),
    "text_key": (str,),
    "unsafe": (bool,),
    "min_confidence": (int, float),
    "jobs": (int,),
    "glob": (list, str),
    "drop_flagged": (bool,),
    "drop_above": (int, float),
    "engine": (str,),
    "scheduler": (str,),
    "review_keys": (dict,),
}
CONFIG_KEYS = set(CONFIG_TYPES)
#: numbers with a range, checked like the command-line options they stand for
CONFIG_RANGES: dict[str, tuple[Any, str]] = {
    "min_confidence": (lambda v: 0 <= v <= 1, "between 0 and 1"),
    "drop_above": (lambda v: 0 <= v <= 1, "between 0 and 1"),
    "jobs": (lambda v: v >= 0, "0 (all cores) or more"),
}
#: settings with a fixed set of values, checked like the command-line choices they stand for
CONFIG_CHOICES: dict[str, tuple[str, ...]] = {"engine": ("local", "dask")}
_TYPE_WORDS = {list: "a list", str: "a string", bool: "true or false", int: "a number", float: "a number", dict: "a table"}


def _written(key: str) -> str:
    """A setting as the docs write it (``min-confidence``), whichever spelling the file used."""
    return key.replace("_", "-")


class ConfigError(ValueError):
    """The configuration file is unusable; the message names it."""


@dataclass
class Config:
    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)
    rules: list[Path] = field(default_factory=list)  # extra pack dirs/files
    values: dict[str, Any] = field(default_factory=dict)  # other settings, for CLI defaults
    path: Path | None = None


#: a pyproject.toml that mentions scrubber's table (a header or a dotted key), even if it does not parse
_MENTIONS_SCRUBBER = re.compile(r"""\btool\s*\.\s*["']?scrubber\b""")


def find_config(start: Path | None = None, warn: Callable[[str, str], None] | None = None) -> Path | None:
    """The nearest scrubber.toml, or pyproject.toml with [tool.scrubber].

    A pyproject.toml that does not parse is returned when it mentions
    ``tool.scrubber`` (so :func:`load_config` reports the TOML error with its
    line, instead of every rule silently running); one that does not mention
    it is somebody else's problem: ``warn(where, message)`` says it was
    skipped, and the search goes on upwards.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "scrubber.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                raw = pyproject.read_bytes()
            except OSError:
                continue
            text = raw.decode("utf-8", "replace")
            try:
                data = tomllib.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                if _MENTIONS_SCRUBBER.search(text):
                    return pyproject  # load_config names the problem
                if warn is not None:
                    where, problem = (
                        (str(pyproject), "not UTF-8") if isinstance(exc, UnicodeDecodeError) else toml_problem(pyproject, text, exc)
                    )
                    warn(where, f"{problem}; ignored (it has no [tool.scrubber] table)")
                continue
            if _scrubber_table(data) is not None:  # a `tool` that is not a table is another tool's problem
                return pyproject
    return None


def _scrubber_table(data: dict[str, Any]) -> Any:
    """pyproject.toml's ``tool.scrubber`` value, or None when it has none (``tool`` may be anything)."""
    tool = data.get("tool")
    return tool.get("scrubber") if isinstance(tool, dict) else None


def load_config(path: Path | None) -> Config:
    """The settings of ``path``, every value checked for its type, shape and range.

    A wrong value is one :class:`ConfigError` naming the file and the setting
    as written, here and not a traceback later in the run.
    """
    if path is None:
        return Config()
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(toml_error(path, text, exc)) from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError(f"{path}: 'tool' must be a table (scrubber reads [tool.scrubber]), not {tool!r}")
        data = tool.get("scrubber", {})
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: 'tool.scrubber' must be a table of settings ([tool.scrubber]), not {data!r}")
    elif set(data) == {"tool"} and isinstance(data["tool"], dict) and "scrubber" in data["tool"]:
        raise ConfigError(f"{path}: put the settings at the top level ([tool.scrubber] is for pyproject.toml)")

    def at(key: str, last: bool = False) -> str:
        """``path:LINE`` where ``key`` is set (its last place with ``last``, else its only one), or ``path``."""
        return _place(path, key_lines(text, _settings_table(path), {key, _written(key)}), last)

    settings: dict[str, Any] = {}
    for written, value in data.items():
        key = written.replace("-", "_")
        if key in settings:
            raise ConfigError(f"{at(key, last=True)}: {_written(key)!r} is given twice (as {_written(key)} and {key})")
        settings[key] = value
    unknown = set(settings) - CONFIG_KEYS
    if unknown:
        known = ", ".join(sorted(_written(k) for k in CONFIG_KEYS))
        where = at(min(unknown)) if len(unknown) == 1 else str(path)
        raise ConfigError(f"{where}: unknown setting(s): {', '.join(sorted(_written(k) for k in unknown))} (known: {known})")
    for key, value in settings.items():
        problem = _problem(key, value)
        if problem:
            raise ConfigError(f"{at(key)}: {_written(key)!r} {problem}")
    for key in ("select", "ignore", "rules", "glob"):  # one string is a list of one
        if isinstance(settings.get(key), str):
            settings[key] = [settings[key]]
    for key in ("select", "ignore"):  # "residue,unicode" as on the command line
        if key in settings:
            settings[key] = split_codes(settings[key])
    cfg = Config(path=path)
    cfg.select = settings.pop("select", cfg.select)
    cfg.ignore = settings.pop("ignore", cfg.ignore)
    cfg.rules = [path.parent / v for v in settings.pop("rules", [])]
    cfg.values = settings
    return cfg


def place_of(cfg: Config, setting: str, names: set[str]) -> str:
    """``path:LINE`` where a key of ``names`` is set in the table of ``setting`` (e.g. ``review_keys``), or ``path``.

    For settings checked after loading (``review-keys`` is checked against
    the reviewer's bindings): the file is read again for the line, which is
    given only when exactly one line sets such a key.
    """
    if cfg.path is None:
        return "config"
    try:
        text = cfg.path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return str(cfg.path)
    base = _settings_table(cfg.path)
    tables = {setting, _written(setting)}  # [review_keys] or [review-keys]
    return _place(cfg.path, [n for table in tables for n in key_lines(text, f"{base}.{table}" if base else table, names)])


def _settings_table(path: Path) -> str:
    """The TOML table scrubber's settings live in: ``tool.scrubber`` in pyproject.toml, the top level elsewhere."""
    return "tool.scrubber" if path.name == "pyproject.toml" else ""


def _place(path: Path, lines: list[int], last: bool = False) -> str:
    """``path:LINE`` for the only line of ``lines`` (the last one with ``last``), else ``path``: no line beats a wrong one."""
    line = lines[-1] if lines and last else lines[0] if len(lines) == 1 else None
    return f"{path}:{line}" if line is not None else str(path)


def _problem(key: str, value: Any) -> str:
    """What is wrong with ``value`` for setting ``key`` ("must be …, not …"), or "" if nothing."""
    allowed = CONFIG_TYPES[key]
    if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
        wanted = " or ".join(dict.fromkeys(_TYPE_WORDS[t] for t in allowed))
        if list in allowed:
            wanted = "a string or a list of strings"
        elif allowed == (int,):
            wanted = "a number (a whole one)"
        return f"must be {wanted}, not {value!r}"
    if key in CONFIG_RANGES and not CONFIG_RANGES[key][0](value):
        return f"must be {CONFIG_RANGES[key][1]}, not {value!r}"
    if key in CONFIG_CHOICES and value not in CONFIG_CHOICES[key]:
        return f"must be {' or '.join(map(repr, CONFIG_CHOICES[key]))}, not {value!r}"
    if isinstance(value, str) and not value.strip():
        return "must not be empty"
    if list in allowed:
        for item in [value] if isinstance(value, str) else value:
            if not isinstance(item, str):
                return f"must be a list of strings, not {value!r} ({item!r} is not a string)"
            if not item.strip():
                return f"must not hold an empty string: {value!r}"
            if key == "glob" and glob_problem(item, "glob"):
                return f"{item!r}: {glob_problem(item, 'glob')}"
    if isinstance(value, dict):  # review-keys: action = "keys"; the action names are checked by `scrubber review`
        for name, keys in value.items():
            if not isinstance(keys, str) or not keys.strip():
                return f'must map each action to a string of keys such as "a" or "a,enter", not {name} = {keys!r}'
    return ""


def glob_problem(pattern: str, option: str = "--glob") -> str:
    """Why a ``--glob`` (``glob`` in the config) pattern can match nothing, or "" when it can.

    Patterns are matched against file names inside the folders walked
    (recursively), so one holding a folder (``d/*.txt``) never matches.
    """
    if not pattern.strip():
        return "an empty pattern matches no file"
    if "/" not in pattern and os.sep not in pattern:
        return ""
    head, _, name = pattern.replace(os.sep, "/").rpartition("/")
    better = f"{option} {name or '*'!r}" if option.startswith("-") else f"{option} = {name or '*'!r}"
    if not head or any(c in head for c in "*?["):  # '**/*.txt', '*/x.txt': folders are walked anyway
        instead = f"folders are searched recursively already: {better}"
    else:
        instead = f"give the folder ({head}) as a PATH, and {better}"
    return f"{option} matches file names only, not paths; {instead}"


def split_codes(values: Iterable[str]) -> list[str]:
    """``["residue,unicode", "garble"]`` -> ``["residue", "unicode", "garble"]``."""
    return [code.strip() for v in values for code in v.split(",") if code.strip()]


def code_matches(rule_id: str, code: str) -> bool:
    """Does ``code`` (``ALL``, a family, a prefix or a full id) select ``rule_id``?"""
    return code == "ALL" or rule_id == code or rule_id.startswith(code + ".") or rule_id.startswith(code + "-")


def check_codes(packs: Sequence[Pack], codes: Iterable[str], where: str = "") -> None:
    """Raise :class:`PackError` for the first code that matches no rule, with the closest known code.

    ``where`` names the codes' origin (a config file's ``select``) in the message.
    """
    known = [s.id for p in packs for s in p.rules]
    for code in codes:
        if code != "ALL" and not any(code_matches(rule_id, code) for rule_id in known):
            names = sorted({*known, *(rule_id.split(".", 1)[0] for rule_id in known), "ALL"})
            raise PackError(f"{where}no rule matches {code!r}{did_you_mean(code, names)} (see 'scrubber rules' for the list)")


def did_you_mean(code: str, names: Iterable[str]) -> str:
    """``"; did you mean 'ALL'?"`` for the name closest to ``code`` (case aside), or ``""``."""
    by_folded: dict[str, str] = {}
    for name in names:
        by_folded.setdefault(name.casefold(), name)
    close = difflib.get_close_matches(code.casefold(), by_folded, n=1)
    return f"; did you mean {by_folded[close[0]]!r}?" if close else ""


def select_rules(packs: Sequence[Pack], select: Sequence[str], ignore: Sequence[str]) -> list[RuleSpec]:
    """Rules chosen ruff-style: selected by a prefix and not ignored.

    The longest matching prefix wins, so ``--select residue --ignore
    residue.read-more`` keeps all residue rules but one, and ``--ignore
    residue --select residue.source-link`` the reverse. A rule marked
    ``enabled = false`` in its pack runs only when selected by its full id.
    Unknown codes are an error, so a typo never silently selects nothing.
    """
    check_codes(packs, (*select, *ignore))
    chosen: list[RuleSpec] = []
    for pack in packs:
        for spec in pack.rules:
            best_sel = max((len(c) if c != "ALL" else 0 for c in select if code_matches(spec.id, c)), default=-1)
            best_ign = max((len(c) if c != "ALL" else 0 for c in ignore if code_matches(spec.id, c)), default=-1)
            if best_sel < 0 or best_ign >= best_sel:
                continue
            if spec.id in pack.disabled and spec.id not in select:
                continue
            chosen.append(spec)
    return chosen


def all_packs(extra: Sequence[Path] = ()) -> list[Pack]:
    """The built-in packs followed by the user's."""
    return load_packs([builtin_pack_dir(), *extra])
