"""Rule kinds: the code behind the rules in packs. One module per kind."""

from __future__ import annotations

import importlib

#: modules that register the built-in kinds; imported on first use so that
#: importing :mod:`scrubber.model` stays cheap.
BUILTIN_KIND_MODULES = ("pattern", "lines", "unicode", "legacy", "chars", "garble", "language")

_loaded = False


def load_builtin_kinds() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for name in BUILTIN_KIND_MODULES:
        importlib.import_module(f"{__name__}.{name}")
