"""Other projects' spreadsheets (../shared/corpus/external), as its manifest lists them."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "external"


def corpus_files() -> list[str]:
    """The manifest's file names, relative to CORPUS; none where the corpus is not here."""
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.exists():
        return []
    lines = manifest.read_text(encoding="utf-8").splitlines()[1:]
    return [line.split("\t")[0] for line in lines if line.strip()]


def corpus_params() -> list:
    """corpus_files() to parametrise a test by: where the corpus is not here, one case that
    skips saying so (an empty list would drop the test from the run without a word)."""
    absent = pytest.param(
        None, marks=pytest.mark.skip(reason=f"the shared corpus is not at {CORPUS}")
    )
    return corpus_files() or [absent]
