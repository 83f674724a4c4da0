"""The settings of accounts (part of :class:`holotype.config.Settings`, kept here so the
settings module stays small): sign-in, sessions, registration, throttling and the signing key."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, SecretStr


def _environment_only(description: str) -> Any:
    # The same marking as config._secret (which cannot be imported from here: config imports
    # this module): only the environment may set it, and reports mask it.
    return Field(default=None, description=description,
                 json_schema_extra={"secret": True, "masked": True})


class AccountSettings(BaseModel):
    secret_key: SecretStr | None = _environment_only(
        "Key that signs session cookies and form tokens. Secret: only from the environment "
        "(HOLOTYPE_SECRET_KEY). Empty: the key `holotype init` writes to DATA_DIR/secret_key.")
    registration_open: bool = Field(default=True, description="Let visitors create their own "
                                    "accounts at /user/register. Off: only a sysadmin (or "
                                    "`holotype user create`) makes accounts.")
    session_hours: int = Field(default=12, ge=1, description="How long a sign-in lasts, in "
                               "hours; then the visitor signs in again.")
    password_min_length: int = Field(default=10, ge=8, le=1024, description="Fewest "
                                     "characters a password may have.")
    sign_in_max_failures_per_user: int = Field(default=5, ge=1, description="Failed sign-ins "
                                               "to one account within sign_in_lockout_minutes "
                                               "before that account's sign-ins are refused "
                                               "for the rest of that time.")
    sign_in_max_failures_per_address: int = Field(default=30, ge=1, description="Failed "
                                                  "sign-ins from one address (to any account) "
                                                  "within sign_in_lockout_minutes before that "
                                                  "address's sign-ins are refused.")
    sign_in_lockout_minutes: int = Field(default=15, ge=1, description="The window failed "
                                         "sign-ins are counted in, and how long a lockout "
                                         "lasts.")
    email_token_hours: int = Field(default=24, ge=1, description="How long the links in "
                                   "verification and password-reset emails work, in hours.")
    sign_in_methods: list[str] = Field(default=["local"], description="How people sign in, "
                                       "tried in this order: local (passwords kept by the "
                                       "portal), ldap, oidc.")
