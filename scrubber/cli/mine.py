"""``scrubber mine``: propose residue rules from lines that repeat across a corpus."""

from __future__ import annotations

from pathlib import Path

import click

from ..io.atomic import atomic_write_bytes
from ..io.sources import BinaryInput, InputError, read_items
from ..kinds.base import PackError
from ..mine import Miner, render_pack
from ..packs import load_pack
from .common import InputFormats, Reporter, discover_inputs, fail, format_options, glob_option
from .outputs import Planned, named_output_clash


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the candidate pack to FILE [default: stdout].")
@click.option("--text-key", default="text", show_default=True, metavar="KEY", help="JSONL field holding the text.")
@glob_option
@format_options
@click.option(
    "--group-key",
    default="url",
    show_default=True,
    metavar="KEY",
    help="JSONL field naming each document's source; a URL counts by its domain. Lines are also counted per source. '' to disable.",
)
@click.option(
    "--distinct-key",
    default=None,
    metavar="KEY",
    help="JSONL field identifying the underlying page (e.g. article_id): records sharing it count as one document.",
)
@click.option("--min-docs", type=click.IntRange(1), default=5, show_default=True, help="Propose a line found in at least N documents.")
@click.option(
    "--min-share",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="...and in at least this share of the documents of its source (or of the corpus).",
)
@click.option("--top", type=click.IntRange(1), default=50, show_default=True, help="Propose at most N rules, most widespread first.")
@click.option("--max-length", type=click.IntRange(10), default=200, show_default=True, help="Ignore lines longer than N characters.")
@click.option("--prefix", default="mined", show_default=True, help="Rule id family of the candidates (ids are PREFIX.line-0001, ...).")
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr, no notes.")
def mine(
    paths: tuple[str, ...],
    output: Path | None,
    text_key: str,
    globs: tuple[str, ...],
    formats: InputFormats,
    group_key: str,
    distinct_key: str | None,
    min_docs: int,
    min_share: float,
    top: int,
    max_length: int,
    prefix: str,
    quiet: bool,
) -> None:
    """Find lines and line endings that repeat across documents and write them as a candidate rule pack.

    Template text (share widgets, sign-up boxes, credits) repeats across the
    pages of a site; article text does not. This counts, for every distinct
    line and every short line ending (text glued after a sentence's last
    full stop), how many documents contain it, corpus-wide and per source.
    The result is a TOML rule pack whose rules are all disabled, each with
    its counts and examples, for a person to review. Memory stays flat: the
    input is streamed and the count table is capped.

    \b
    Examples:
      scrubber mine corpus/ -o candidates.toml
      scrubber mine crawl.jsonl.zst --group-key url --min-docs 20 --min-share 0.05
      scrubber mine pages.jsonl --distinct-key article_id --min-docs 2
      scrubber rules --check candidates.toml

    Review the pack, delete `enabled = false` from the rules you keep, and use
    it with `scrubber fix --rules candidates.toml`.

    Exit status: 0 done, 2 usage or input error.
    """
    if not prefix or any(c.isspace() or c in ".,[]" for c in prefix):
        fail(f"--prefix {prefix!r}: use a plain name such as 'mined' (no dots, spaces or commas)")
    report = Reporter(quiet)
    planned = Planned(files={"-o": output} if output is not None else {})
    sources = discover_inputs(paths, list(globs), formats, report, planned)
    clash = named_output_clash(sources, planned)
    if clash:
        fail(clash)
    miner = Miner(group_key=group_key or None, distinct_key=distinct_key, max_length=max_length)
    errors = 0
    for source in sources:
        try:
            for item in read_items(source, text_key, report, writes=False):
                if item.doc is not None:
                    miner.add(item.doc.id, item.doc.text, item.meta)
        except BinaryInput as exc:
            report("error" if source.explicit else "note", source.display, str(exc).split(": ", 1)[1])
            errors += source.explicit
        except InputError as exc:
            report("error", exc.where or source.display, str(exc).split(": ", 1)[1])
            errors += 1
    report.finish()
    if miner.n_docs == 0:
        if report.counts.get("error"):
            fail("no documents read (see the errors above)")
        hint = any(s.fmt in ("jsonl", "json") for s in sources) and text_key
        fail("no documents read" + (f" (is the text in another field? try --text-key; read with --text-key {text_key})" if hint else ""))
    cands = miner.candidates(min_docs=min_docs, min_share=min_share, top=top)
    text = render_pack(cands, miner.n_docs, " ".join(paths), prefix, docs=miner.describe_docs())
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            atomic_write_bytes(output, text.encode("utf-8"))
        except OSError as exc:
            fail(f"{output}: cannot write: {exc.strerror or exc}")
        try:  # a pack we cannot load is a bug; say so rather than hand it over
            load_pack(output)
        except PackError as exc:
            fail(f"the candidate pack does not load ({exc}); please report this")
    if not quiet:
        click.echo(
            f"scrubber mine: {miner.describe_docs()}, {len(cands)} candidate rule(s)" + (f" written to {output}" if output else ""),
            err=True,
        )
    if errors or report.counts.get("error"):  # as check and fix: a malformed line is an input error too
        raise SystemExit(2)
