"""The wheel ships the rule packs, so `scrubber rules` works from any folder."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from scrubber.kinds import mark_scan, word_pairs

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_every_rule_pack(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("scrubber-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    packs = {f"scrubber/rules/{p.name}" for p in (ROOT / "rules").glob("*.toml")}
    assert packs and packs <= names
    sources = {
        str(p.relative_to(ROOT)) for p in (ROOT / "scrubber").rglob("*") if p.suffix in (".py", ".tcss") and "__pycache__" not in p.parts
    }
    assert sources - names == set(), "add the missing package or data file to pyproject.toml"
    for module in (word_pairs, mark_scan):
        if (
            module._kernel is not None
        ):  # this machine compiles it, so the wheel holds it (docs/word-pairs-kernel.md, docs/mark-scan-kernel.md)
            stem = module._kernel.__name__.rpartition(".")[2]
            assert any(n.startswith(f"scrubber/kinds/{stem}.") and n.endswith((".so", ".pyd")) for n in names)


def test_python_m_scrubber_is_the_command(tmp_path: Path):
    """``python -m scrubber`` runs the same command (for a venv whose scripts are not on PATH)."""
    result = subprocess.run(
        [sys.executable, "-m", "scrubber", "check", "-", "--select", "residue"],
        input="Body of the article.\nShare this:\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert "residue." in result.stdout
    usage = subprocess.run([sys.executable, "-m", "scrubber", "--help"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert usage.returncode == 0 and usage.stdout.startswith("Usage: scrubber ")
