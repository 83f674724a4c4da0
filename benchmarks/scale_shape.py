"""The shape of the scale benchmark's "Everything" site: 40 resources, 35,000,000 records.

Shaped like the NHM Data Portal (issue 19): one specimen resource of 6,000,000 records, the
index lots, a few large research datasets, some medium ones and a long tail of small ones.
``--scale`` multiplies every size (each resource keeps at least one record), so a small run has
the same 40 resources in the same proportions. docs/benchmarks.md shows this table (generated
by ``benchmarks.scale_report`` from :func:`markdown`).
"""

from __future__ import annotations

from dataclasses import dataclass

FULL_RECORDS = 35_000_000


@dataclass(frozen=True)
class Part:
    """One resource of the site."""

    dataset: str  # dataset slug (several resources may share one)
    slug: str  # resource slug
    kind: str  # generator: "specimens" (the NHM specimen export's columns) or "indexlots"
    records: int  # at scale 1
    columns: str  # "all" the generator's columns, or "research" (a narrower set)
    role: str  # what it stands for

    @property
    def name(self) -> str:
        return f"{self.dataset}/{self.slug}"


#: The columns of a research dataset: an occurrence table without the museum's own fields.
RESEARCH_COLUMNS = (
    "occurrenceID", "basisOfRecord", "scientificName", "scientificNameAuthorship", "kingdom",
    "family", "genus", "specificEpithet", "country", "stateProvince", "locality",
    "decimalLatitude", "decimalLongitude", "year", "month", "day", "eventDate", "recordedBy",
    "individualCount",
)

_LARGE = (5_500_000, 5_000_000, 4_500_000, 4_000_000, 3_500_000)
_MEDIUM = (1_400_000, 1_100_000, 900_000, 800_000, 545_500)
_SMALL = (150_000, 120_000, 100_000, 90_000, 80_000, 70_000, 60_000, 55_000, 50_000, 45_000,
          40_000, 35_000, 30_000, 25_000, 20_000, 18_000, 15_000, 12_000, 10_000, 8_000, 6_000,
          5_000, 4_000, 3_000, 2_000, 1_000, 500)

SHAPE: tuple[Part, ...] = (
    Part("collection", "specimens", "specimens", 6_000_000, "all", "the specimen collection"),
    Part("collection", "indexlots", "indexlots", 500_000, "all", "index lots"),
    Part("collection", "artefacts", "specimens", 200_000, "all", "collection artefacts"),
    *(Part(f"research-large-{i + 1}", "occurrences", "specimens", n, "research",
           "large research dataset") for i, n in enumerate(_LARGE)),
    *(Part(f"research-medium-{i + 1}", "occurrences", "specimens", n, "research",
           "medium research dataset") for i, n in enumerate(_MEDIUM)),
    *(Part(f"research-small-{i + 1:02d}", "occurrences", "specimens", n, "research",
           "small research dataset") for i, n in enumerate(_SMALL)),
)
assert len(SHAPE) == 40 and sum(p.records for p in SHAPE) == FULL_RECORDS

SPECIMENS = SHAPE[0]
#: The 10,000,000-record download (at scale 1): the specimens and the fourth large dataset.
DOWNLOAD = (SHAPE[0], SHAPE[6])
assert sum(p.records for p in DOWNLOAD) == 10_000_000


def scaled(scale: float) -> list[tuple[Part, int]]:
    """Each part with its record count at ``scale`` (at least one record)."""
    if not 0 < scale <= 1:
        raise ValueError(f"--scale must be above 0 and at most 1, not {scale}")
    return [(part, max(1, round(part.records * scale))) for part in SHAPE]


def markdown() -> str:
    """The shape as a Markdown table, grouped by role."""
    groups: dict[str, list[Part]] = {}
    for part in SHAPE:
        groups.setdefault(part.role, []).append(part)
    lines = ["| resources | role | records each (scale 1) | records | columns |",
             "|---:|---|---|---:|---|"]
    for role, parts in groups.items():
        sizes = sorted({p.records for p in parts}, reverse=True)
        each = (f"{sizes[0]:,}" if len(sizes) == 1
                else f"{sizes[0]:,} … {sizes[-1]:,}")
        lines.append(f"| {len(parts)} | {role} | {each} | {sum(p.records for p in parts):,} | "
                     f"{parts[0].columns} ({parts[0].kind}) |")
    lines.append(f"| **{len(SHAPE)}** | **Everything** | | **{FULL_RECORDS:,}** | |")
    return "\n".join(lines)
