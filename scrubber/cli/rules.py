"""``scrubber rules``: list rules, explain one, check a pack's examples."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..config import ConfigError, did_you_mean, find_config, load_config
from ..kinds.base import PackError, RuleSpec
from ..packs import builtin_pack_dir, check_examples, load_packs
from ..report import dumps
from .common import config_warning, fail


@click.command()
@click.argument("rule_id", required=False, metavar="[ID]")
@click.option(
    "--check",
    "check_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="Validate the pack(s) at PATH and run every rule's examples; exit 1 if one fails.",
)
@click.option(
    "--rules",
    "rule_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="Extra rule pack file or folder to list with the built-in ones.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="markdown: the rule reference used in docs/rules.md.",
)
def rules(rule_id: str | None, check_paths: tuple[Path, ...], rule_dirs: tuple[Path, ...], fmt: str) -> None:
    """List the rules, or explain rule ID (or every rule under a prefix) with its examples.

    \b
    Examples:
      scrubber rules                         # every rule, one line each
      scrubber rules residue.source-link     # what it does, why, its examples
      scrubber rules --check my-packs/       # validate your own pack and run its examples
    """
    if check_paths:
        _check(check_paths)
        return
    extra: list[Path] = list(rule_dirs)
    try:
        cfg_path = find_config(warn=config_warning)
        if cfg_path is not None:
            extra = [*load_config(cfg_path).rules, *extra]
    except ConfigError as exc:
        fail(str(exc))
    try:
        packs = load_packs([builtin_pack_dir(), *extra])
    except PackError as exc:
        fail(str(exc))
    specs = [(s, s.id in p.disabled) for p in packs for s in p.rules]
    if rule_id:
        specs = [(s, off) for s, off in specs if s.id == rule_id or s.id.startswith(rule_id + ".")]
        if not specs:
            names = {n for p in packs for s in p.rules for n in (s.id, s.family)}
            fail(f"no rule {rule_id!r}{did_you_mean(rule_id, sorted(names))} (see 'scrubber rules')")
    if fmt == "json":
        click.echo(dumps([_as_dict(s, off) for s, off in specs]))
        return
    if fmt == "markdown":
        click.echo(markdown_reference(specs), nl=False)
        return
    if rule_id:
        click.echo("\n\n".join(_explain(s, off) for s, off in specs))
        return
    width = max(len(s.id) for s, _ in specs)
    for s, off in specs:
        flags = s.action + ("" if s.safe or s.action == "flag" else ", unsafe")
        opt = ", opt-in" if off else ""
        click.echo(f"{s.id:<{width}}  {s.kind:<8} {flags + opt:<18} {s.description}")


def _as_dict(s: RuleSpec, disabled: bool) -> dict[str, Any]:
    return {
        "id": s.id,
        "kind": s.kind,
        "action": s.action,
        "safe": s.safe,
        "enabled": not disabled,
        "confidence": s.confidence,
        "priority": s.priority,
        "description": s.description,
        "rationale": s.rationale,
        "params": dict(s.params),
        "examples": {
            "match": [{k: v for k, v in vars(e).items() if v is not None} for e in s.examples_match],
            "no_match": list(s.examples_no_match),
        },
        "pack": s.source,
    }


def _explain(s: RuleSpec, disabled: bool) -> str:
    lines = [
        f"{s.id}  ({s.kind}, {s.action}{'' if s.safe else ', unsafe'}{', opt-in' if disabled else ''}, confidence {s.confidence:.2f})",
        "",
        s.description,
    ]
    if s.rationale:
        lines += ["", "Why: " + s.rationale]
    for key, value in s.params.items():
        lines.append(f"  {key} = {value!r}")
    lines += ["", "Changes:"]
    for e in s.examples_match:
        after = f"flags {e.flagged!r}" if e.flagged is not None else f"→ {e.result!r}"
        lines.append(f"  {e.text!r}\n      {after}")
    lines += ["Leaves alone:"]
    lines += [f"  {t!r}" for t in s.examples_no_match]
    lines.append(f"(from {s.source})")
    return "\n".join(lines)


def _check(paths: tuple[Path, ...]) -> None:
    try:
        packs = load_packs(list(paths))
        # as `fix --rules` will: a rule id may not repeat a built-in one (unless these are the built-in packs)
        builtin = builtin_pack_dir().resolve()
        own = [p for p in paths if p.resolve() != builtin and p.resolve().parent != builtin]
        if own:
            load_packs([builtin, *own])
    except PackError as exc:
        fail(str(exc))
    n_rules = sum(len(p.rules) for p in packs)
    n_examples = sum(len(s.examples_match) + len(s.examples_no_match) for p in packs for s in p.rules)
    failures = list(check_examples(s for p in packs for s in p.rules))
    for f in failures:
        click.echo(f"{f.source}: rule {f.rule!r}: {f.problem}", err=True)
    verdict = "FAILED" if failures else "ok"
    click.echo(f"{len(packs)} pack(s), {n_rules} rule(s), {n_examples} example(s): {len(failures)} failure(s) — {verdict}")
    sys.exit(1 if failures else 0)


def _md_code(text: str) -> str:
    shown = repr(text)[1:-1].replace("|", "\\|")
    return f"`` {shown} ``"


def markdown_reference(specs: list[tuple[RuleSpec, bool]]) -> str:
    """The rule reference in Markdown, generated from the packs themselves."""
    out: list[str] = []
    family = None
    for s, disabled in specs:
        if s.family != family:
            family = s.family
            out.append(f"### {family}\n")
        mode = s.action + ("" if s.safe or s.action == "flag" else ", unsafe") + (", opt-in" if disabled else "")
        out.append(f"#### `{s.id}`\n\n{s.description} *({s.kind}, {mode}, confidence {s.confidence:.2f})*\n")
        if s.rationale:
            out.append(f"{s.rationale}\n")
        out.append("| changes | into |\n|---|---|")
        for e in s.examples_match:
            into = f"flags {_md_code(e.flagged)}" if e.flagged is not None else _md_code(e.result or "")
            out.append(f"| {_md_code(e.text)} | {into} |")
        out.append("\n| leaves alone |\n|---|")
        out.extend(f"| {_md_code(t)} |" for t in s.examples_no_match)
        out.append("")
    return "\n".join(out) + "\n"
