"""IIIF Collections of record manifests: a search's result page, or a dataset.

A dataset is many objects, each with its own images, so it is a Collection of its records'
manifests (a Manifest is one object's description, and one record's images are one object).
A search page's collection lists one Manifest reference per record of the page that has an
image the portal serves, with the record's title and first image as thumbnail.

Presentation 3.0 removed paging from Collections (no ``first``/``next``/``prev`` as in 2.1:
see the 3.0 change log); a long list is a chain of nested collections instead. So a page that
has a next page ends with a reference to it (a Collection, labelled "Next page"), and each page
after the first is ``partOf`` the first: any number of results can be walked from either end
of the chain, one page at a time, however large the search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from iiif_prezi3 import Collection, CollectionRef, Homepage, ManifestRef

from holotype.services.iiif.manifests import en, manifest_path, thumbnail


@dataclass(frozen=True)
class Entry:
    """One record of a page, with the ids of the images the portal serves."""

    resource: str
    record_id: str
    title: str
    images: Sequence[str]


@dataclass(frozen=True)
class PageLinks:
    """The addresses (without the portal's base) around one page of a collection."""

    this: str
    first: str
    next: str | None
    homepage: str  # the page people read (the search's gallery, the dataset's page)


def page_collection(base: str, label: str, entries: Sequence[Entry], links: PageLinks,
                    version: int | None = None) -> Collection:
    """One page: a Manifest reference per entry with images, then the next page if any."""
    collection = Collection(id=base + links.this, label=en(label))
    collection.homepage = [Homepage(id=base + links.homepage, type="Text", format="text/html",
                                    label=en(label))]
    query = f"?version={version}" if version is not None else ""
    for entry in entries:
        if not entry.images:
            continue
        collection.add_item(ManifestRef(
            id=base + manifest_path(entry.resource, entry.record_id) + query,
            type="Manifest", label=en(entry.title),
            thumbnail=[thumbnail(base, entry.images[0])]))
    if links.next is not None:
        collection.add_item(CollectionRef(id=base + links.next, type="Collection",
                                          label=en("Next page")))
    if links.this != links.first:
        collection.partOf = [{"id": base + links.first, "type": "Collection"}]
    return collection
