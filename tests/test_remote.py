"""Inputs and outputs named by URL (fsspec): same results as local paths, same atomicity."""

from __future__ import annotations

import gzip
from pathlib import Path

import fsspec
import pytest
from click.testing import CliRunner

from scrubber.cli import main
from scrubber.io.remote import atomic_url_writer, is_url
from scrubber.io.sinks import Output, output_path
from scrubber.io.sources import InputError, discover, read_items

MOJIBAKE = "Trump\u00e2\u20ac\u2122s plan was read aloud."


def make_corpus(root: Path) -> Path:
    (root / "in" / "sub").mkdir(parents=True)
    (root / "in" / "a.txt").write_text("A sentence of the article.\n\n[ad_2]Source link\n", encoding="utf-8")
    (root / "in" / ".hidden.txt").write_text("not an input\n", encoding="utf-8")
    lines = f'{{"id": 1, "text": "{MOJIBAKE}"}}\n{{broken\n{{"id": 2, "text": "Clean text."}}\n'
    (root / "in" / "sub" / "b.jsonl").write_text(lines, encoding="utf-8")
    with gzip.open(root / "in" / "sub" / "c.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(lines)
    return root / "in"


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    ("arg", "url"),
    [
        ("s3://bucket/key.jsonl", True),
        ("file:///tmp/x", True),
        ("gcs://b/p", True),
        ("C:\\data\\x.txt", False),
        ("news/a.txt", False),
        ("-", False),
    ],
)
def test_is_url(arg: str, url: bool) -> None:
    assert is_url(arg) is url


def test_fix_from_url_to_url_matches_local_paths(tmp_path: Path, run_cli) -> None:
    """The installed command, run on file:// URLs, writes exactly what it writes for the same local paths."""
    src = make_corpus(tmp_path)
    local = run_cli("fix", str(src), "-o", str(tmp_path / "local"), "-q")
    remote = run_cli("fix", src.as_uri(), "-o", (tmp_path / "remote").as_uri(), "-q")
    assert local.returncode == remote.returncode == 2  # the malformed lines are errors, copied through
    assert "b.jsonl:2: error: malformed JSON" in remote.stderr
    written = files_under(tmp_path / "remote")
    assert written == files_under(tmp_path / "local")
    assert sorted(written) == ["a.txt", "sub/b.jsonl", "sub/c.jsonl.gz"]
    assert "Trump\u2019s plan" in written["sub/b.jsonl"].decode()
    assert "{broken" in written["sub/b.jsonl"].decode()


def test_discover_url_glob_and_folder_filters(tmp_path: Path) -> None:
    src = make_corpus(tmp_path)
    folder = discover([src.as_uri()], globs=["*.jsonl*"])
    assert [(s.rel.as_posix(), s.fmt, s.compression, s.explicit) for s in folder] == [
        ("sub/b.jsonl", "jsonl", None, False),
        ("sub/c.jsonl.gz", "jsonl", "gz", False),
    ]
    globbed = discover([src.as_uri() + "/sub/*.jsonl"])
    assert [s.url for s in globbed] == [(src / "sub" / "b.jsonl").as_uri()]
    items = list(read_items(globbed[0], "text", lambda *a: None))
    assert [i.doc.text if i.doc else i.raw for i in items] == [MOJIBAKE, b"{broken\n", "Clean text."]


@pytest.mark.parametrize(
    ("arg", "message"),
    [("file:///nonexistent/corpus", "no such file or directory"), ("nosuchscheme://bucket/x.jsonl", "nosuchscheme")],
)
def test_bad_urls_are_clear_errors(arg: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        discover([arg])
    result = CliRunner().invoke(main, ["check", arg])
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output


def test_url_writer_moves_into_place_only_when_complete() -> None:
    fs = fsspec.filesystem("memory")
    fs.pipe("/out/doc.txt", b"old")
    with pytest.raises(KeyboardInterrupt), atomic_url_writer("memory://out/doc.txt") as handle:
        handle.write(b"half of the new")
        raise KeyboardInterrupt
    assert fs.cat("/out/doc.txt") == b"old" and fs.ls("/out", detail=False) == ["/out/doc.txt"]
    with atomic_url_writer("memory://out/doc.txt") as handle:
        handle.write(b"new")
    assert fs.cat("/out/doc.txt") == b"new" and fs.ls("/out", detail=False) == ["/out/doc.txt"]
    fs.rm("/out", recursive=True)


def test_output_to_url_aborts_cleanly() -> None:
    fs = fsspec.filesystem("memory")
    fs.pipe("/in/x.jsonl.gz", gzip.compress(b'{"text": "t"}\n'))
    (source,) = discover(["memory://in/x.jsonl.gz"])
    target = output_path(source, "memory://clean/", in_place=False)
    assert target == "memory://clean/x.jsonl.gz"
    out = Output(source, target)
    out.write(b'{"text": "t"}\n')
    out.abort()
    assert not fs.exists("/clean/x.jsonl.gz") and fs.find("/clean") == []
    out = Output(source, target)
    out.write(b'{"text": "t"}\n')
    out.commit()
    assert gzip.decompress(fs.cat("/clean/x.jsonl.gz")) == b'{"text": "t"}\n'
    fs.rm(["/in", "/clean"], recursive=True)


def test_in_place_on_a_url(tmp_path: Path) -> None:
    for name in ("by-url.txt", "by-path.txt"):
        (tmp_path / name).write_text("A sentence of the article.\n\n[ad_2]Source link\n", encoding="utf-8")
    for arg in ((tmp_path / "by-url.txt").as_uri(), str(tmp_path / "by-path.txt")):
        result = CliRunner().invoke(main, ["fix", arg, "--in-place", "-q"])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "by-url.txt").read_bytes() == (tmp_path / "by-path.txt").read_bytes()
    assert "Source link" not in (tmp_path / "by-url.txt").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["by-path.txt", "by-url.txt"]  # no temp file left


def test_review_refuses_urls(tmp_path: Path) -> None:
    src = make_corpus(tmp_path)
    result = CliRunner().invoke(main, ["review", (src / "a.txt").as_uri(), "--session", str(tmp_path / "s.scrubber-session")])
    assert result.exit_code == 2 and "needs local files" in result.stderr
