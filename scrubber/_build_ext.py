"""The build step of the optional compiled kernel: run by setuptools when the package is installed, never imported by scrubber.

setuptools skips an optional extension that does not compile but says so
only in pip's verbose log, so a user without a C compiler would never learn
that ``garble.improbable-order`` runs on the slower pure Python scan. This
says it as a warning, which pip shows (docs/word-pairs-kernel.md).
"""

from __future__ import annotations

import warnings

from setuptools.command.build_ext import build_ext
from setuptools.errors import BaseError, CCompilerError, CompileError
from setuptools.extension import Extension


class OptionalBuildExt(build_ext):
    """``build_ext`` that warns, with what to do, when an optional extension fails to build."""

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except (CCompilerError, CompileError, BaseError, OSError) as exc:
            if not ext.optional:
                raise
            warnings.warn(
                f"scrubber: the compiled word-pair kernel ({ext.name}) was not built ({exc}). scrubber works without it, "
                "but the garble.improbable-order rule runs slower. To build it, install a C compiler and the Python "
                "headers (Debian/Ubuntu: apt install gcc python3-dev) and reinstall scrubber.",
                stacklevel=1,
            )
