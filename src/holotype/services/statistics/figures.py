"""The figures the portal offers, by id, and the one way to compute one for a reader.

The registry is every figure module's ``FIGURES``, in the order the statistics page shows them
(the collection's shape, its completeness, how it was published, how it is used). A request
names a figure, maybe a dataset, and the parameters that figure reads; :func:`figure` checks
them all (400 naming the parameter at fault, and changing nothing), resolves the scope through
the policy (:func:`~holotype.services.statistics.model.scope`) and computes the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import TYPE_CHECKING

from holotype.errors import Forbidden, Invalid
from holotype.services import policy
from holotype.services.identity import Identity
from holotype.services.statistics import completeness, published, shape, usage
from holotype.services.statistics.model import (
    Figure,
    Params,
    Scope,
    Table,
    checked_granularity,
    period_range,
    scope,
)

if TYPE_CHECKING:
    from holotype.services.context import Portal

FIGURES: tuple[Figure, ...] = (
    *shape.FIGURES, *completeness.FIGURES, *published.FIGURES, *usage.FIGURES)
BY_ID: dict[str, Figure] = {f.id: f for f in FIGURES}
PARAMS: tuple[str, ...] = tuple(f.name for f in fields(Params))
MAX_LIMIT = 200  # values listed before the rest are counted together


def lookup(figure_id: str) -> Figure:
    """The figure named ``figure_id``; 400 naming ``figure`` (with the ids there are)."""
    found = BY_ID.get(figure_id)
    if found is None:
        raise Invalid(f"there is no figure {figure_id!r}; the figures are "
                      f"{', '.join(BY_ID)}", field="figure")
    return found


def offered(portal: Portal, identity: Identity, dataset: str | None) -> tuple[Figure, ...]:
    """The figures shown to ``identity``: all on the statistics page, and on ``dataset``'s
    panel those offered per dataset, its usage only to those who may manage it (400 for a
    dataset it may not see)."""
    return FIGURES if dataset is None else _shown(identity, scope(portal, identity, dataset))


def _shown(identity: Identity, where: Scope) -> tuple[Figure, ...]:
    if where.dataset is None:
        return FIGURES
    manages = policy.may_manage(identity, where.dataset)
    return tuple(f for f in FIGURES if f.per_dataset and (manages or not f.maintainers_only))


def checked_params(found: Figure, values: Mapping[str, str | int | None]) -> Params:
    """The :class:`Params` of a request for ``found``: each value given must be one the
    figure reads, well formed (granularity, periods in order and in range, a positive limit);
    a figure's own choices (``by``, ``field``) are checked where they are computed."""
    given = {k: v for k, v in values.items() if v is not None and v != ""}
    for name in given:
        if name not in PARAMS:
            raise Invalid(f"no figure reads {name!r}", field=name)
        if name not in found.params:
            reads = ", ".join(found.params) or "no parameters"
            raise Invalid(f"the figure {found.id!r} does not read {name!r} (it reads "
                          f"{reads})", field=name)
    limit = Params.limit
    if "limit" in given:
        try:
            limit = int(given["limit"])
        except ValueError:
            raise Invalid(f"limit must be a whole number, not {given['limit']!r}",
                          field="limit") from None
        if not 1 <= limit <= MAX_LIMIT:
            raise Invalid(f"limit must be between 1 and {MAX_LIMIT}, not {limit}",
                          field="limit")
    text = {k: str(v).strip() for k, v in given.items() if k != "limit"}
    params = Params(granularity=checked_granularity(text.get("granularity")),
                    since=text.get("since"), until=text.get("until"), by=text.get("by"),
                    field=text.get("field"), limit=limit)
    if params.since:
        period_range(params, params.since)
    elif params.until:  # checked as the range's only end: a fault is until's
        try:
            period_range(params, params.until)
        except Invalid as fault:
            raise fault.at("until") from None
    return params


def defaults(portal: Portal, identity: Identity,
             dataset: str | None) -> list[tuple[Figure, Table]]:
    """Every figure :func:`offered` to ``identity`` (over ``dataset`` or the whole portal)
    with its default parameters, the scope resolved once; a figure by any field is left out
    (it waits for its field)."""
    where = scope(portal, identity, dataset)
    found = _shown(identity, where)
    return [(f, f.compute(portal, where, Params())) for f in found if "field" not in f.params]


def figure(portal: Portal, identity: Identity, figure_id: str, dataset: str | None,
           values: Mapping[str, str | int | None]) -> Table:
    """Figure ``figure_id`` for ``identity``: over the whole portal, or over ``dataset``
    (slug or id) with ``values`` its parameters. A dataset's usage is its maintainers' (403
    for anyone else)."""
    found = lookup(figure_id)
    params = checked_params(found, values)
    if dataset is not None and not found.per_dataset:
        raise Invalid(f"the figure {found.id!r} is the whole portal's, not a dataset's",
                      field="dataset")
    where = scope(portal, identity, dataset)
    # A dataset's usage is its maintainers'; the portal's (of what the reader may read) is
    # everyone's, as the statistics page shows it.
    if found.maintainers_only and where.dataset is not None \
            and not policy.may_manage(identity, where.dataset):
        raise Forbidden(f"the figure {found.id!r} of a dataset is for its maintainers")
    return found.compute(portal, where, params)
