"""What an import did, as the run fills it in and the presenter and --json read it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from custcli.domain.importing.mapping import Mapping
from custcli.domain.importing.rows import Row, RowRejected
from custcli.errors import Said, words


@dataclass
class ImportResult:
    file: str
    mapping: Mapping
    dry_run: bool
    import_id: int | None = None
    counts: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    # (row, values as written, reason); values are None until read back from the file
    rejects: list[tuple[int, list | None, RowRejected]] = field(default_factory=list)
    warnings: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, reason)
    kept: Counter = field(default_factory=Counter)  # field → values kept as "other"
    masked: int = 0  # masked cells (138****5678) left out, the cards keeping their values
    true_at: str | None = None  # the day the file's values were true: its title's, or its time
    unnamed: int = 0  # new cards without a store name
    changed_cards: int = 0  # cards that were there before the import, changed by it
    samples: list[Said] = field(default_factory=list)  # what changes, said when shown
    rejects_file: Path | None = None
    # A guessed kind would have changed existing cards: nothing was written, --kind is asked.
    held_back: bool = False
    rejects_file_error: str | None = None  # the import landed, its rejects file did not

    def reject(self, row_no: int, raw: list | None, why: RowRejected) -> None:
        """A row refused; without `raw` (refused under the lock), read_back fills it in."""
        self.rejects.append((row_no, None if raw is None else list(raw), why))

    def took(self, row_no: int, row: Row, outcome: str | None) -> None:
        """A row taken: its outcome counted (None: counted when its batch is written) and
        the values it kept as written noted."""
        if outcome:
            self.counts[outcome] += 1
        if row.kept:
            self.warnings += [(row_no, header, why) for header, why in row.kept]
        self.masked += row.masked

    def start_over(self) -> None:
        """Forget the rows' outcomes: the file is prepared again."""
        self.counts.clear()
        self.skipped.clear()
        self.kept.clear()
        self.rejects, self.warnings, self.samples = [], [], []
        self.unnamed = self.changed_cards = self.masked = 0

    def summary(self) -> dict:
        counts = {k: self.counts.get(k, 0) for k in ("new", "updated", "unchanged")}
        counts["rejected"] = len(self.rejects)
        counts["skipped"] = sum(self.skipped.values())
        counts["kept_as_written"] = len(self.warnings)
        counts["masked"] = self.masked
        return counts

    def to_json(self, path: Path) -> dict:
        mapping = self.mapping
        return {
            "file": str(path),
            "kind": mapping.kind.name,
            "kind_guessed": mapping.guessed,
            "kind_sure": mapping.sure,
            "remembered": mapping.remembered,
            "sheet": mapping.sheet,
            "header_row": mapping.header_row,
            "dry_run": self.dry_run,
            "import_id": self.import_id,
            "mapping": mapping.describe(),
            "counts": self.summary(),
            "skipped": dict(self.skipped),
            "rejects": [{"row": r, "reason": words(why)} for r, _v, why in self.rejects],
            "warnings": [
                {"row": r, "column": c, "reason": words(why)} for r, c, why in self.warnings
            ],
            "rejects_file": str(self.rejects_file) if self.rejects_file else None,
            "rejects_file_error": self.rejects_file_error,
            "samples": [words(sample) for sample in self.samples],
            "kept_as_other": dict(self.kept),
            "without_name": self.unnamed,
            "held_back": self.held_back,
        }
