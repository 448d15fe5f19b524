"""Run the batch engine on a Dask cluster (the optional ``scrubber[dask]`` extra).

Two ways in:

* :class:`DaskBackend` plugs into :class:`~scrubber.runner.Runner`, so
  ``scrubber fix --engine dask [--scheduler ADDR]`` runs exactly the same
  per-task function (:func:`scrubber.runner.process`) on Dask workers as the
  local process pool does: this process reads and writes (atomically, in
  input order), the cluster does the CPU work, and the output is
  byte-for-byte what ``--engine local`` writes. The engine is scattered to
  every worker once; tasks carry raw lines and return output bytes.
  Without ``--scheduler`` a :class:`~distributed.LocalCluster` with one
  single-threaded worker process per job is started on this machine.
* :func:`clean_bag` is for pipelines that should never pull the data through
  one machine: a ``dask.bag`` over fsspec paths (``s3://``, ``gs://``,
  ``hdfs://`` ... wherever the backend is installed), cleaned on the workers,
  written back with ``Bag.to_textfiles``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from typing import Any

from .engine import Engine
from .policy import Policy
from .runner import Pending, Segment, Stats, Work, process

INSTALL_HINT = "pip install 'scrubber[dask]'"


class DaskMissing(ImportError):
    """Dask (or distributed) is not installed."""


def require_dask() -> None:
    """Raise :class:`DaskMissing` with the install command if Dask is absent."""
    try:
        import dask.bag  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        raise DaskMissing(f"--engine dask needs Dask and distributed ({exc.name} is not installed): {INSTALL_HINT}") from None


class DaskBackend:
    """A :class:`~scrubber.runner.Backend` on a Dask cluster.

    ``scheduler`` is an address (``tcp://host:8786``) or None for a local
    cluster of ``jobs`` worker processes; ``client`` reuses a client you
    already have (then neither is used). ``processes=False`` keeps a local
    cluster in this process (threads; used by the tests).
    """

    def __init__(self, scheduler: str | None = None, jobs: int = 1, client: Any = None, processes: bool = True) -> None:
        require_dask()
        self.scheduler = scheduler
        self.jobs = max(1, jobs)
        self.processes = processes
        self.client = client
        self._own_client = client is None
        self._cluster: Any = None
        self._work: Any = None
        self.workers = self.jobs

    def start(self, work: Work) -> None:
        from distributed import Client, LocalCluster

        if self.client is None:
            if self.scheduler:
                self.client = Client(self.scheduler)
            else:
                self._cluster = LocalCluster(
                    n_workers=self.jobs,
                    threads_per_worker=1,
                    processes=self.processes,
                    dashboard_address=":0",
                    silence_logs=logging.ERROR,
                )
                self.client = Client(self._cluster)
        self.workers = max(1, sum(self.client.nthreads().values()))
        self._work = self.client.scatter(work, broadcast=True)

    def submit(self, segments: list[Segment]) -> Pending:
        return self.client.submit(process, self._work, segments, pure=False)

    def close(self, abort: bool = False) -> None:
        """Close what this backend opened; after an abort, give up after :data:`ABORT_CLOSE_S`.

        The runner holds Ctrl-C while it cleans up after an abort, so an
        unreachable scheduler must not be able to keep the process waiting;
        errors while tearing down an aborted run would only hide the abort.
        """
        timeout = {"timeout": ABORT_CLOSE_S} if abort else {}
        opened = []
        if self.client is not None and self._own_client:
            opened.append(self.client)
            self.client = None
        if self._cluster is not None:
            opened.append(self._cluster)
            self._cluster = None
        for resource in opened:  # the client first: it talks to the cluster
            with contextlib.suppress(Exception) if abort else contextlib.nullcontext():
                resource.close(**timeout)


#: seconds the client and a local cluster get to close after an aborted run
ABORT_CLOSE_S = 5


# -- whole pipelines on the cluster -------------------------------------------------------


def _clean_partition(lines: Sequence[str], work: Work) -> Iterator[str]:
    raw = [line.encode("utf-8", "surrogatepass") + b"\n" for line in lines]
    for part in process(work, [Segment(0, "jsonl", "<bag>", lines=raw)]):
        # split on "\n" only: a record copied byte for byte may hold a raw U+2028 or
        # U+0085 inside a string, which str.splitlines() would cut the record at
        text = part.data.decode("utf-8", "surrogatepass")  # a line that was not UTF-8 is copied as it came
        yield from (text[:-1] if text.endswith("\n") else text).split("\n") if text else ()


def _stats_partition(lines: Sequence[str], work: Work) -> list[Stats]:
    raw = [line.encode("utf-8", "surrogatepass") + b"\n" for line in lines]
    return [part.stats for part in process(work, [Segment(0, "jsonl", "<bag>", lines=raw)])]


def clean_bag(
    urls: str | Sequence[str],
    engine: Engine | None = None,
    policy: Policy | None = None,
    text_key: str = "text",
    blocksize: int | str | None = "64MiB",
) -> Any:
    """A ``dask.bag`` of cleaned JSONL lines (str, no line end) read from ``urls``.

    ``urls`` are fsspec paths or globs (``s3://bucket/news/*.jsonl.gz``);
    compressed files are read whole (``blocksize`` applies to plain ones).
    Write the result with ``.to_textfiles("s3://bucket/clean/*.jsonl")``.
    Records are parsed, fixed and written exactly as by ``scrubber fix``
    (unchanged records byte for byte, a changed one with only its text value
    replaced, malformed lines copied).
    """
    require_dask()
    import dask.bag as db

    from . import default_engine

    work = Work(engine or default_engine(), policy or Policy(), text_key, write=True)
    compressed = any(str(u).endswith((".gz", ".zst", ".bz2", ".xz")) for u in ([urls] if isinstance(urls, str) else urls))
    bag = db.read_text(urls, blocksize=None if compressed else blocksize, compression="infer", linedelimiter="\n")
    return bag.map(lambda line: line.rstrip("\r\n")).map_partitions(_clean_partition, work)


def bag_stats(bag_of_lines: Any, engine: Engine | None = None, policy: Policy | None = None, text_key: str = "text") -> Stats:
    """Compute the per-rule :class:`Stats` of a bag of JSONL lines (one pass on the cluster)."""
    from . import default_engine

    work = Work(engine or default_engine(), policy or Policy(), text_key)
    total = Stats()
    for stats in bag_of_lines.map_partitions(_stats_partition, work).compute():
        total.merge(stats)
    return total
