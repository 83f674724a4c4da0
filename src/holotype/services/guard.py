"""Refusing a change the policy does not allow, with a trace: the refusal names the field
that caused it and is written to the audit trail (in a transaction of its own, since the
change it refuses is not made). Reads are never refused here: a dataset an identity may not
read is "not found" (:mod:`holotype.services.visible`), and is never audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from holotype.catalog.accounts import Outcome
from holotype.catalog.snapshots import DatasetInfo
from holotype.errors import Forbidden, NotFound, SignInRequired
from holotype.services import catalogue, policy, visible
from holotype.services.accounts import audit
from holotype.services.identity import Identity, Kind

if TYPE_CHECKING:
    from holotype.services.context import Portal


def require(
    portal: Portal, identity: Identity, allowed: bool, message: str, *,
    field: str | None = None, target_type: str = "", target_id: str = "",
    organisation_id: str | None = None,
) -> None:
    """Raise :class:`Forbidden` (naming ``field``), audited as a refused write, unless
    ``allowed``."""
    if allowed:
        return
    if identity.kind == Kind.ANONYMOUS:
        raise SignInRequired(f"sign in first: {message}", field=field)
    with portal.write_session() as session:
        audit.record(session, identity, audit.Event.WRITE_REFUSED, target_type=target_type,
                     target_id=target_id, organisation_id=organisation_id,
                     outcome=Outcome.REFUSED, detail={"field": field, "message": message})
    raise Forbidden(message, field=field)


def require_publish(portal: Portal, identity: Identity, dataset: DatasetInfo,
                    field: str = "dataset") -> None:
    """Refuse (audited) unless ``identity`` may change ``dataset`` and publish its records."""
    require(portal, identity, policy.may_publish(identity, dataset),
            f"only an editor or admin of dataset {dataset.slug!r}'s organisation may change it",
            field=field, target_type="dataset", target_id=dataset.id,
            organisation_id=dataset.organisation_id)


def require_change(portal: Portal, identity: Identity, ref: str, *, resource: bool = False,
                   field: str = "dataset") -> None:
    """Refuse (audited) a change to the dataset ``ref`` (with ``resource``: to the resource
    ``ref``, an id or ``dataset/resource``, which need not exist yet) unless ``identity`` may
    change its dataset. One it may not read is not found, as an unknown one."""
    if policy.may_manage(identity):  # a sysadmin: anything, even what does not exist yet
        return
    with portal.session() as session:
        if resource:
            try:  # a resource it may not read is not found, in the words of an unknown one
                dataset = visible.readable_dataset(
                    session, identity, catalogue.get_resource(session, ref).dataset_id, field)
            except NotFound:
                if "/" not in ref:
                    raise NotFound(f"there is no resource {ref!r}", field=field) from None
                dataset = visible.readable_dataset(session, identity, ref.partition("/")[0],
                                                   field)
        else:
            dataset = visible.readable_dataset(session, identity, ref, field)
    require_publish(portal, identity, dataset, field)
