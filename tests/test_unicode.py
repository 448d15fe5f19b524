"""The Unicode family: mojibake (ftfy's and legacy 8-bit), invisible damage, byte decoding.

Every pack example already runs in test_packs; these tables add the cases the
issue names: MacRoman read as Windows-1252 is fixed, the same characters in
real Spanish, Portuguese, French, Catalan and Icelandic are left alone.
"""

from __future__ import annotations

import pytest

from scrubber import Policy, apply, default_engine
from scrubber.engine import accept_all
from scrubber.io.decode import decode_bytes
from scrubber.kinds.unicode import explain_plan

ENGINE = default_engine(select=["unicode"])
LEGACY = default_engine(select=["unicode.legacy-8bit"])


def batch(text: str) -> str:
    findings = ENGINE.find(text)
    return apply(text, findings, Policy().decisions(findings))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Traders are Òclearly seeing a declineÓ this week.", "Traders are “clearly seeing a decline” this week."),
        ("The countryÕs exports fell.", "The country’s exports fell."),
        ("Manager JŸrgen spoke.", "Manager Jürgen spoke."),
        ("Prices rose Ð slowly Ð in May.", "Prices rose – slowly – in May."),
        ("And thenÉ nothing.", "And then… nothing."),
        ("ÒWe doubt it,Ó he said, Òbut we hope.Ó", "“We doubt it,” he said, “but we hope.”"),
        ("The 2001Ð2004 figures.", "The 2001–2004 figures."),
    ],
)
def test_macroman_read_as_windows_1252_is_fixed_in_batch(text: str, expected: str):
    assert batch(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Spanish
        "Óscar visitó la ÓPERA con Íñigo.",
        "ESPAÑA y Ñandú: la Ñ es una letra.",
        "La canción «ÉXITO» sonó en la radio.",
        # Portuguese
        "É verdade: as LIÇÕES e os CORAÇÕES do AÇÚCAR.",
        "O Ônibus chegou às três. ÓTIMO!",
        "PÕE a mesa, disse a mãe.",
        # Icelandic
        "GUÐRÚN og ÞÓRÐUR fóru til Reykjavíkur.",
        "Ðóra is a rare spelling; the letter Ð is eth.",
        # French, Catalan, Irish
        "L'École et l'ÉTAT; CAFÉ.",
        "Òmnium Cultural i l'ÒPERA del Liceu.",
        "Muintir na hÉireann agus tÓglach.",
    ],
)
def test_real_orthography_with_the_same_characters_is_left_alone(text: str):
    assert LEGACY.find(text) == []
    assert batch(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("caf\u00e9 &amp; bar", "café & bar"),
        ("a\u200bb\u00adc\ufeffd", "abcd"),
        ("x\r\ny\rz", "x\ny\nz"),
        ("left\u202eright", "leftright"),
        ("nul\x00l", "null"),
    ],
)
def test_invisible_and_markup_damage(text: str, expected: str):
    assert batch(text) == expected


WITHOUT_MOJIBAKE = default_engine(select=["unicode"], ignore=["unicode.mojibake"])


@pytest.mark.parametrize(
    "original",
    [
        "先日、不正に改造したiPhoneを販売した。",  # 先 is E5 85 88: U+0085 inside the sequence
        "Åsa och Örjan åkte till Malmö.",  # Å is C3 85
        "正しい",  # 正 is E6 AD A3: a soft hyphen inside the sequence
        "Martín dijo que sí.",  # í is C3 AD
    ],
)
def test_utf8_read_as_latin1_is_restored_as_ftfy_restores_it(original: str):
    """No rule cuts or deletes a byte of a misread UTF-8 character: U+0085 does not end a line for ftfy, and
    the soft-hyphen and line-break rules leave such bytes to the mojibake rule (else the text stays broken)."""
    damaged = original.encode("utf-8").decode("latin-1")
    assert batch(damaged) == original
    assert batch(batch(damaged)) == original
    # with the mojibake rule off, the damage is left whole for a later run, not made unfixable
    kept = accept_all(damaged, WITHOUT_MOJIBAKE.find(damaged))
    assert batch(kept) == original


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bä\u00adcker", "Bäcker"),  # E4 AD 63 is no UTF-8 character: a real soft hyphen
        ("Ver\u00adsicherung", "Versicherung"),
        ("Mart\u00c3\u00adn", "Mart\u00c3\u00adn"),  # C3 AD is 'í': a byte of mojibake, kept
    ],
)
def test_soft_hyphen_alone_without_the_mojibake_rule(text: str, expected: str):
    assert accept_all(text, WITHOUT_MOJIBAKE.find(text)) == expected


def test_replacement_character_is_a_flag_not_a_fix():
    findings = ENGINE.find("lost \ufffd here")
    assert [(f.rule, f.is_flag) for f in findings] == [("unicode.replacement-char", True)]


def test_curly_quotes_and_width_are_kept_by_default():
    text = "“Quoted” ‘text’ with ﬁ and ＡＢＣ."
    assert ENGINE.find(text) == []


def test_uncurl_quotes_straightens_mojibake_quotes_only_after_decoding_them():
    """Straightening the bytes of ``â€œ`` would make it unfixable; the quote it decodes to is straightened in the same fix."""
    engine = default_engine(select=["unicode.uncurl-quotes", "unicode.mojibake"])
    text = "“plain” line\nâ€œbrokenâ€\x9d line"
    findings = engine.find(text)
    assert accept_all(text, findings) == '"plain" line\n"broken" line'
    assert [f.message for f in findings if f.rule == "unicode.mojibake"] == [
        "UTF-8 read as Windows-1252; then curly quote “ straightened; then curly quote ” straightened"
    ]


def test_mojibake_findings_are_per_word_with_the_plan_in_words():
    text = "The cafÃ© and the naÃ¯ve man."
    findings = ENGINE.find(text)
    assert [f.snippet(text) for f in findings] == ["cafÃ©", "naÃ¯ve"]
    assert all(f.message == "UTF-8 read as Latin-1" for f in findings)


def test_plan_in_words_names_repeats():
    plan = [("encode", "sloppy-windows-1252"), ("decode", "utf-8"), ("encode", "sloppy-windows-1252"), ("decode", "utf-8")]
    assert explain_plan(plan) == "UTF-8 read as Windows-1252 twice"


def test_weak_legacy_evidence_is_offered_for_review_not_applied():
    text = "Das schšne Haus."  # š could be Czech; alone it is not enough
    assert LEGACY.find(text) == []
    findings = LEGACY.find("Die Stra§e und das schšne Haus.")
    assert {f.snippet("Die Stra§e und das schšne Haus."): f.confidence >= 0.8 for f in findings} == {"Stra§e": True, "schšne": False}


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        ("Jürgen’s “plan” – done…".encode("mac_roman"), "Jürgen’s “plan” – done…", "mac_roman"),
        ("Café’s “menu” – done…".encode("cp1252"), "Café’s “menu” – done…", "cp1252"),
        ("Schöne Grüße, café".encode("cp437"), "Schöne Grüße, café", "cp437"),
        ("naïve café".encode("utf-16"), "naïve café", "utf-16"),
        (b"caf\xe9 \x81", "café \x81", "latin-1"),
    ],
)
def test_byte_input_encoding_is_detected_and_said(data: bytes, text: str, encoding: str):
    decoded = decode_bytes(data)
    assert (decoded.text, decoded.encoding) == (text, encoding)
    assert decoded.problem
