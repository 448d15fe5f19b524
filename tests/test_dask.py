"""The Dask engine gives byte-for-byte the local engine's output (on a small LocalCluster)."""

from __future__ import annotations

import builtins
import json

import pytest
from click.testing import CliRunner
from runner_data import MOJIBAKE, write_jsonl

pytest.importorskip("distributed")

from distributed import Client, LocalCluster

from scrubber import default_engine
from scrubber import runner as runner_mod
from scrubber.cli import main
from scrubber.cli.common import build_engine
from scrubber.distributed import DaskBackend, bag_stats, clean_bag
from scrubber.io.sources import discover
from scrubber.policy import Policy
from scrubber.runner import Runner


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0") as cluster, Client(cluster) as c:
        yield c


def _run(engine, inputs, out, backend=None):
    stats = Runner(engine, policy=Policy(), report=lambda *a: None, jobs=1, out_dir=out, write=True, backend=backend).run(
        discover([str(inputs)])
    )
    return stats


def test_dask_output_identical_to_local(tmp_path, client, monkeypatch):
    monkeypatch.setattr(runner_mod, "TASK_DOCS", 5)  # many tasks in flight
    inputs = tmp_path / "in"
    write_jsonl(inputs / "a.jsonl", 40, bad_lines=(3,))
    (inputs / "b.txt").write_text(MOJIBAKE)
    engine = default_engine()
    local = _run(engine, inputs, tmp_path / "local")
    dask = _run(engine, inputs, tmp_path / "dask", DaskBackend(client=client))
    for name in ("a.jsonl", "b.txt"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    assert dask.to_dict() | {"seconds": 0} == local.to_dict() | {"seconds": 0}
    assert client.status == "running"  # a client we were given is not closed


def test_clean_bag_matches_fix(tmp_path, client):
    src = write_jsonl(tmp_path / "a.jsonl", 30, bad_lines=(7,))
    engine = default_engine()
    _run(engine, src, tmp_path / "local")
    lines = clean_bag(str(src), engine).compute()
    assert "\n".join(lines) + "\n" == (tmp_path / "local" / "a.jsonl").read_text()
    import dask.bag as db

    stats = bag_stats(db.read_text(str(src)).map(str.rstrip), engine)
    assert stats.documents == 29 and stats.documents_changed == 19


def test_surrogates_and_raw_separators_take_the_same_path_on_dask(tmp_path, client):
    """A lone surrogate is written escaped, and a record holding a raw U+2028 stays one line."""
    src = tmp_path / "a.jsonl"
    src.write_bytes(
        b'{"id":1,"text":"caf\\u00c3\\u00a9 \\ud800 lone","n":1E400}\n'
        b'{"id":2,"text":"kept \xe2\x80\xa8 as it was here","n":1.50}\n'
        b'{"id":3,"text":"caf\xc3\x83\xc2\xa9 and \xe2\x80\xa9 here"}\n'
    )
    engine = build_engine(("unicode.mojibake",), (), (), None, True).engine  # record 2 has nothing to fix
    _run(engine, src, tmp_path / "local")
    _run(engine, src, tmp_path / "dask", DaskBackend(client=client))
    local = (tmp_path / "local" / "a.jsonl").read_bytes()
    assert (tmp_path / "dask" / "a.jsonl").read_bytes() == local
    assert local.split(b"\n") == [
        b'{"id":1,"text":"caf\\u00e9 \\ud800 lone","n":1E400}',
        src.read_bytes().split(b"\n")[1],  # copied byte for byte, raw separators and all
        b'{"id":3,"text":"caf\xc3\xa9 and \\u2029 here"}',
        b"",
    ]
    assert clean_bag(str(src), engine).compute() == local.decode("utf-8").split("\n")[:-1]


def test_cli_engine_dask_local_cluster(tmp_path):
    src = write_jsonl(tmp_path / "a.jsonl", 9)
    for engine in ("local", "dask"):
        result = CliRunner().invoke(
            main,
            ["fix", str(src), "-o", str(tmp_path / engine), "--engine", engine, "-j", "1", "--stats", str(tmp_path / f"{engine}.json")],
        )
        assert result.exit_code == 0, result.output
    assert (tmp_path / "dask" / "a.jsonl").read_bytes() == (tmp_path / "local" / "a.jsonl").read_bytes()
    assert json.loads((tmp_path / "dask.json").read_text())["rules"] == json.loads((tmp_path / "local.json").read_text())["rules"]


def test_without_dask_the_error_says_what_to_install(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_dask(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and name.split(".")[0] in ("dask", "distributed"):
            raise ImportError(f"No module named {name!r}", name=name)
        return real_import(name, globals, locals, fromlist, level)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    src = write_jsonl(tmp_path / "a.jsonl", 1)
    result = CliRunner().invoke(main, ["check", str(src), "--engine", "dask"])
    assert result.exit_code == 2
    assert "pip install 'scrubber[dask]'" in result.stderr


class _Stuck:
    """A client or cluster whose close times out (an unreachable scheduler)."""

    def __init__(self, closed: list) -> None:
        self.closed = closed

    def close(self, **kwargs) -> None:
        self.closed.append(kwargs)
        raise TimeoutError("scheduler unreachable")


@pytest.mark.parametrize(("abort", "expected"), [(True, [{"timeout": 5}, {"timeout": 5}]), (False, [{}])])
def test_closing_after_an_abort_is_bounded_and_quiet(abort: bool, expected: list):
    """After Ctrl-C the runner holds further interrupts while it cleans up: a stuck close must end on its own."""
    closed: list = []
    backend = DaskBackend(jobs=1)
    backend.client, backend._cluster = _Stuck(closed), _Stuck(closed)
    if abort:
        backend.close(abort=True)  # the abort is what the user must see, not a timeout while tearing down
    else:
        with pytest.raises(TimeoutError):
            backend.close()
    assert closed == expected and backend.client is None
