"""Load and validate rule packs (TOML data files), and run their examples.

A pack is pure data: loading one parses TOML, checks every field and compiles
every regex, and never executes code from the pack. Every error names the
file, the rule and the problem.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from .kinds.base import ACTIONS, Example, PackError, RuleSpec, get_kind, kind_names

#: keys every rule may carry; anything else is a parameter of its kind
COMMON_KEYS = {"id", "kind", "action", "description", "message", "rationale", "confidence", "safe", "priority", "enabled", "examples"}
REQUIRED_KEYS = ("id", "kind", "action", "description", "examples")


@dataclass(frozen=True)
class Pack:
    path: str
    name: str
    description: str
    rules: tuple[RuleSpec, ...]
    disabled: frozenset[str]  # rules that run only when selected by full id


def builtin_pack_dir() -> Path:
    """The packs shipped inside the wheel (``scrubber/rules``, a copy of ``rules/``)."""
    here = Path(__file__).resolve().parent
    repo_rules = here.parent / "rules"
    if repo_rules.is_dir() and (here.parent / "pyproject.toml").is_file():
        return repo_rules  # running from a source checkout (editable install)
    return Path(str(resources.files("scrubber") / "rules"))


def pack_files(path: Path) -> list[Path]:
    """The packs in ``path``: the file itself, or a folder's ``*.toml`` files (any case: ``.TOML`` too).

    A folder with no pack is an error: ``--rules DIR`` naming the wrong
    folder must not run without the rules it was meant to add.
    """
    if not path.is_dir():
        return [path]
    try:
        found = sorted(p for p in path.iterdir() if p.suffix.lower() == ".toml" and not p.name.startswith(".") and p.is_file())
    except OSError as exc:
        raise PackError(f"{path}: cannot list rule pack folder: {exc.strerror or exc}") from None
    if not found:
        raise PackError(f"{path}: no rule pack in this folder (a pack is a .toml file)")
    return found


_TOML_WHERE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


def toml_problem(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> tuple[str, str]:
    """Where (``path:LINE``) and what (``invalid TOML: … (column C)``) of a TOML error.

    tomllib says where inside its message ("(at line 3, column 1)" or "(at
    end of document)", which is the last line); an editor wants ``path:line``.
    """
    message = str(exc)
    m = _TOML_WHERE.search(message)
    if m is None:
        return str(path), f"invalid TOML: {message}"
    what = message[: m.start()]
    if m.group(1):
        return f"{path}:{m.group(1)}", f"invalid TOML: {what} (column {m.group(2)})"
    return f"{path}:{max(1, len(text.splitlines()))}", f"invalid TOML: {what} (at the end of the file)"


def toml_error(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> str:
    """``path:LINE: invalid TOML: what (column C)``."""
    return ": ".join(toml_problem(path, text, exc))


def load_pack(path: Path) -> Pack:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PackError(f"{path}: cannot read rule pack: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PackError(f"{path}: rule pack is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PackError(toml_error(path, text, exc)) from None
    meta = data.get("pack", {})
    if not isinstance(meta, dict):
        raise PackError(f"{path}: [pack] must be a table")
    rules_raw = data.get("rules")
    if not isinstance(rules_raw, list) or not rules_raw:
        raise PackError(f"{path}: a pack needs at least one [[rules]] table")
    unknown_top = set(data) - {"pack", "rules"}
    if unknown_top:
        raise PackError(f"{path}: unknown top-level key(s): {', '.join(sorted(unknown_top))}")
    lines = RuleLines(text, rules_raw)
    specs: list[RuleSpec] = []
    disabled: set[str] = set()
    seen: set[str] = set()
    for n, raw_rule in enumerate(rules_raw, 1):
        try:
            spec = _parse_rule(path, n, raw_rule)
        except PackError as exc:
            raise lines.placed(path, exc, n) from None
        if spec.id in seen:
            raise PackError(lines.at(path, n, f"rule {spec.id!r} is defined twice"))
        seen.add(spec.id)
        specs.append(spec)
        if raw_rule.get("enabled", True) is False:
            disabled.add(spec.id)
    # compiling validates regexes and kind-specific parameters
    from .engine import compile_specs

    try:
        compile_specs(specs)
    except PackError as exc:
        named = [n for n, spec in enumerate(specs, 1) if str(exc).startswith(f"{spec.where()}: ")]
        raise (lines.placed(path, exc, named[0]) if len(named) == 1 else exc) from None
    return Pack(str(path), str(meta.get("name", path.stem)), str(meta.get("description", "")), tuple(specs), frozenset(disabled))


# -- where a rule is in the source ------------------------------------------------------------

#: a table header line: ``[name]`` or ``[[name]]`` (group 1 is "[[" for an array of tables)
_HEADER = re.compile(r"""^[ \t]*(\[\[?)([^\[\]]*)\]\]?[ \t]*(?:#.*)?$""")
_MULTILINE_STRING = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''.*?'''", re.S)


def string_lines(text: str) -> list[bool]:
    """For each line of TOML ``text`` (split at ``\\n``): whether it lies inside a multi-line string (after its first line).

    Such a line may look like a key or a table header and is neither.
    """
    hidden = [False] * (text.count("\n") + 1)
    for m in _MULTILINE_STRING.finditer(text):
        first, last = text.count("\n", 0, m.start()), text.count("\n", 0, m.end())
        hidden[first + 1 : last + 1] = [True] * (last - first)
    return hidden


#: one part of a TOML key: bare, or quoted (a quoted part may hold dots)
_KEY_PART = r"""(?:"[^"\n]*"|'[^'\n]*'|[A-Za-z0-9_-]+)"""
_DOTTED = rf"{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART})*"
#: a key (dotted or not) at the start of a line, and the value that follows its ``=``
_LINE_KEY = re.compile(rf"^[ \t]*({_DOTTED})[ \t]*=[ \t]*(.*)$")
#: a key inside an inline table (``{ a = 1, b.c = 2 }``)
_INLINE_KEY = re.compile(rf"[{{,][ \t]*({_DOTTED})[ \t]*=")


def _key_path(key: str) -> tuple[str, ...]:
    """The parts of a TOML key or table name: ``a."b.c".d`` -> ("a", "b.c", "d")."""
    return tuple(part[1:-1] if part[0] in "\"'" else part for part in re.findall(_KEY_PART, key))


def key_lines(text: str, table: str, names: set[str]) -> list[int]:
    """The 1-based lines where a key of ``names`` is set in ``table`` ("" for the top level) of TOML ``text``.

    A line ``key = …`` inside the table, the header of its sub-table
    (``[table.key]``), a dotted key that reaches it from any table
    (``scrubber.review-keys.accept = …`` under ``[tool]``), or an inline
    table that sets it (``review-keys = { accept = … }``; TOML keeps an
    inline table on one line). Used to put a line number on an error about
    a value tomllib read (it keeps no positions); lines inside multi-line
    strings are not keys.
    """
    hidden = string_lines(text)
    current: tuple[str, ...] = ()
    base = _key_path(table) if table else ()
    targets = {(*base, name) for name in names}
    hits: list[int] = []
    for n, line in enumerate(text.split("\n")):
        if hidden[n]:
            continue
        if header := _HEADER.match(line):
            current = _key_path(header.group(2))
            if header.group(1) == "[" and current in targets:
                hits.append(n + 1)
        elif key := _LINE_KEY.match(line):
            path = (*current, *_key_path(key.group(1)))
            if path in targets or (key.group(2).startswith("{") and _sets_inline(key.group(2), path, targets)):
                hits.append(n + 1)
    return hits


def _sets_inline(value: str, path: tuple[str, ...], targets: set[tuple[str, ...]]) -> bool:
    """Does the inline table ``value`` of key ``path`` set one of ``targets``? (nesting told by the parts it names)"""
    inner = {part for m in _INLINE_KEY.finditer(value) for part in _key_path(m.group(1))}
    return any(target[: len(path)] == path and len(target) > len(path) and set(target[len(path) :]) <= inner for target in targets)


class RuleLines:
    """The line of each rule of a pack in its source, found in the text (tomllib gives no positions).

    Rules written as ``[[rules]]`` tables are numbered by their headers,
    and a key of one (``colour = …``) is found between its header and the
    next header (its own keys come before its sub-tables). Only when the headers
    count exactly as many rules as TOML read: in any other style (``rules =
    [{…}, …]``, headers inside multi-line strings) a rule is found by its
    ``id = "…"`` line if that is unique, else not at all. No line is better
    than a wrong one.
    """

    def __init__(self, text: str, rules: list[Any]) -> None:
        self.lines = [line.removesuffix("\r") for line in text.split("\n")]  # numbered as tomllib does
        self.rules = rules
        self.hidden = hidden = string_lines(text)
        headers = [(i, m) for i, line in enumerate(self.lines) if not hidden[i] and (m := _HEADER.match(line))]
        names = [(i, m.group(1) == "[[", re.sub(r"""[\s"']""", "", m.group(2))) for i, m in headers]
        starts = [i for i, array, name in names if array and name == "rules"]
        self.spans: list[tuple[int, int]] | None = None
        if len(starts) == len(rules):
            # a rule's own keys come before its first sub-table ([rules.examples]) or the next table
            ends = [next((j for j, _, _ in names if j > i), len(self.lines)) for i in starts]
            self.spans = list(zip(starts, ends))

    def line(self, n: int, key: str | None = None) -> int | None:
        """The 1-based line of rule #n, at ``key`` when the key is written once in its table."""
        if self.spans is None:
            return self._id_line(n)
        start, end = self.spans[n - 1]
        if key is not None:
            written = re.compile(rf"""^[ \t]*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')[ \t]*[=.]""")
            hits = [i for i in range(start + 1, end) if not self.hidden[i] and written.match(self.lines[i])]
            if len(hits) == 1:
                return hits[0] + 1
        return start + 1

    def _id_line(self, n: int) -> int | None:
        raw = self.rules[n - 1]
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(rule_id, str):
            return None
        written = re.compile(rf"""(?:^|[{{,\s])(?:id|"id"|'id')[ \t]*=[ \t]*(?:"{re.escape(rule_id)}"|'{re.escape(rule_id)}')""")
        hits = [i for i, line in enumerate(self.lines) if not self.hidden[i] and written.search(line)]
        return hits[0] + 1 if len(hits) == 1 else None

    def at(self, path: Path, n: int, what: str, key: str | None = None) -> str:
        """``path:LINE: what`` (``path: what`` when the line is not known)."""
        line = self.line(n, key)
        return f"{path}:{line}: {what}" if line is not None else f"{path}: {what}"

    def placed(self, path: Path, exc: PackError, n: int) -> PackError:
        """``exc`` (``path: rule …: problem``) with the line of rule #n, at the key the problem is about."""
        message = str(exc)
        if not message.startswith(f"{path}: "):
            return exc
        what = message[len(f"{path}: ") :]
        raw = self.rules[n - 1]
        return PackError(self.at(path, n, what, _key_of(what, raw) if isinstance(raw, dict) else None))


def _where_rule(path: Path, rule_id: str) -> str:
    """``path:LINE`` of rule ``rule_id`` in a pack that loaded (read again: this is for an error), else ``path``."""
    try:
        text = path.read_text("utf-8")
        rules = tomllib.loads(text)["rules"]
        n = next(n for n, raw in enumerate(rules, 1) if raw.get("id") == rule_id)
        line = RuleLines(text, rules).line(n)
    except (OSError, ValueError, KeyError, StopIteration):  # changed since it loaded: no line rather than a wrong one
        line = None
    return f"{path}:{line}" if line is not None else str(path)


def _key_of(what: str, raw: dict[str, Any]) -> str | None:
    """The key of rule table ``raw`` that the problem ``what`` is about, if it says so unambiguously.

    Named in a list of unknown parameters, quoted (``'where' must be …``), or
    by its value (``unknown kind 'wizard'``, ``invalid regex '(x'``).
    """
    problem = what.split(": ", 1)[1] if ": " in what else what
    listed = re.search(r"unknown parameter\(s\) for kind '[^']*': ([^,\s]+)", problem)
    if listed and listed.group(1) in raw:
        return listed.group(1)
    quoted = [k for k in re.findall(r"'([^']*)'", problem) if k in raw]
    if quoted:
        return quoted[0]
    by_value = [k for k, v in raw.items() if isinstance(v, str) and v and repr(v) in problem]
    return by_value[0] if len(by_value) == 1 else None


def _parse_rule(path: Path, n: int, raw: Any) -> RuleSpec:
    where = f"{path}: rule #{n}"
    if not isinstance(raw, dict):
        raise PackError(f"{where}: must be a table")
    if isinstance(raw.get("id"), str):
        where = f"{path}: rule {raw['id']!r}"
    for key in REQUIRED_KEYS:
        if key not in raw:
            raise PackError(f"{where}: missing field {key!r}")
    for key in ("id", "kind", "action", "description", "message", "rationale"):
        if key in raw and not isinstance(raw[key], str):
            raise PackError(f"{where}: field {key!r} must be a string")
    rule_id = raw["id"]
    if not rule_id or any(c.isspace() or c in ",[]" for c in rule_id) or "." not in rule_id:
        raise PackError(f"{where}: id must look like 'family.name' (no spaces or commas)")
    kind = get_kind(raw["kind"])
    if kind is None:
        raise PackError(f"{where}: unknown kind {raw['kind']!r} (known: {', '.join(kind_names())})")
    if raw["action"] not in ACTIONS:
        raise PackError(f"{where}: unknown action {raw['action']!r} (known: {', '.join(ACTIONS)})")
    confidence = raw.get("confidence", 1.0)
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1:
        raise PackError(f"{where}: confidence must be a number from 0 to 1")
    for key, typ, words in (("safe", bool, "true or false"), ("enabled", bool, "true or false"), ("priority", int, "a whole number")):
        if key in raw and (not isinstance(raw[key], typ) or (typ is int and isinstance(raw[key], bool))):
            raise PackError(f"{where}: field {key!r} must be {words}, not {raw[key]!r}")
    matches, no_matches = _parse_examples(where, raw["examples"], raw["action"])
    spec = RuleSpec(
        id=rule_id,
        kind=raw["kind"],
        action=raw["action"],
        description=raw["description"],
        params={k: v for k, v in raw.items() if k not in COMMON_KEYS},
        message=raw.get("message", ""),
        rationale=raw.get("rationale", ""),
        confidence=float(confidence),
        safe=raw.get("safe", raw["action"] != "flag"),
        priority=raw.get("priority", 0),
        examples_match=matches,
        examples_no_match=no_matches,
        source=str(path),
    )
    kind.validate(spec)
    return spec


def _parse_examples(where: str, raw: Any, action: str) -> tuple[tuple[Example, ...], tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise PackError(f"{where}: 'examples' must be a table with 'match' and 'no_match'")
    unknown = set(raw) - {"match", "no_match"}
    if unknown:
        raise PackError(f"{where}: unknown example key(s): {', '.join(sorted(unknown))}")
    match_raw, no_raw = raw.get("match", []), raw.get("no_match", [])
    if not isinstance(match_raw, list) or not match_raw:
        raise PackError(f"{where}: needs at least one example in examples.match")
    if not isinstance(no_raw, list) or not no_raw or not all(isinstance(t, str) for t in no_raw):
        raise PackError(f"{where}: needs at least one string in examples.no_match (text it must leave alone)")
    out: list[Example] = []
    for k, ex in enumerate(match_raw, 1):
        if not isinstance(ex, dict) or not isinstance(ex.get("text"), str):
            raise PackError(f"{where}: examples.match #{k} needs a 'text' string")
        key = "flagged" if action == "flag" else "result"
        if not isinstance(ex.get(key), str):
            raise PackError(
                f"{where}: examples.match #{k} needs a {key!r} string (the expected {'flagged span' if key == 'flagged' else 'text after the fix'})"
            )
        out.append(Example(text=ex["text"], result=ex.get("result"), flagged=ex.get("flagged")))
    return tuple(out), tuple(no_raw)


def load_packs(paths: Iterable[Path]) -> list[Pack]:
    """Load packs from files or directories; rule ids must be unique across them."""
    packs: list[Pack] = []
    owner: dict[str, str] = {}
    for base in paths:
        if not base.exists():
            raise PackError(f"{base}: no such rule pack or directory")
        for path in pack_files(base):
            pack = load_pack(path)
            for spec in pack.rules:
                if spec.id in owner:
                    first = _where_rule(Path(owner[spec.id]), spec.id)
                    raise PackError(f"{_where_rule(path, spec.id)}: rule {spec.id!r} is already defined in {first}")
                owner[spec.id] = str(path)
            packs.append(pack)
    return packs


# -- running examples ----------------------------------------------------------


@dataclass(frozen=True)
class ExampleFailure:
    rule: str
    source: str
    problem: str


def check_examples(specs: Iterable[RuleSpec]) -> Iterator[ExampleFailure]:
    """Run each rule alone on its examples; yield every disagreement.

    A regex that times out on an example is a failure too: the engine skips
    a rule that runs too long on a document (with a warning), which on a
    ``no_match`` example would otherwise read as "left it alone".
    """
    from .engine import Engine, accept_all

    for spec in specs:
        engine = Engine([spec])
        for ex in spec.examples_match:
            findings, timeout = _find(engine, ex.text)
            if timeout:
                yield ExampleFailure(spec.id, spec.source, f"examples.match {_quoted(ex.text)}: {timeout}")
            elif spec.action == "flag":
                snippets = [f.snippet(ex.text) for f in findings if f.is_flag]
                if ex.flagged not in snippets:
                    yield ExampleFailure(
                        spec.id,
                        spec.source,
                        f"should flag {_quoted(ex.flagged)} in {_quoted(ex.text)}; flagged [{', '.join(map(_quoted, snippets))}]",
                    )
            else:
                got = accept_all(ex.text, findings)
                if got != ex.result:
                    yield ExampleFailure(spec.id, spec.source, f"on {_quoted(ex.text)} expected {_quoted(ex.result)}, got {_quoted(got)}")
        for text in spec.examples_no_match:
            findings, timeout = _find(engine, text)
            if timeout:
                yield ExampleFailure(spec.id, spec.source, f"examples.no_match {_quoted(text)}: {timeout}")
            elif findings:
                shown = ", ".join(_quoted(f.snippet(text)) for f in findings)
                yield ExampleFailure(spec.id, spec.source, f"must leave {_quoted(text)} alone, but matched {shown}")


#: how much of an example a failure quotes: a 5,000-character stress example is not read on a terminal
QUOTED_EXAMPLE = 200


def _quoted(text: str) -> str:
    """``repr(text)``, its middle left out when long (the length said), so a failure stays one readable line."""
    r = repr(text)
    if len(r) <= QUOTED_EXAMPLE:
        return r
    half = QUOTED_EXAMPLE // 2
    return f"{r[:half]}…{r[-half:]} ({len(text):,} characters)"


def _find(engine: Any, text: str) -> tuple[list[Any], str]:
    """The engine's findings on ``text``, and what to say if the rule timed out on it ("" if not)."""
    from .kinds import base

    warnings: list[str] = []
    findings = engine.find(text, warnings)
    if not warnings:
        return findings, ""
    return findings, (
        f"timed out (the regex ran longer than {base.REGEX_TIMEOUT}s: catastrophic backtracking?); "
        "on a real document the rule would be skipped"
    )
