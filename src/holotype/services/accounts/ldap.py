"""Signing in with an LDAP directory (OpenLDAP, Active Directory, ...).

The portal binds as its service account (``ldap_bind_dn``), finds the one entry
``ldap_user_filter`` names, checks the password by binding as that entry, reads the person's
groups (``ldap_group_filter``) and maps them to organisation roles (``ldap_group_roles``). The
local account is then made or brought up to date by :mod:`.external`.

The user name typed is refused unless it is a user name the portal accepts, and escaped for
LDAP as well, so nothing typed can change the filter (LDAP injection). An empty password is
refused before the directory is asked: LDAP treats a bind without one as anonymous, which
would "succeed".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import ldap3
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars

from holotype.catalog.models import UserSource
from holotype.catalog.validation import USERNAME
from holotype.config import Settings
from holotype.errors import Unavailable
from holotype.services.accounts import external
from holotype.services.context import Portal

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
_ATTRIBUTES = ["mail", "cn", "displayName"]


@dataclass(frozen=True)
class DirectoryEntry:
    dn: str
    email: str
    display_name: str
    groups: tuple[str, ...]


def _first(entry: dict[str, object], name: str) -> str:
    value = entry.get(name)
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "")


def _connect(settings: Settings, user: str | None, password: str | None) -> ldap3.Connection:
    """A connection bound as ``user`` (None: anonymously), after StartTLS when asked for;
    raises LDAPException when the server cannot be reached or TLS fails."""
    server = ldap3.Server(settings.ldap_uri, connect_timeout=TIMEOUT_SECONDS,
                          get_info=ldap3.NONE)
    connection = ldap3.Connection(server, user=user, password=password,
                                  receive_timeout=TIMEOUT_SECONDS, raise_exceptions=False,
                                  auto_bind=ldap3.AUTO_BIND_NONE, read_only=True)
    connection.open()
    if settings.ldap_start_tls and not connection.start_tls():
        raise LDAPException(f"StartTLS failed: {connection.result}")
    connection.bind()
    return connection


def _service(settings: Settings) -> ldap3.Connection:
    secret = settings.ldap_bind_password
    connection = _connect(settings, settings.ldap_bind_dn or None,
                          secret.get_secret_value() if secret is not None else None)
    if not connection.bound:
        log.error("the LDAP server refused the service account %s: %s", settings.ldap_bind_dn,
                  connection.result)
        raise Unavailable("the directory refused the portal's own account: ask the "
                          "administrators to check it")
    return connection


def _groups(service: ldap3.Connection, settings: Settings, username: str, dn: str
            ) -> tuple[str, ...]:
    query = settings.ldap_group_filter.format(dn=escape_filter_chars(dn),
                                              username=escape_filter_chars(username))
    service.search(settings.ldap_search_base, query, attributes=[])
    return tuple(entry["dn"] for entry in service.response or [] if entry.get("type") ==
                 "searchResEntry")


def find(settings: Settings, username: str, password: str) -> DirectoryEntry | None:
    """The directory entry these credentials open (with its groups), or None when the name
    is not one the portal accepts, the person is not found (or found twice), or the password
    is wrong. Raises Unavailable when the directory cannot be asked."""
    if not USERNAME.fullmatch(username) or not password:
        return None
    try:
        service = _service(settings)
        try:
            query = settings.ldap_user_filter.format(username=escape_filter_chars(username))
            service.search(settings.ldap_search_base, query, attributes=_ATTRIBUTES,
                           size_limit=2)
            found = [e for e in service.response or [] if e.get("type") == "searchResEntry"]
            if len(found) != 1:
                if found:
                    log.warning("LDAP filter %s finds %d entries: refused", query, len(found))
                return None
            dn = found[0]["dn"]
            person = _connect(settings, dn, password)
            bound = person.bound
            person.unbind()
            if not bound:
                return None
            attributes = found[0]["attributes"]
            return DirectoryEntry(
                dn=dn, email=_first(attributes, "mail"),
                display_name=_first(attributes, "displayName") or _first(attributes, "cn"),
                groups=_groups(service, settings, username, dn))
        finally:
            service.unbind()
    except LDAPException as exc:
        log.error("LDAP server %s: %s", settings.ldap_uri, exc)
        raise Unavailable("the directory cannot be reached; try again later") from exc


def _plain_dn(dn: str) -> str:
    """A DN as ldap_group_roles and the directory may both write it: no spaces around the
    commas and equals signs (case is ignored when they are compared)."""
    return ",".join("=".join(side.strip() for side in part.split("=", 1))
                    for part in dn.split(","))


def authenticate(portal: Portal, username: str, password: str, address: str = "") -> str | None:
    """Sign-in method ``ldap``: the id of the local account the directory vouches for (made
    or brought up to date, with the roles its groups give), or None when it does not."""
    settings = portal.settings
    entry = find(settings, username, password)
    if entry is None:
        return None
    mapping = {_plain_dn(dn): grant for dn, grant in settings.ldap_group_roles.items()}
    person = external.ExternalPerson(
        provider=UserSource.LDAP, subject=entry.dn, username=username, email=entry.email,
        display_name=entry.display_name,
        roles=external.grants([_plain_dn(dn) for dn in entry.groups], mapping))
    return external.provision(portal, person, address).user_id
