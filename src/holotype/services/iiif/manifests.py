"""A record's IIIF Presentation 3.0 manifest: one Canvas per image the portal serves.

Read through :func:`holotype.services.record_view.load_record`, so the same policy as the
record page applies (a record the identity may not see is NotFound). Each canvas paints the
image from the portal's Image API service (``ImageService3`` at ``/iiif/3/<media id>``), is as
big as ``dimensions`` says (or :data:`~.served.DEFAULT_SIZE`), and carries the image's own
licence (``rights``) and credit (``requiredStatement``: creator, rights holder, licence). The
manifest carries the record's title, a summary, the main fields as ``metadata``, the licence
(the images' common licence address, else the dataset's), the credit, a thumbnail and
``homepage`` (the record page). A drawer's hotspots are Web Annotations on its first canvas
(:mod:`.hotspots`).
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from iiif_prezi3 import (
    Annotation,
    AnnotationBody,
    AnnotationPage,
    Canvas,
    Homepage,
    KeyValueString,
    Manifest,
    Resource,
    ServiceV3,
)

from holotype.media.refs import MediaRef, record_media
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.iiif import hotspots
from holotype.services.iiif.served import (
    DEFAULT_SIZE,
    Dimensions,
    image_service,
    served_images,
    thumbnail_url,
)
from holotype.services.record_view import RecordPage, load_record

METADATA_FIELDS = ("scientificName", "scientificNameAuthorship", "vernacularName", "family",
                   "catalogNumber", "occurrenceID", "institutionCode", "collectionCode",
                   "typeStatus", "country", "locality", "eventDate", "recordedBy",
                   "basisOfRecord", "preparations")
IMAGE_PROFILE = "level2"
JSON_LD = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'


def en(text: str) -> dict[str, list[str]]:
    """``text`` as an English language map, always read as plain text: Presentation 3 reads a
    value that starts with ``<`` and ends with ``>`` as HTML, so such a value (published data
    may hold anything) is given as HTML whose text is the value, escaped."""
    if text.startswith("<") and text.endswith(">"):
        text = f"<span>{escape(text)}</span>"
    return {"en": [text]}


def manifest_path(resource_id: str, record_id: str) -> str:
    return f"/iiif/manifest/record/{quote(resource_id, safe='')}/{quote(record_id, safe='')}"


def record_page_path(resource_id: str, record_id: str, version: int | None) -> str:
    path = f"/record/{quote(resource_id, safe='')}/{quote(record_id, safe='')}"
    return path + (f"?version={version}" if version is not None else "")


def is_url(text: str | None) -> bool:
    return bool(text) and str(text).lower().startswith(("http://", "https://"))


def credit(ref: MediaRef) -> str | None:
    """"Creator: …; Rights holder: …; Licence: …" from what the medium says."""
    parts = [f"{label}: {value}" for label, value in (
        ("Creator", ref.creator), ("Rights holder", ref.rights_holder),
        ("Licence", ref.licence)) if value]
    return "; ".join(parts) or None


def image_canvas(canvas_id: str, ref: MediaRef, base: str, size: tuple[int, int],
                 label: str) -> Canvas:
    width, height = size
    service = image_service(base, ref.id)
    canvas = Canvas(id=canvas_id, label=en(label), width=width, height=height)
    body = AnnotationBody(id=f"{service}/full/max/0/default.jpg", type="Image",
                          format="image/jpeg", width=width, height=height,
                          service=[ServiceV3(id=service, type="ImageService3",
                                             profile=IMAGE_PROFILE)])
    painting = AnnotationPage(id=f"{canvas_id}/page")
    painting.add_item(Annotation(id=f"{canvas_id}/page/image", motivation="painting",
                                 body=body, target=canvas_id))
    canvas.add_item(painting)
    canvas.thumbnail = [thumbnail(base, ref.id)]
    if is_url(ref.licence):
        canvas.rights = ref.licence
    said = credit(ref)
    if said:
        canvas.requiredStatement = KeyValueString(label=en("Attribution"), value=en(said))
    return canvas


def thumbnail(base: str, media_id: str) -> Resource:
    return Resource(AnnotationBody(id=thumbnail_url(base, media_id), type="Image",
                                   format="image/jpeg"))


def summary(page: RecordPage) -> str:
    where = ", ".join(v for v in (page.data.get("locality"), page.data.get("country")) if v)
    text = f"A record of the dataset {page.dataset.title}"
    return text + (f", from {where}." if where else ".")


def build_manifest(page: RecordPage, portal: Portal, base: str,
                   dimensions: Dimensions, version: int | None = None) -> Manifest:
    """The manifest of the record ``page`` shows (``version``: the one asked for, if any)."""
    path = manifest_path(page.resource.id, page.record_id)
    query = f"?version={version}" if version is not None else ""
    manifest = Manifest(id=f"{base}{path}{query}", label=en(page.title),
                        summary=en(summary(page)))
    labels = portal.field_labels
    for name in METADATA_FIELDS:
        if page.data.get(name):
            manifest.metadata = [*(manifest.metadata or []),
                                 KeyValueString(label=en(labels.label(name)),
                                                value=en(page.data[name]))]
    manifest.metadata = [*(manifest.metadata or []),
                         KeyValueString(label=en("Dataset"), value=en(page.dataset.title))]
    images = served_images(record_media(page.data), portal)
    licences = {ref.licence for ref in images}
    common = licences.pop() if len(licences) == 1 else None
    manifest.rights = common if common and is_url(common) else page.dataset.licence.url
    holder = page.organisation.name if page.organisation else page.dataset.title
    manifest.requiredStatement = KeyValueString(
        label=en("Attribution"),
        value=en(f"{holder}. Data licence: {page.dataset.licence.title}"
                 + "".join(f". Image {n}: {said}" for n, said in
                           enumerate((credit(r) for r in images), 1) if said)))
    manifest.homepage = [Homepage(id=base + record_page_path(page.resource.id, page.record_id,
                                                             version),
                                  type="Text", format="text/html", label=en(page.title))]
    spots = hotspots.hotspots(page.data)
    for n, ref in enumerate(images, 1):
        canvas_id = f"{base}{path}/canvas/{ref.id}{query}"
        label = ref.title or f"Image {n} of {len(images)}"
        canvas = image_canvas(canvas_id, ref, base, dimensions(ref.id) or DEFAULT_SIZE, label)
        if n == 1 and spots:
            canvas.annotations = [hotspots.hotspot_page(
                f"{base}{path}/canvas/{ref.id}/hotspots{query}", canvas_id, base, spots)]
        manifest.add_item(canvas)
    if images:
        manifest.thumbnail = [thumbnail(base, images[0].id)]
    return manifest


def record_manifest(portal: Portal, identity: Identity, resource_ref: str, record_id: str,
                    version: int | None, base: str, dimensions: Dimensions) -> Manifest:
    """The manifest of a record ``identity`` may see (NotFound otherwise)."""
    page = load_record(portal, identity, resource_ref, record_id, version)
    return build_manifest(page, portal, base, dimensions, version)
