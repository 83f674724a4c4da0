"""Specimen-like values the corpus builders fill their tables with (deterministic)."""

from __future__ import annotations

from dataclasses import dataclass

SPECIES = (
    ("Batis crypta", "Fjeldså, Bowie & Kiure, 2006", "Platysteiridae", "Animalia"),
    ("Puma concolor", "(Linnaeus, 1771)", "Felidae", "Animalia"),
    ("Carabus nitens", "Linnaeus, 1758", "Carabidae", "Animalia"),
    ("Polygala alba", "Nuttall", "Polygalaceae", "Plantae"),
    ("Abra alba", "(W. Wood, 1802)", "Semelidae", "Animalia"),
    ("Amanita muscaria", "(L.) Lam.", "Amanitaceae", "Fungi"),
)
PLACES = (
    ("Tanzania", "TZ", "Matengo Highlands, Mbinga District", "-11.3997", "34.9"),
    ("Denmark", "DK", "Dyrehaven, Klampenborg", "55.7870", "12.5590"),
    ("Argentina", "AR", "Parque Nacional Lanín", "-39.6371", "-71.5093"),
    ("Canada", "CA", "Mont Saint-Hilaire, Québec", "45.5500", "-73.1500"),
    ("Belgium", "BE", "Oostende, strand", "51.2300", "2.9100"),
)
COLLECTORS = ("J. Fjeldså", "L. A. Hansen", "M. Kiure", "P. Provoost", "A. Vázquez")
TYPES = ("", "", "Paratype", "", "Holotype")


@dataclass(frozen=True)
class Specimen:
    number: int
    catalog: str
    occurrence_id: str
    name: str
    authorship: str
    family: str
    kingdom: str
    country: str
    country_code: str
    locality: str
    latitude: str
    longitude: str
    recorded_by: str
    event_date: str
    year: str
    type_status: str


def specimens(count: int, prefix: str = "AVES") -> list[Specimen]:
    """``count`` specimens with varied names, places, collectors and dates."""
    found = []
    for number in range(1, count + 1):
        name, authorship, family, kingdom = SPECIES[number % len(SPECIES)]
        country, code, locality, latitude, longitude = PLACES[number % len(PLACES)]
        year = str(1998 + number % 20)
        catalog = f"{prefix}-{95278 + number:06d}"
        found.append(
            Specimen(
                number=number,
                catalog=catalog,
                occurrence_id=f"urn:catalog:NHMD:ZMUC:{catalog}",
                name=name,
                authorship=authorship,
                family=family,
                kingdom=kingdom,
                country=country,
                country_code=code,
                locality=locality,
                latitude=latitude,
                longitude=longitude,
                recorded_by=COLLECTORS[number % len(COLLECTORS)],
                event_date=f"{year}-{1 + number % 12:02d}-{1 + number % 27:02d}",
                year=year,
                type_status=TYPES[number % len(TYPES)],
            )
        )
    return found
