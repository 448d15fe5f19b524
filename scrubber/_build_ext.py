"""The build step of the optional compiled kernels: run by setuptools when the package is installed, never imported by scrubber.

setuptools skips an optional extension that does not compile but says so
only in pip's verbose log, so a user without a C compiler would never learn
that some garble rules run on the slower pure Python scans. This says it as
a warning, which pip shows (docs/word-pairs-kernel.md, docs/mark-scan-kernel.md).
"""

from __future__ import annotations

import warnings

from setuptools.command.build_ext import build_ext
from setuptools.errors import BaseError, CCompilerError, CompileError
from setuptools.extension import Extension

#: what each optional kernel speeds up, for the warning
_KERNELS = {
    "scrubber.kinds._word_pairs_kernel": ("word-pair kernel", "the garble.improbable-order rule runs"),
    "scrubber.kinds._mark_scan_kernel": ("candidate scan", "the garble.stray-punctuation and garble.word-order rules run"),
    "scrubber.kinds._char_scan_kernel": ("character scan", "the unicode rules run"),
    "scrubber.kinds._lang_walk_kernel": ("language walk", "langdetect (document and sentence language) runs"),
}


class OptionalBuildExt(build_ext):
    """``build_ext`` that warns, with what to do, when an optional extension fails to build."""

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except (CCompilerError, CompileError, BaseError, OSError) as exc:
            if not ext.optional:
                raise
            what, rules = _KERNELS.get(ext.name, ("kernel", "some rules run"))
            warnings.warn(
                f"scrubber: the compiled {what} ({ext.name}) was not built ({exc}). scrubber works without it, "
                f"but {rules} slower. To build it, install a C compiler and the Python "
                "headers (Debian/Ubuntu: apt install gcc python3-dev) and reinstall scrubber.",
                stacklevel=1,
            )
