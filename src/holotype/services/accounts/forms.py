"""Form tokens against cross-site request forgery.

Every form that changes something carries a token bound to the visitor: to the session's own
secret once signed in, else to a random value in a signed pre-session cookie (which also covers
the sign-in form). A forged request from another site has the visitor's cookies but cannot read
the token, so it is refused. The tokens are derived (HMAC), so nothing is written to hand
them out.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from itsdangerous import BadSignature, TimestampSigner

from holotype.services.context import Portal

PRE_SESSION_COOKIE = "holotype_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"
EXPIRED = "the form expired; reload the page and try again"
_SALT = "holotype-csrf"


def new_binding() -> str:
    return secrets.token_hex(16)


def max_age(portal: Portal) -> int:
    """How long a signed cookie (a session's, a pre-session's) is good for, in seconds."""
    return portal.settings.session_hours * 3600


def signed(portal: Portal, salt: str, value: str) -> str:
    """``value`` signed with the site's key for the purpose ``salt``, as a cookie carries it."""
    return TimestampSigner(portal.secret_key, salt=salt).sign(value).decode()


def unsigned(portal: Portal, salt: str, cookie: str | None) -> str | None:
    """The value a cookie :func:`signed` for ``salt`` carries, or None when it is missing,
    forged or older than :func:`max_age`."""
    if not cookie:
        return None
    try:
        signer = TimestampSigner(portal.secret_key, salt=salt)
        return signer.unsign(cookie, max_age=max_age(portal)).decode()
    except (BadSignature, UnicodeDecodeError):
        return None


def pre_session_cookie(portal: Portal, binding: str) -> str:
    """The cookie value that carries a visitor's binding before signing in."""
    return signed(portal, _SALT, binding)


def binding_of_pre_session(portal: Portal, cookie: str | None) -> str | None:
    """The binding a pre-session cookie carries, or None when it is missing, forged or old."""
    return unsigned(portal, _SALT, cookie)


def form_token(portal: Portal, binding: str) -> str:
    """The token forms carry for the visitor with ``binding``."""
    return hmac.new(portal.secret_key, b"form|" + binding.encode(), hashlib.sha256).hexdigest()


def token_matches(portal: Portal, binding: str | None, token: str | None) -> bool:
    if not binding or not token:
        return False
    return hmac.compare_digest(form_token(portal, binding), token)
