"""Other projects' spreadsheets (../shared/corpus/external), as its manifest lists them."""

from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "external"


def corpus_files() -> list[str]:
    """The manifest's file names, relative to CORPUS; none where the corpus is not here."""
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.exists():
        return []
    lines = manifest.read_text(encoding="utf-8").splitlines()[1:]
    return [line.split("\t")[0] for line in lines if line.strip()]
