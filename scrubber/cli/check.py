"""``scrubber check``: report findings, change nothing."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..io.sources import InputFile, Item
from ..report import LineIndex, document_object, dumps, finding_line, stats_object, summary_table, terminal_text
from ..runner import DocResult
from .common import (
    BatchOptions,
    InputFormats,
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
from .outputs import Planned, named_output_clash
from .positions import RecordColumns


def record_id(item: Item) -> str:
    """A JSONL record's own id, shown beside its findings ("" for a text file or a record without one)."""
    record = item.meta.get("record")
    if isinstance(record, dict) and isinstance(record.get("id"), (str, int)) and item.doc is not None:
        return item.doc.id
    return ""


@click.command()
@input_options
@rule_options
@batch_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "jsonl"]),
    default="text",
    show_default=True,
    help="text: one line per finding; json: one object with every document; jsonl: one document object per line.",
)
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr, no notes.")
def check(
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
    fmt: str,
    quiet: bool,
) -> None:
    """Report what the rules find in PATH... (files, folders, '-' for stdin).

    \b
    Examples:
      scrubber check article.txt
      scrubber check corpus/ --glob '*.jsonl.gz' --format jsonl > findings.jsonl
      cat page.txt | scrubber check - --select residue
      scrubber check corpus/ -q --stats stats.json  # per-rule counts only

    Exit status: 0 no findings, 1 findings, 2 usage or input error.
    """
    cfg = load_settings(config_path, isolated)
    reporter = Reporter(quiet)
    planned = Planned.of(stats=batch.stats_path)
    sources = find_inputs(paths, globs, cfg, formats, reporter, planned)
    clash = named_output_clash(sources, planned)
    if clash:
        fail(clash)
    setup = build_engine(select, ignore, rule_dirs, config_path, isolated, cfg)
    collected: list[dict[str, Any]] = []
    key = setting(setup.config, text_key, "text_key", "text")

    def on_document(source: InputFile, item: Item, result: DocResult) -> None:
        assert item.doc is not None
        if not result.findings:
            return
        if fmt == "text":
            text = item.doc.text
            lines: Any = LineIndex(text) if item.line is None else RecordColumns.of(item, key)
            tag = record_id(item)
            for f in result.findings:
                click.echo(terminal_text(finding_line(source.display, text, f, lines, tag)))
        else:
            obj = document_object(item.doc.id, source.display, item.line, item.doc.text, result.findings, result.score)
            if fmt == "jsonl":
                click.echo(dumps(obj))
            else:
                collected.append(obj)

    stats = run_batch(
        batch,
        setup.config,
        reporter,
        sources,
        stdout_busy=sys.stdout.isatty(),
        engine=setup.engine,
        policy=None,
        text_key=key,
        on_document=on_document,
    )
    if fmt == "json":
        click.echo(dumps({"version": 1, "documents": collected, "summary": stats_object(stats)}))
    if not quiet:
        click.echo(summary_table(stats, fixing=False), err=True)
    sys.exit(2 if stats.errors else 1 if stats.findings else 0)
