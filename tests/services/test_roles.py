"""Organisation roles through the services: members read their organisation's private
datasets and nothing else private; editors change and publish them; admins manage members but
grant at most admin; every change and every refusal caused by a parameter is audited."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from holotype.catalog.downloads import DownloadJob
from holotype.catalog.snapshots import DatasetInfo
from holotype.errors import Forbidden, Invalid, NotFound, SignInRequired
from holotype.services import organisations, policy, search, visible
from holotype.services.accounts import audit
from holotype.services.citations.query_citations import cite
from holotype.services.context import Portal
from holotype.services.downloads import make_worker, parse_request, queue
from holotype.services.identity import ANONYMOUS, OPERATOR, Identity, Kind, Scope
from holotype.services.portal_search import share
from holotype.services.records import ingest
from tests.fixtures.accounts_site import OTHER_SECRET, SECRET, AccountsSite, make_accounts_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> AccountsSite:
    return make_accounts_site(tmp_path_factory.mktemp("roles-site"), records=30)


@pytest.fixture(scope="module")
def portal(site: AccountsSite) -> Iterator[Portal]:
    opened = Portal.open(site.settings)
    yield opened
    opened.close()


def _hits(portal: Portal, who: Identity, word: str) -> int:
    views = search.resource_views(portal, who, None, None)
    return sum(portal.searcher.count(views, {"search": word}).values())


def test_members_read_their_organisations_private_data_only(site: AccountsSite,
                                                            portal: Portal) -> None:
    expected = {"member": (2, 0), "editor": (2, 0), "other_editor": (0, 1), "sysadmin": (2, 1)}
    for name, (mine, theirs) in expected.items():
        who = site.identity(name)
        assert (_hits(portal, who, SECRET), _hits(portal, who, OTHER_SECRET)) == (mine, theirs)
    assert (_hits(portal, ANONYMOUS, SECRET), _hits(portal, ANONYMOUS, OTHER_SECRET)) == (0, 0)
    with portal.session() as session:
        with pytest.raises(NotFound) as hidden:
            visible.readable_dataset(session, site.identity("other_editor"), "secret")
        with pytest.raises(NotFound) as unknown:
            visible.readable_dataset(session, site.identity("other_editor"), "no-such")
        assert hidden.value.message.replace("secret", "x") == \
            unknown.value.message.replace("no-such", "x")
        member_sees = {d.slug for d in visible.readable_datasets(session,
                                                                 site.identity("member"))}
    assert "secret" in member_sees and "othersecret" not in member_sees


def test_the_sql_condition_and_the_decision_agree(site: AccountsSite, portal: Portal) -> None:
    with portal.session() as session:
        every = visible.readable_datasets(session, OPERATOR)
        for name in (*site.users, None):
            who = ANONYMOUS if name is None else site.identity(name)
            listed = {d.slug for d in visible.readable_datasets(session, who)}
            assert listed == {d.slug for d in every if policy.may_read_dataset(who, d)}, name


def test_identities_that_see_the_same_datasets_share_a_cache_scope(site: AccountsSite) -> None:
    member, editor = site.identity("member"), site.identity("editor")
    alike = Identity(Kind.USER, "twin", user_id=member.user_id, roles=member.roles)
    assert policy.scope(alike) == policy.scope(member)
    assert policy.scope(member) != policy.scope(ANONYMOUS)
    assert policy.scope(member) != policy.scope(site.identity("other_editor"))
    assert policy.scope(site.identity("sysadmin")) == policy.scope(OPERATOR) == "all"
    assert policy.scope(editor) != policy.scope(site.identity("other_editor"))


def test_editors_publish_members_and_strangers_do_not(site: AccountsSite, portal: Portal,
                                                      tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(f"occurrenceID,scientificName\nsec-museum-1,{SECRET}\n")
    with pytest.raises(Forbidden) as refused:
        ingest(portal, site.identity("member"), "secret/records", rows, mode="update")
    assert refused.value.field == "resource"
    with pytest.raises(NotFound):  # other's editor does not even see it
        ingest(portal, site.identity("other_editor"), "secret/records", rows, mode="update")
    with pytest.raises(NotFound) as hidden:
        ingest(portal, ANONYMOUS, "secret/records", rows, mode="update")
    assert site.secret_resource not in hidden.value.message
    with pytest.raises(SignInRequired):  # a public one: sign in first
        ingest(portal, ANONYMOUS, visible.visible_resources(portal, ANONYMOUS, None)[0].id,
               rows, mode="update")
    read_only = Identity(Kind.USER, "editor", user_id=site.users["editor"],
                         roles=site.identity("editor").roles, scopes=frozenset({Scope.READ}))
    with pytest.raises(Forbidden):
        ingest(portal, read_only, "secret/records", rows, mode="update")
    done = ingest(portal, site.identity("editor"), "secret/records", rows, mode="update")
    assert done.result.version is not None
    with portal.session() as session:
        refusals = audit.recent(session, event=audit.Event.WRITE_REFUSED)
    assert {r.actor_name for r in refusals} >= {"member", "editor"}  # the read-only token too
    assert all(r.outcome == "refused" and r.detail["field"] for r in refusals)


def test_admins_manage_members_up_to_admin(site: AccountsSite, portal: Portal) -> None:
    organisations.set_role(portal, OPERATOR, "other", "member", "admin")
    boss = site.identity("member")  # now admin of other, still member of museum
    assert boss.role_in(organisations.get_organisation(portal, boss, "other").id) == "admin"
    change = organisations.set_role(portal, boss, "other", "editor", "member")
    assert (change.before, change.after) == (None, "member")
    with pytest.raises(Invalid) as higher:
        organisations.set_role(portal, boss, "other", "editor", "sysadmin")
    assert higher.value.field == "role"
    with pytest.raises(Forbidden) as elsewhere:  # a member of museum manages nobody there
        organisations.set_role(portal, boss, "museum", "other_editor", "admin")
    assert elsewhere.value.field == "organisation"
    with pytest.raises(Forbidden):
        organisations.set_role(portal, site.identity("other_editor"), "other", "editor",
                               "admin")
    names = [m.username for m in organisations.list_members(portal, boss, "other")]
    assert names == ["editor", "member", "other_editor"]
    with pytest.raises(NotFound):
        organisations.list_members(portal, ANONYMOUS, "other")
    organisations.remove_member(portal, boss, "other", "editor")
    organisations.remove_member(portal, OPERATOR, "other", "member")
    with portal.session() as session:
        changes = audit.recent(session, event=audit.Event.ROLE_CHANGED)
        refused = audit.recent(session, event=audit.Event.WRITE_REFUSED)
    assert len([c for c in changes if c.detail.get("username") == "editor"]) >= 2
    assert any(r.detail["field"] == "organisation" and r.actor_name == "member"
               for r in refused)


def test_directory_roles_replace_only_their_own(site: AccountsSite, portal: Portal) -> None:
    user = site.users["other_editor"]
    with portal.write_session() as session:
        made = organisations.apply_directory_roles(
            session, OPERATOR, user, {"museum": "member", "nowhere": "admin"}, "ldap")
    assert [(c.before, c.after) for c in made] == [(None, "member")]
    assert site.identity("other_editor").role_in(
        organisations.get_organisation(portal, OPERATOR, "other").id) == "editor"
    with portal.write_session() as session:
        gone = organisations.apply_directory_roles(session, OPERATOR, user, {}, "ldap")
    assert [(c.before, c.after) for c in gone] == [("member", None)]
    assert len(site.identity("other_editor").roles) == 1  # the local grant stays


def test_visibility_changes_are_for_editors_and_audited(site: AccountsSite,
                                                        portal: Portal) -> None:
    with pytest.raises(Forbidden) as refused:
        organisations.set_visibility(portal, site.identity("member"), "secret", "public")
    assert refused.value.field == "visibility"
    made: DatasetInfo = organisations.set_visibility(portal, site.identity("editor"),
                                                     "secret", "public")
    assert made.visibility == "public" and _hits(portal, ANONYMOUS, SECRET) == 2
    organisations.set_visibility(portal, site.identity("editor"), "secret", "private")
    assert _hits(portal, ANONYMOUS, SECRET) == 0
    with portal.session() as session:
        changes = audit.recent(session, event=audit.Event.VISIBILITY_CHANGED)
    assert [(c.detail["before"], c.detail["after"]) for c in changes[:2]] == [
        ("public", "private"), ("private", "public")]


def test_a_members_private_download_runs_as_them_and_is_theirs(site: AccountsSite,
                                                               portal: Portal) -> None:
    member = site.identity("member")
    request = parse_request({"query": {"search": SECRET}, "resource_ids": ["secret/records"]},
                            {"format": "csv"}, {"type": "none"})
    queued = queue.queue_download(portal, member, request)
    assert queue.status(portal, member, queued.id)["total"] == 2
    while make_worker(portal, 0.01).run_once():
        pass
    done = queue.status(portal, member, queued.id)
    assert done["status"] == "complete", done["reason"]
    with zipfile.ZipFile(queue.finished_file(portal, member, queued.id, done["file_name"])) as z:
        assert any(SECRET in z.read(n).decode() for n in z.namelist())
    for stranger in (ANONYMOUS, site.identity("editor"), site.identity("other_editor")):
        with pytest.raises(NotFound):
            queue.status(portal, stranger, queued.id)
    assert queue.status(portal, site.identity("sysadmin"), queued.id)["total"] == 2
    again = queue.queue_download(portal, site.identity("editor"), request)
    assert again.id != queued.id  # never answered by another user's private download
    with portal.session() as session:
        job = session.get(DownloadJob, queued.id)
        assert job is not None and job.requester_id == member.user_id


def test_private_data_is_never_cited(site: AccountsSite, portal: Portal) -> None:
    with pytest.raises(Invalid):
        cite(portal, site.identity("member"), {"search": SECRET}, ["secret/records"], None)
    assert share(portal, site.identity("member"), {"search": SECRET}, ["secret/records"], None)


def test_someone_who_leaves_an_organisation_no_longer_reads_what_they_made() -> None:
    # Their own private dataset of the organisation: read through the organisation alone.
    left = Identity(Kind.USER, "ea", user_id="u-ea")
    stayed = Identity(Kind.USER, "ea", user_id="u-ea", roles=(("org-a", "editor"),))
    assert not policy.may_read(left, "private", "org-a", owner_id="u-ea")
    assert policy.may_read(stayed, "private", "org-a", owner_id="u-ea")
    # A dataset of no organisation is its owner's.
    assert policy.may_read(left, "private", None, owner_id="u-ea")
    assert not policy.may_read(Identity(Kind.USER, "x", user_id="u-x"), "private", None,
                               owner_id="u-ea")
