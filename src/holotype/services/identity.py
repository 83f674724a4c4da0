"""Who is asking: every service call carries an :class:`Identity`.

Three kinds: anyone on the web who has not signed in (``ANONYMOUS``), the site's operator at
the command line (``OPERATOR``, a sysadmin), and a signed-in user (``Kind.USER``: by a session
cookie or an API token). A user's identity carries what the policy needs to decide without
asking the catalogue again: whether the user is a sysadmin, the user's role in each
organisation, and, for a request made with an API token, the token's scopes. What each may see
and do is decided only in :mod:`holotype.services.policy`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    ANONYMOUS = "anonymous"  # anyone on the web
    OPERATOR = "operator"  # the command line on the site's own machine
    USER = "user"  # a signed-in account (session or API token)


class Scope(StrEnum):
    """What a request may do: an API token may narrow a user's rights to reading."""

    READ = "read"
    WRITE = "write"


ALL_SCOPES = frozenset({Scope.READ, Scope.WRITE})


@dataclass(frozen=True)
class Identity:
    kind: Kind
    name: str = ""  # the user's username ("" for anonymous and the operator)
    user_id: str | None = None
    sysadmin: bool = False
    roles: tuple[tuple[str, str], ...] = ()  # sorted (organisation id, role)
    scopes: frozenset[Scope] = field(default=ALL_SCOPES)
    token_id: str | None = None  # the API token the request came with, if any

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}" if self.name else str(self.kind)

    def role_in(self, organisation_id: str | None) -> str | None:
        """This identity's role in an organisation (member, editor, admin), or None."""
        return next((role for org, role in self.roles if org == organisation_id), None)

    @property
    def organisations(self) -> frozenset[str]:
        """The ids of the organisations this identity has any role in."""
        return frozenset(org for org, _ in self.roles)


ANONYMOUS = Identity(Kind.ANONYMOUS, scopes=frozenset({Scope.READ}))
OPERATOR = Identity(Kind.OPERATOR, sysadmin=True)
