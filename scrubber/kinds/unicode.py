"""``ftfy`` kind: mojibake repaired by ftfy, reported word by word.

ftfy rewrites whole strings and, on a string with several problems, its
explanation collapses into one vague plan. So we run it line by line, only on
lines that contain a character mojibake produces (a cheap scan skips clean
text), then diff each line against ftfy's result into the smallest regions a
reviewer can judge: a word, not a line. Each region carries ftfy's plan in
words ("UTF-8 read as Windows-1252").

By default ftfy's typographic normalisations (straightening quotes, changing
character width, expanding ligatures, NFC/NFKC) are off: scraped news uses
curly quotes on purpose.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

import ftfy
import regex

from ..model import Finding
from .base import DocContext, Kind, Matcher, PackError, RuleSpec, fix_finding, register

#: What UTF-8 mojibake looks like: a UTF-8 lead byte read as a Latin-1
#: family letter (Â..ô) followed by a continuation byte read as Latin-1 or
#: Windows-1252 punctuation; C1 controls; Cyrillic pairs from Windows-1251;
#: MacRoman's "√" and "‚Ä". Lines without any are never handed to ftfy, which
#: is what makes clean text fast. Curly quotes alone do not trigger it.
_CP1252_HIGH = (
    "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
SIGNATURE = regex.compile(
    rf"[\u00c2-\u00f4][\u0080-\u00bf{_CP1252_HIGH}]|[\u0080-\u009f]|[\u0420\u0421\u0432][\u0400-\u045f\u2018-\u201e\u2026]|\u221a|\u201a\u00c4"
)

_ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-variants": "UTF-8",
    "sloppy-windows-1252": "Windows-1252",
    "windows-1252": "Windows-1252",
    "sloppy-windows-1251": "Windows-1251",
    "windows-1251": "Windows-1251",
    "latin-1": "Latin-1",
    "macroman": "MacRoman",
    "cp437": "cp437",
}

_STEP_NAMES = {
    "unescape_html": "HTML entities decoded",
    "remove_terminal_escapes": "terminal escape codes removed",
    "restore_byte_a0": "a lost non-breaking space restored",
    "replace_lossy_sequences": "unrecoverable mojibake marked",
    "decode_inconsistent_utf8": "inconsistent UTF-8 decoded",
    "fix_c1_controls": "C1 control characters replaced",
    "fix_surrogates": "UTF-16 surrogates joined",
    "remove_control_chars": "control characters removed",
    "fix_line_breaks": "line breaks normalised",
    "uncurl_quotes": "curly quotes straightened",
    "fix_latin_ligatures": "ligatures expanded",
    "fix_character_width": "full-width characters narrowed",
}

_FTFY_OPTIONS = {
    "uncurl_quotes": False,
    "fix_character_width": False,
    "fix_latin_ligatures": False,
    "fix_line_breaks": False,
    "remove_control_chars": False,
    "unescape_html": False,
    "remove_terminal_escapes": False,
    "normalization": None,
}


def explain_plan(plan: list[tuple[str, str]] | None) -> str:
    """Turn ftfy's plan into words a reviewer understands."""
    if not plan:
        return "text changed by ftfy"
    parts: list[str] = []
    steps = list(plan)
    i = 0
    while i < len(steps):
        op, arg = steps[i]
        if op == "encode" and i + 1 < len(steps) and steps[i + 1][0] == "decode":
            read_as = _ENCODING_NAMES.get(arg, arg)
            real = _ENCODING_NAMES.get(steps[i + 1][1], steps[i + 1][1])
            parts.append(f"{real} read as {read_as}")
            i += 2
            continue
        if op in ("apply", "transcode"):
            parts.append(_STEP_NAMES.get(arg, arg.replace("_", " ")))
        else:
            parts.append(f"{op} {arg}")
        i += 1
    runs: list[list] = []  # [part, repeats]
    for part in parts:
        if runs and runs[-1][0] == part:
            runs[-1][1] += 1
        else:
            runs.append([part, 1])
    return "; ".join(p if n == 1 else f"{p} twice" if n == 2 else f"{p} ({n} times)" for p, n in runs)


def diff_regions(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """Smallest word-sized regions where ``old`` and ``new`` differ.

    Returns ``(i1, i2, j1, j2)`` tuples: replacing ``old[i1:i2]`` by
    ``new[j1:j2]`` for every region turns ``old`` into ``new``, and any subset
    of them can be applied on its own.
    """
    ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    regions: list[list[int]] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            continue
        # widen to the enclosing word (letters and digits) using the equal blocks
        # on each side; stopping at punctuation keeps regions from swallowing
        # tokens other rules own, like ``[ad_2]``
        if k > 0 and ops[k - 1][0] == "equal":
            lo = ops[k - 1][1]
            while i1 > lo and (old[i1 - 1].isalnum() or old[i1 - 1] == "_"):
                i1 -= 1
                j1 -= 1
        if k + 1 < len(ops) and ops[k + 1][0] == "equal":
            hi = ops[k + 1][2]
            while i2 < hi and (old[i2].isalnum() or old[i2] == "_"):
                i2 += 1
                j2 += 1
        if regions and i1 <= regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], i2)
            regions[-1][3] = max(regions[-1][3], j2)
        else:
            regions.append([i1, i2, j1, j2])
    return [tuple(r) for r in regions]  # type: ignore[misc]


class FtfyMatcher(Matcher):
    def __init__(self, spec: RuleSpec) -> None:
        self.spec = spec
        self.rule_ids = (spec.id,)
        options = dict(_FTFY_OPTIONS)
        for key, value in spec.params.items():
            if key not in _FTFY_OPTIONS:
                raise PackError(f"{spec.where()}: unknown ftfy option {key!r}")
            options[key] = value
        self.config = ftfy.TextFixerConfig(**options)

    def find(self, ctx: DocContext) -> Iterator[Finding]:
        text = ctx.text
        if not SIGNATURE.search(text):
            return
        pos = 0
        for line in text.splitlines(keepends=True):
            start = pos
            pos += len(line)
            if not SIGNATURE.search(line):
                continue
            fixed, plan = ftfy.fix_and_explain(line, config=self.config)
            if fixed == line:
                continue
            message = explain_plan(plan)
            detail = "ftfy plan: " + ", ".join(f"{op} {arg}" for op, arg in (plan or []))
            for i1, i2, j1, j2 in diff_regions(line, fixed):
                yield fix_finding(self.spec, start + i1, start + i2, fixed[j1:j2], message=message, detail=detail)


@register
class FtfyKind(Kind):
    name = "ftfy"
    actions = ("fix",)
    params = {key: ((bool, str) if key == "normalization" else bool, False) for key in _FTFY_OPTIONS}

    @classmethod
    def compile(cls, specs: list[RuleSpec]) -> list[Matcher]:
        return [FtfyMatcher(spec) for spec in specs]
