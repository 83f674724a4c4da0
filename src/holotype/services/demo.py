"""Demo content: an organisation and datasets filled with realistic synthetic records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from holotype.demo.generator import write_csv
from holotype.errors import NotFound
from holotype.query import AreasMissing
from holotype.services import catalogue, demo_media, policy
from holotype.services.accounts import users
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.records import IngestOutcome, ingest
from holotype.services.workdirs import work_dir

ORGANISATION = "demo-museum"
ADMIN = "admin"  # the demo's sysadmin account
ADMIN_EMAIL = "admin@localhost.localdomain"

#: Told what the demo load is doing (``step``) and how far it is, in records generated and
#: ingested (``done`` of ``total``).
DemoProgress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoDataset:
    slug: str
    title: str
    description: str
    category: str
    licence: str
    keywords: tuple[str, ...]
    share: float  # fraction of the requested record count
    seed: int
    kind: str = "specimens"  # or "indexlots": which generator, with its own columns


DATASETS = (
    DemoDataset(
        "demo-specimens",
        "Specimens (demo)",
        "Synthetic specimen records shaped like a large museum's collection export: Zipf-"
        "distributed taxa, countries and collectors, multi-word localities, sparse fields.",
        "collection",
        "CC0-1.0",
        ("specimens", "demo", "Darwin Core"),
        1.0,
        42,
    ),
    DemoDataset(
        "demo-index-lots",
        "Index lots (demo)",
        "Synthetic index lot records: groups of specimens catalogued under one name.",
        "collection",
        "CC0-1.0",
        ("index lots", "demo"),
        0.1,
        7,
        "indexlots",
    ),
    DemoDataset(
        "demo-beetle-survey",
        "Beetle survey 2019 (demo research dataset)",
        "A synthetic research dataset, as published alongside a paper.",
        "research",
        "CC-BY-4.0",
        ("research", "Coleoptera", "demo"),
        0.02,
        2019,
    ),
)


#: The resource of the demo's drawers (:mod:`holotype.services.demo_media`).
DRAWERS = f"{DATASETS[0].slug}/{demo_media.RESOURCE}"


def has_demo(portal: Portal) -> bool:
    """Whether every demo dataset exists and holds records (an interrupted load does not)."""
    with portal.session() as session:
        try:
            resources = [
                catalogue.get_resource(session, f"{spec.slug}/records") for spec in DATASETS
            ] + [catalogue.get_resource(session, DRAWERS)]
        except NotFound:
            return False
    return all(portal.store.resource(r.id).resolve() is not None for r in resources)


def boundaries(portal: Portal) -> Path | None:
    """The Natural Earth boundaries the demo places its points in, when the portal has them;
    without them, demo coordinates are only roughly placed."""
    try:
        portal.areas.check()
    except AreasMissing:
        return None
    return portal.settings.geo_areas_dir


def ensure_admin(portal: Portal, identity: Identity) -> str | None:
    """Create the sysadmin account ``admin`` with a random password when the portal has no
    accounts at all: the password, to be shown once; None when there were accounts."""
    policy.require_manage(identity)
    if users.count_users(portal):
        return None
    _, password = users.create_user(portal, identity, ADMIN, ADMIN_EMAIL, "Demo administrator",
                                    sysadmin=True)
    return password


def load_demo(
    portal: Portal, identity: Identity, records: int, progress: DemoProgress | None = None
) -> list[IngestOutcome]:
    """Create (or refresh) the demo datasets with ``records`` specimen records in all, the
    first dataset with photographs of some specimens and a resource of drawer photographs."""
    policy.require_manage(identity)
    say = progress or (lambda _step, _done, _total: None)
    areas_dir = boundaries(portal)
    counts = [max(1, int(records * spec.share)) for spec in DATASETS]
    total, done = 2 * sum(counts), 0
    media = demo_media.DemoMedia(portal.settings.data_dir, portal.settings.demo_photos,
                                 portal.settings.demo_drawer_scale, DATASETS[0].seed)
    with portal.write_session() as session:
        try:
            catalogue.get_organisation(session, ORGANISATION)
        except NotFound:
            catalogue.create_organisation(
                session,
                slug=ORGANISATION,
                name="Demo Natural History Museum",
                description="A made-up museum whose synthetic data shows what Holotype does.",
            )
    outcomes = []
    for spec, count in zip(DATASETS, counts, strict=True):
        ref = f"{spec.slug}/records"
        with portal.write_session() as session:
            try:
                catalogue.get_dataset(session, spec.slug)
            except NotFound:
                catalogue.create_dataset(
                    session,
                    slug=spec.slug,
                    title=spec.title,
                    description=spec.description,
                    licence=spec.licence,
                    category=spec.category,
                    organisation=ORGANISATION,
                    creators=[{"name": "Holotype demo generator"}],
                    keywords=list(spec.keywords),
                )
                catalogue.create_resource(
                    session, spec.slug, slug="records", name="Records", id_field="occurrenceID"
                )
            if spec is DATASETS[0]:  # also in a demo loaded before there were drawers
                try:
                    catalogue.get_resource(session, DRAWERS)
                except NotFound:
                    catalogue.create_resource(
                        session, spec.slug, slug=demo_media.RESOURCE, name="Drawers",
                        description="Photographs of whole insect drawers; each specimen in "
                        "them links to its record.", id_field=demo_media.ID_FIELD,
                    )
        with work_dir(portal.work_dir) as folder:  # the store keeps its own copy of the file
            say(f"{ref}: generating {count:,} records", done, total)
            path = write_csv(folder / f"{spec.slug}.csv", count, seed=spec.seed,
                             areas_dir=areas_dir, kind=spec.kind,
                             extend=media.extend if spec is DATASETS[0] else None)
            done += count
            say(f"{ref}: ingesting", done, total)
            outcomes.append(ingest(
                portal, identity, ref, path, mode="replace",
                progress=_steps_of(say, ref, done, total),
            ))
            done += count
        if spec is DATASETS[0]:
            outcomes.append(_load_drawers(portal, identity, media, say, done, total))
    say("done", total, total)
    return outcomes


def _load_drawers(portal: Portal, identity: Identity, media: demo_media.DemoMedia,
                  say: DemoProgress, done: int, total: int) -> IngestOutcome:
    with work_dir(portal.work_dir) as folder:
        say(f"{DRAWERS}: drawing {demo_media.DRAWERS} drawers", done, total)
        path = media.write_drawers(folder / "drawers.csv")
        say(f"{DRAWERS}: ingesting", done, total)
        return ingest(portal, identity, DRAWERS, path, mode="replace",
                      progress=_steps_of(say, DRAWERS, done, total))


def _steps_of(say: DemoProgress, ref: str, done: int, total: int) -> Callable[[str], None]:
    """An ingest's step reports as demo progress (the bar stays where it is meanwhile)."""
    return lambda step: say(f"{ref}: {step}", done, total)
