"""Who a request is: the one place the web layer asks.

An API token (``Authorization``, or CKAN's ``X-CKAN-API-Key``) wins; else the session cookie,
which counts on the API only for reading (a write through the API needs a token, so no other
site can make a signed-in browser write through it). Without either, the request is anonymous.
Resolving only reads: nothing is written per request.
"""

from __future__ import annotations

from dataclasses import dataclass

from holotype.services.accounts import forms, sessions, tokens
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, Identity


@dataclass(frozen=True)
class Resolved:
    identity: Identity
    csrf_binding: str | None  # what this visitor's form tokens are bound to; None: not yet
    stale_session: bool = False  # a session cookie that no longer works (forget it)


def resolve(portal: Portal, *, session_cookie: str | None, csrf_cookie: str | None,
            authorization: str | None, api: bool, safe: bool) -> Resolved:
    """The request's identity and form binding from its cookies and headers."""
    if authorization:
        found = tokens.identity_for_token(portal, authorization)
        if found is not None:
            return Resolved(found, None)
    stale = False
    if session_cookie and (safe or not api):
        signed = sessions.session_for(portal, session_cookie)
        if signed is not None:
            return Resolved(signed.identity, signed.csrf_secret)
        stale = True
    return Resolved(ANONYMOUS, forms.binding_of_pre_session(portal, csrf_cookie), stale)


def identity_from(portal: Portal, cookie: str | None, authorization: str | None,
                  api: bool, safe: bool = True) -> Identity:
    """Only the identity (see :func:`resolve`)."""
    return resolve(portal, session_cookie=cookie, csrf_cookie=None,
                   authorization=authorization, api=api, safe=safe).identity
