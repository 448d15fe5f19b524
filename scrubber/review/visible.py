"""Show scraped text literally and safely in a terminal.

Everything the reviewer displays goes through :func:`visible`, which returns
a ``rich.text.Text`` (never markup, so ``[/]`` and ``[@click=...]`` are just
characters) in which every character a terminal would act on or hide is
replaced by a visible token: control characters (``\\x1b`` would start an
escape sequence, ``\\r`` would overwrite the line, NUL vanishes), bidi
overrides and isolates (they reorder the rest of the screen line),
zero-width characters, line/paragraph separators, lone surrogates and the
odd spaces that look like a plain space. Tokens are styled so they cannot be
mistaken for text that happens to look the same.
"""

from __future__ import annotations

import unicodedata

import regex
from rich.style import Style
from rich.text import Text

TOKEN_STYLE = Style(color="magenta", reverse=True)

#: names for the characters people meet in scraped text; others show as U+XXXX
NAMES = {
    "\x00": "NUL", "\x07": "BEL", "\x08": "BS", "\t": "TAB", "\n": "LF", "\x0b": "VT", "\x0c": "FF", "\r": "CR",
    "\x1b": "ESC", "\x7f": "DEL", "\x85": "NEL", "\xa0": "NBSP", "\xad": "SHY",
    "\u061c": "ALM", "\u1680": "OGHAM SP", "\u180e": "MVS",
    "\u2000": "ENQSP", "\u2001": "EMQSP", "\u2002": "ENSP", "\u2003": "EMSP", "\u2004": "3/EMSP", "\u2005": "4/EMSP",
    "\u2006": "6/EMSP", "\u2007": "FIGSP", "\u2008": "PUNCSP", "\u2009": "THINSP", "\u200a": "HAIRSP",
    "\u200b": "ZWSP", "\u200c": "ZWNJ", "\u200d": "ZWJ", "\u200e": "LRM", "\u200f": "RLM",
    "\u2028": "LSEP", "\u2029": "PSEP",
    "\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO", "\u202f": "NNBSP",
    "\u205f": "MMSP", "\u2060": "WJ", "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI",
    "\u3000": "IDSP", "\ufeff": "BOM", "\ufff9": "IAA", "\ufffa": "IAS", "\ufffb": "IAT",
}  # fmt: skip

#: control, format (bidi, zero-width, soft hyphen, tags), separators, surrogates, odd spaces
_HIDDEN = regex.compile(r"[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")


def token(ch: str) -> str:
    name = NAMES.get(ch) or f"U+{ord(ch):04X}"
    return f"⟨{name}⟩"


def visible(s: str, style: str | Style = "", *, multiline: bool = False, tabs: bool = False) -> Text:
    """``s`` as a Text with every hidden or harmful character shown as a token.

    ``multiline`` keeps ``\\n`` as a line break (the document pane); ``tabs``
    keeps tabs as tabs. Everything else from :data:`_HIDDEN` becomes
    ``⟨NAME⟩`` in :data:`TOKEN_STYLE`.
    """
    out = Text(style=style, end="", no_wrap=not multiline)
    pos = 0
    for m in _HIDDEN.finditer(s):
        ch = m.group()
        if (multiline and ch == "\n") or (tabs and ch == "\t"):
            continue
        if m.start() > pos:
            out.append(s[pos : m.start()])
        out.append(token(ch), TOKEN_STYLE)
        pos = m.end()
    if pos < len(s):
        out.append(s[pos:])
    return out


def plain_visible(s: str) -> str:
    """The plain string :func:`visible` would show (for tests and logs)."""
    return visible(s).plain


def is_hidden(ch: str) -> bool:
    return bool(_HIDDEN.match(ch)) or unicodedata.category(ch) in {"Cc", "Cf", "Cs"}


#: a token as :func:`token` writes it: a name from NAMES or U+XXXX
_TOKEN = regex.compile(r"⟨(U\+[0-9A-F]{4,6}|[A-Z0-9/ ]{2,8})⟩")
_BY_NAME = {name: ch for ch, name in NAMES.items()}


def _decode(name: str) -> str | None:
    if name.startswith("U+"):
        code = int(name[2:], 16)
        return chr(code) if code <= 0x10FFFF else None
    return _BY_NAME.get(name)


def editable(s: str) -> str:
    """``s`` for a text box: every hidden character as its token, exactly undone by :func:`from_editable`.

    A text box draws what it holds: the inline editor showed ``\\x1b[31m``
    as colour (the terminal obeyed it), ``\\x08`` moved the cursor, and a
    ``\\r\\n`` became a plain line break on save. Line breaks and tabs stay
    (they are what editing needs); a literal ``⟨`` that starts something
    token-shaped is itself written as a token, so text that happens to hold
    ``⟨ESC⟩`` comes back as those characters.
    """
    out = []
    pos = 0
    for m in regex.finditer(rf"{_HIDDEN.pattern}|⟨(?={_TOKEN.pattern[1:]})", s):
        ch = m.group()
        if ch in "\n\t":
            continue
        out.append(s[pos : m.start()])
        out.append(f"⟨U+{ord(ch):04X}⟩" if ch == "⟨" else token(ch))
        pos = m.end()
    out.append(s[pos:])
    return "".join(out)


def from_editable(s: str) -> str:
    """The text an :func:`editable` string stands for; a token the reviewer typed inserts its character."""

    def replace(m: regex.Match[str]) -> str:
        ch = _decode(m.group(1))
        return m.group() if ch is None else ch

    return _TOKEN.sub(replace, s)
