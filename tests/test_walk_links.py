"""Symlinked folders inside a walked folder: followed like symlinked files, each real folder read once.

They used to be skipped without a word (``os.walk`` does not follow links
by default), although a symlinked file was read and the link named on the
command line worked.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scrubber.io.sources import discover

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="needs POSIX symlinks")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """sl/ with a real folder, a link to an outside folder, and links that would loop or repeat."""
    (tmp_path / "sl" / "real").mkdir(parents=True)
    (tmp_path / "ext" / "inner").mkdir(parents=True)
    (tmp_path / "ext" / "e.txt").write_text("x.\n")
    (tmp_path / "sl" / "real" / "r.txt").write_text("y.\n")
    (tmp_path / "sl" / "linkdir").symlink_to("../ext")
    return tmp_path


#: (extra links: name -> target, relative to the tree; the inputs found; the notes: where -> words)
CASES = {
    "outside-folder": ({}, ["linkdir/e.txt", "real/r.txt"], {}),
    "loop-to-top": (
        {"sl/real/up": ".."},
        ["linkdir/e.txt", "real/r.txt"],
        {"sl/real/up": "a link to sl, a folder that contains it (a loop)"},
    ),
    "loop-to-itself": (
        {"sl/real/me": "."},
        ["linkdir/e.txt", "real/r.txt"],
        {"sl/real/me": "a link to sl/real, a folder that contains it (a loop)"},
    ),
    "loop-outside": (
        {"ext/inner/back": ".."},
        ["linkdir/e.txt", "real/r.txt"],
        {"sl/linkdir/inner/back": "a link to sl/linkdir, a folder that contains it (a loop)"},
    ),
    "same-outside-folder-twice": (
        {"sl/real/again": "../../ext"},
        ["linkdir/e.txt", "real/r.txt"],
        {"sl/real/again": "a link to the folder already read as sl/linkdir: not read twice"},
    ),
    "link-inside": (
        {"sl/alias": "real"},
        ["linkdir/e.txt", "real/r.txt"],
        {"sl/alias": "a link to sl/real, which is read under that name"},
    ),
    "link-to-hidden": ({"sl/.hid/h.txt": None, "sl/shown": ".hid"}, ["linkdir/e.txt", "real/r.txt", "shown/h.txt"], {}),
}


def build(tree: Path, links: dict[str, str | None]) -> None:
    for name, target in links.items():
        path = tree / name
        if target is None:  # a file to create
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("h.\n")
        else:
            path.symlink_to(target)


@pytest.mark.parametrize(("links", "inputs", "notes"), CASES.values(), ids=CASES.keys())
def test_the_walk_follows_folder_links_once_and_notes_what_it_leaves_out(
    tree: Path, monkeypatch, links: dict[str, str | None], inputs: list[str], notes: dict[str, str]
):
    monkeypatch.chdir(tree)
    build(tree, links)
    found = discover(["sl"])
    assert sorted(str(f.rel) for f in found) == inputs
    said = {where: message for f in found for where, message in f.notes}
    assert set(said) == set(notes)
    for where, words in notes.items():
        assert words in said[where]


def test_check_reads_a_linked_folder_and_says_each_note_once(run_cli, tree: Path):
    build(tree, {"sl/real/up": "..", "sl/alias": "real"})
    result = run_cli("check", "sl", cwd=tree)
    assert result.returncode == 1, result.stderr
    assert "sl/linkdir/e.txt:1:1:" in result.stdout and "sl/real/r.txt:1:1:" in result.stdout
    assert result.stderr.count("sl/real/up: note: a link to sl, a folder that contains it (a loop): not followed") == 1
    assert result.stderr.count("sl/alias: note: a link to sl/real, which is read under that name: not read twice") == 1
    assert "2 document(s) in 2 file(s)" in result.stderr


def test_fix_mirrors_a_linked_folder_under_the_links_name(run_cli, tree: Path):
    (tree / "ext" / "e.txt").write_text("The cafÃ© reopened.\n")
    result = run_cli("fix", "sl", "-o", "out", cwd=tree)
    assert result.returncode == 0, result.stderr
    assert (tree / "out" / "linkdir" / "e.txt").read_text() == "The café reopened.\n"
    assert sorted(p.relative_to(tree / "out").as_posix() for p in (tree / "out").rglob("*.txt")) == ["linkdir/e.txt", "real/r.txt"]


def test_a_folder_with_nothing_but_a_loop_is_no_input(run_cli, tmp_path: Path):
    (tmp_path / "only").mkdir()
    (tmp_path / "only" / "loop").symlink_to(".")
    for command in ("check", "review"):  # review refuses before it needs a terminal
        result = run_cli(command, "only")
        assert result.returncode == 2
        assert "no input files found in only" in result.stderr
        # the loop is why nothing was found: said, not lost with the input it would have been given to
        assert "only/loop: note: a link to only, a folder that contains it (a loop): not followed" in result.stderr
