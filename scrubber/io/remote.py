"""Inputs and outputs named by URL (``s3://``, ``gs://``, ``file://`` ...), through fsspec.

A corpus on object storage should not need copying before it is cleaned:
``scrubber fix s3://bucket/news/ -o s3://bucket/clean/`` reads and writes
through `fsspec <https://filesystem-spec.readthedocs.io>`_ wherever its
backend (s3fs, gcsfs, adlfs ...) is installed. fsspec comes with the
``scrubber[dask]`` extra; local paths never import it.

Writes keep the guarantee local files have: the result goes to a temporary
object beside the target and is moved into place only when complete, so an
interrupted run leaves the old object (or none), never half of a new one.
"""

from __future__ import annotations

import contextlib
import fnmatch
import re
import uuid
from collections.abc import Iterator
from posixpath import basename, dirname
from typing import Any, BinaryIO

#: ``scheme://`` at the start of an argument (a Windows drive ``C:\\`` is not one)
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+://")
_GLOB_CHARS = re.compile(r"[*?\[]")

INSTALL_HINT = "pip install 'scrubber[dask]' (and the backend for the scheme, e.g. s3fs for s3://)"


class RemoteError(OSError):
    """A URL cannot be listed, read or written; the message names it."""


def is_url(arg: str) -> bool:
    return bool(_URL.match(arg))


def filesystem(url: str) -> tuple[Any, str]:
    """The fsspec filesystem for ``url`` and the path inside it."""
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise RemoteError(f"{url}: reading and writing URLs needs fsspec: {INSTALL_HINT}") from None
    try:
        return url_to_fs(url)
    except ImportError as exc:  # fsspec names the missing backend ("Install s3fs to access S3")
        raise RemoteError(f"{url}: {exc}") from None
    except ValueError as exc:  # unknown protocol
        raise RemoteError(f"{url}: {exc}") from None


def join(base: str, rel: str) -> str:
    """``rel`` (a relative POSIX path) under the URL ``base``."""
    return base.rstrip("/") + "/" + rel.lstrip("/")


def expand(url: str, globs: list[str] | None) -> list[tuple[str, str, bool]]:
    """The files ``url`` names: ``(url, path relative to the argument, explicit)``.

    A folder (prefix) is listed recursively and filtered by ``globs`` like a
    local folder; a glob pattern is expanded; a file is itself. Hidden
    names (starting with a dot) inside a folder are skipped, as locally.
    """
    fs, path = filesystem(url)
    protocol = url.split("://", 1)[0]
    try:
        if _GLOB_CHARS.search(path):
            names = sorted(fs.glob(path))
            return [(_url(protocol, fs, p), basename(p), True) for p in names if not fs.isdir(p)]
        if fs.isdir(path):
            found = []
            for p in sorted(fs.find(path)):
                rel = p[len(path.rstrip("/")) + 1 :] if p.startswith(path.rstrip("/") + "/") else basename(p)
                if any(part.startswith(".") for part in rel.split("/")):
                    continue
                if globs and not any(fnmatch.fnmatch(basename(p), g) for g in globs):
                    continue
                found.append((_url(protocol, fs, p), rel, False))
            return found
        if fs.exists(path):
            return [(url, basename(path.rstrip("/")), True)]
    except OSError as exc:
        raise RemoteError(f"{url}: cannot list ({exc})") from None
    raise RemoteError(f"{url}: no such file or directory")


def _url(protocol: str, fs: Any, path: str) -> str:
    return fs.unstrip_protocol(path) if protocol != "file" else "file://" + path


def open_url(url: str) -> BinaryIO:
    """A binary read handle on ``url`` (decompression is up to the caller)."""
    fs, path = filesystem(url)
    try:
        return fs.open(path, "rb")
    except OSError as exc:
        raise RemoteError(f"{url}: cannot read ({exc})") from None


def size(url: str) -> int | None:
    try:
        fs, path = filesystem(url)
        value = fs.size(path)
    except (OSError, ValueError):
        return None
    return int(value) if value is not None else None


@contextlib.contextmanager
def atomic_url_writer(url: str) -> Iterator[BinaryIO]:
    """Yield a binary handle whose bytes replace ``url`` only if the block succeeds.

    The data goes to a hidden temporary object in the same folder, which is
    moved onto ``url`` at the end (a rename locally, copy-and-delete on
    object stores, where the target appears whole or not at all). On any
    error or Ctrl-C the temporary object is deleted and ``url`` is untouched.
    """
    fs, path = filesystem(url)
    folder = dirname(path)
    tmp = f"{folder}/.{basename(path)}.{uuid.uuid4().hex[:12]}.tmp" if folder else f".{basename(path)}.{uuid.uuid4().hex[:12]}.tmp"
    try:
        if folder:
            fs.makedirs(folder, exist_ok=True)
        handle = fs.open(tmp, "wb")
    except OSError as exc:
        raise RemoteError(f"{url}: cannot write ({exc})") from None
    try:
        with handle:
            yield handle
        fs.mv(tmp, path)
    except BaseException:
        with contextlib.suppress(Exception):
            handle.close()
        with contextlib.suppress(Exception):
            if fs.exists(tmp):
                fs.rm(tmp)
        raise
