"""What a run will write, checked against what it reads before anything starts.

``-o DIR`` is checked by :func:`scrubber.io.sinks.output_clash`. The other
files a command writes (``--stats``, ``--divert``, ``mine -o``) are checked
here: none may be an input, the same file as another, the ``-o`` folder or one
of the files ``-o`` will write. A clash is a usage error (exit 2) before any
byte is written, because an atomic write still replaces the file it lands on.

A folder walk also leaves out the ``-o`` folder when it lies inside the
walked folder, so running ``scrubber fix . -o clean`` a second time does not
read ``clean/`` back in as input.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..io.sinks import output_path
from ..io.sources import InputFile

Report = Callable[[str, str, str], None]


@dataclass
class Planned:
    """The outputs a command will write: the ``-o`` folder and named files by option (``{"--stats": path}``)."""

    out_dir: Path | str | None = None  # a str is a URL
    files: dict[str, Path] = field(default_factory=dict)

    @classmethod
    def of(cls, out_dir: Path | str | None = None, **files: Path | None) -> Planned:
        """``Planned.of(out, stats=path, divert=None)``: options named as the user typed them."""
        return cls(out_dir, {f"--{name}": path for name, path in files.items() if path is not None})


def _stat(path: Path) -> os.stat_result | None:
    with contextlib.suppress(OSError):
        return path.stat()
    return None


def _same(a: os.stat_result | None, b: os.stat_result | None) -> bool:
    return a is not None and b is not None and (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _root(source: InputFile) -> Path | None:
    """The folder argument a walked file came from (its path without ``rel``)."""
    if source.path is None or source.explicit:
        return None
    parts = source.path.parts
    return Path(*parts[: len(parts) - len(source.rel.parts)]) if len(parts) > len(source.rel.parts) else Path(".")


def _inside(path: Path, folder: Path) -> tuple[str, ...] | None:
    """``path``'s parts below ``folder`` (both resolved), or None when it is not strictly below it."""
    try:
        rel = path.resolve().relative_to(folder.resolve())
    except ValueError:
        return None
    return rel.parts or None


def leave_out_outputs(sources: list[InputFile], planned: Planned | None, report: Report) -> list[InputFile]:
    """``sources`` without the files a folder walk found inside the ``-o`` folder (said once, in a note).

    Only the ``-o`` folder is left out: it is the run's own output by
    definition. A ``--stats`` or ``--divert`` file found in a walk might be a
    real input, so it stays and :func:`named_output_clash` refuses the run.
    """
    if planned is None or not isinstance(planned.out_dir, Path) or not sources:
        return sources
    out_dir = planned.out_dir
    below: dict[Path, tuple[str, ...] | None] = {}  # folder argument -> the -o folder's parts below it
    kept: list[InputFile] = []
    said = False
    for source in sources:
        root = _root(source)
        if root is not None and root not in below:
            below[root] = _inside(out_dir, root)
        parts = below.get(root) if root is not None else None
        if parts is None or source.rel.parts[: len(parts)] != parts:
            kept.append(source)
            continue
        if not said:
            said = True
            report("note", str(out_dir), f"the -o output folder, left out of the inputs found in {root}")
    return kept


def named_output_clash(sources: list[InputFile], planned: Planned, in_place: bool = False) -> str | None:
    """Why writing ``planned.files`` would overwrite an input or another output, or None."""
    files = planned.files
    if not files:
        return None
    resolved = {opt: path.resolve() for opt, path in files.items()}
    options = list(files)
    for i, a in enumerate(options):
        for b in options[i + 1 :]:
            if resolved[a] == resolved[b] or _same(_stat(files[a]), _stat(files[b])):
                return f"{a} and {b} are the same file ({files[a]}): give each its own file"
    for opt, path in files.items():
        mine = _stat(path)
        if mine is not None:  # a file that does not exist yet cannot be an input
            for source in sources:
                if source.path is not None and source.url is None and _same(mine, _stat(source.path)):
                    found = "" if source.explicit else f" (found in {_root(source)})"
                    return f"{opt} {path} is the input {source.display}{found}: it would be overwritten; write it outside the inputs"
        if isinstance(planned.out_dir, Path) and not in_place:
            if resolved[opt] == planned.out_dir.resolve():
                return f"{opt} {path} is the -o output folder: choose a file outside it"
            parts = _inside(path, planned.out_dir)
            if parts is not None:
                for source in sources:
                    if source.rel.parts == parts:
                        return f"{opt} {path} is also where -o writes {source.display}: choose another file"
    return None


def already_done(sources: list[InputFile], out_dir: Path) -> tuple[list[InputFile], list[InputFile]]:
    """``(to do, done)``: the inputs whose output under ``out_dir`` exists and is not older than the input.

    For ``--skip-existing``. An output appears only when its input is
    finished (it is written to a temp file and renamed), so one that exists
    is complete; one older than its input was made before the input changed,
    and is done again.
    """
    todo: list[InputFile] = []
    done: list[InputFile] = []
    for source in sources:
        target = output_path(source, out_dir, in_place=False)
        out = _stat(target) if isinstance(target, Path) else None
        src = _stat(source.path) if source.path is not None else None
        finished = out is not None and src is not None and out.st_mtime_ns >= src.st_mtime_ns
        (done if finished else todo).append(source)
    return todo, done
