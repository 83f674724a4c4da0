"""CKAN's API token actions: create (the token is in the answer, once), list and revoke."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from holotype.services.accounts import tokens
from holotype.web.actions.params import Doc
from holotype.web.actions.registry import Action, Context


@dataclass(frozen=True, kw_only=True)
class TokenCreateParams:
    name: Annotated[str, Doc("What the token is for (shown in your list of tokens).",
                             min_length=1)]
    user: Annotated[str | None, Doc("Whose token (sysadmins only; default: yours).")] = None
    scope: Annotated[Literal["read", "write"], Doc("read: it changes nothing; write: it may "
                                                   "change what you may change.")] = "read"
    expires_in_days: Annotated[int, Doc("Days until it expires.", minimum=1,
                                        maximum=tokens.MAX_DAYS)] = tokens.DEFAULT_DAYS


@dataclass(frozen=True, kw_only=True)
class TokenListParams:
    user: Annotated[str | None, Doc("Whose tokens (sysadmins only; default: yours).")] = None
    user_id: Annotated[str | None, Doc("The same as user, as CKAN names it.")] = None


@dataclass(frozen=True, kw_only=True)
class TokenRevokeParams:
    jti: Annotated[str, Doc("The token's id (or its first 8 characters).", min_length=1)]


def token_dict(token: tokens.TokenInfo) -> dict[str, Any]:
    return {
        "id": token.id,
        "user": token.username,
        "name": token.name,
        "prefix": token.prefix,
        "scopes": token.scopes.split(),
        "created_at": token.created.isoformat(),
        "expires_at": token.expires.isoformat() if token.expires else None,
        "last_access": token.last_used.isoformat() if token.last_used else None,
        "revoked_at": token.revoked.isoformat() if token.revoked else None,
        "active": token.active,
    }


def api_token_create(ctx: Context, p: TokenCreateParams) -> dict[str, Any]:
    info, raw = tokens.create_token(ctx.portal, ctx.identity, p.name, p.scope,
                                    p.expires_in_days, username=p.user)
    return {"token": raw, **token_dict(info)}


def api_token_list(ctx: Context, p: TokenListParams) -> list[dict[str, Any]]:
    found = tokens.list_tokens(ctx.portal, ctx.identity, p.user or p.user_id)
    return [token_dict(token) for token in found]


def api_token_revoke(ctx: Context, p: TokenRevokeParams) -> dict[str, Any]:
    return token_dict(tokens.revoke_token(ctx.portal, ctx.identity, p.jti))


ACTIONS = (
    Action("api_token_create", api_token_create,
           "Create an API token: the answer holds it, and it is never shown again.",
           TokenCreateParams, writes=True),
    Action("api_token_list", api_token_list, "Your API tokens (never the tokens themselves).",
           TokenListParams),
    Action("api_token_revoke", api_token_revoke, "Revoke one of your API tokens.",
           TokenRevokeParams, writes=True),
)
