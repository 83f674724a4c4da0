"""One record as a page shows it: title, grouped fields, images and history, with the
provenance of the versions corrections made (its citation: ``citations.items``).

The record and its history are read from the resource's search index, which holds every record
version with its validity range, so a record page costs a few milliseconds at any size (reading
the record store would scan its segments). The history is built by the store's own
``history.build``, so its per-field changes are exactly those of ``vds_version_record``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from holotype.catalog.snapshots import DatasetInfo, OrganisationInfo, ResourceInfo
from holotype.errors import NotFound
from holotype.query.evaluate import point
from holotype.services import catalogue
from holotype.services.catalogue_view import publisher
from holotype.services.context import Portal
from holotype.services.correction_log import CorrectionNote, record_notes
from holotype.services.identity import Identity
from holotype.services.visible import visible_resources
from holotype.store import RecordVersion

GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Taxonomy", ("scientificName", "scientificNameAuthorship", "vernacularName", "taxonRank",
                  "kingdom", "phylum", "class", "order", "family", "genus", "subgenus",
                  "specificEpithet", "infraspecificEpithet", "higherClassification")),
    ("Locality", ("continent", "waterBody", "islandGroup", "island", "country", "countryCode",
                  "stateProvince", "county", "municipality", "locality", "verbatimLocality",
                  "higherGeography", "decimalLatitude", "decimalLongitude", "geodeticDatum",
                  "coordinateUncertaintyInMeters", "minimumElevationInMeters",
                  "maximumElevationInMeters", "minimumDepthInMeters", "maximumDepthInMeters")),
    ("Collection event", ("eventDate", "verbatimEventDate", "year", "month", "day",
                          "recordedBy", "recordNumber", "fieldNumber", "habitat",
                          "samplingProtocol", "eventRemarks")),
    ("Identification", ("identifiedBy", "dateIdentified", "identificationQualifier",
                        "identificationRemarks", "identificationReferences")),
    ("Type status", ("typeStatus", "typifiedName")),
    ("Specimen", ("catalogNumber", "occurrenceID", "institutionCode", "collectionCode",
                  "basisOfRecord", "preparations", "individualCount", "sex", "lifeStage",
                  "department", "otherCatalogNumbers")),
)
IMAGE_FIELDS = ("associatedMedia",)


@dataclass(frozen=True)
class RecordPage:
    """Everything the record page shows, for the version asked for."""

    resource: ResourceInfo
    dataset: DatasetInfo
    record_id: str
    version: int  # the record version shown (when it was written)
    latest: bool  # whether it is the record's current version
    data: dict[str, str]
    history: list[RecordVersion]  # oldest first
    organisation: OrganisationInfo | None = None  # the dataset's publisher
    point: tuple[float, float] | None = None  # (latitude, longitude): the record page's map
    # the versions accepted corrections made, with their provenance (by version)
    corrections: dict[int, CorrectionNote] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return record_title(self.data, self.record_id)

    @property
    def groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        return grouped_fields(self.data)

    @property
    def others(self) -> list[tuple[str, str]]:
        return other_fields(self.data)

    @property
    def images(self) -> list[str]:
        return image_urls(self.data)

    @property
    def removed(self) -> int | None:
        """When the record was removed, if it is not in the current data."""
        last = self.history[-1] if self.history else None
        return last.version if last is not None and last.deleted else None


def record_title(data: dict[str, str], record_id: str) -> str:
    """"<scientific name> (<catalogue number>)", falling back to whichever is present."""
    name = (data.get("scientificName") or "").strip()
    number = (data.get("catalogNumber") or "").strip()
    if name and number:
        return f"{name} ({number})"
    return name or number or f"Record {record_id}"


def grouped_fields(data: dict[str, str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The Darwin Core groups that hold data, each with its (field, value) pairs in order."""
    result = []
    for label, names in GROUPS:
        present = [(name, data[name]) for name in names if data.get(name)]
        if present:
            result.append((label, present))
    return result


def other_fields(data: dict[str, str]) -> list[tuple[str, str]]:
    """The (field, value) pairs with a value that no group shows, in the record's order (the
    images' fields too: the images show only the addresses that are safe to show)."""
    shown = {name for _, pairs in grouped_fields(data) for name, _ in pairs}
    return [(name, value) for name, value in data.items() if value and name not in shown]


def safe_url(url: str) -> bool:
    """Only web addresses and the portal's own paths may become links or images.

    A path must not start with ``//`` or ``/\\`` (browsers read both as another site's address),
    nor hide one behind tabs or line breaks, which browsers drop from addresses."""
    if any(ord(c) < 0x20 or c == "\x7f" for c in url):
        return False
    return url.lower().startswith(("http://", "https://")) or (
        url.startswith("/") and url[1:2] not in ("/", "\\")
    )


def image_urls(data: dict[str, str]) -> list[str]:
    """Image addresses from the image fields (Darwin Core separates several with ``|``)."""
    urls: list[str] = []
    for name in IMAGE_FIELDS:
        for part in (data.get(name) or "").split("|"):
            url = part.strip()
            if url and safe_url(url) and url not in urls:
                urls.append(url)
    return urls


def object_path(occurrence_id: str) -> str:
    """The specimen's stable URI path, ``/object/<occurrenceID>`` (quoted as one segment)."""
    return "/object/" + quote(occurrence_id, safe="")


def load_record(
    portal: Portal, identity: Identity, resource_ref: str, record_id: str,
    version: int | None = None,
) -> RecordPage:
    """The record as of ``version`` (default: now) with its whole history; NotFound when the
    resource is not visible to ``identity`` or the record did not exist then."""
    resource = visible_resources(portal, identity, [resource_ref])[0]
    with portal.session() as session:
        dataset = catalogue.get_dataset(session, resource.dataset_id)
        organisation = publisher(session, dataset)
    found = portal.searcher.views([resource], None)
    if not found:
        raise NotFound(f"record {record_id!r} does not exist", field="record_id")
    history = portal.searcher.history(found[0], record_id)
    moment = found[0].version if version is None else version
    shown = next((h for h in history if h.data is not None and h.version <= moment
                  and (h.until is None or h.until > moment)), None)
    if shown is None or shown.data is None:
        when = "now" if version is None else "at that version"
        raise NotFound(f"record {record_id!r} does not exist {when}", field="record_id")
    lat, lon = portal.settings.geo_fields
    notes = record_notes(portal, identity, dataset, resource.id, record_id)
    return RecordPage(resource, dataset, record_id, shown.version, shown.until is None,
                      shown.data, history, organisation,
                      point(shown.data.get(lat), shown.data.get(lon)), notes)

