"""The settings of accounts (part of :class:`holotype.config.Settings`, kept here so the
settings module stays small): sign-in, sessions, registration, throttling, the signing key, and
the outside directories people may sign in with (LDAP, OpenID Connect)."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

SIGN_IN_METHODS = ("local", "ldap", "oidc")
# The values of holotype.catalog.models.Role (a test checks they agree): the settings may not
# import the catalogue, which the layers put above the modules that read the settings.
ROLES = ("member", "editor", "admin")
_METHOD_NEEDS = {"ldap": ("ldap_uri", "ldap_search_base"),
                 "oidc": ("oidc_issuer", "oidc_client_id")}


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
    ldap_uri: str = Field(default="", description="LDAP server people sign in with when "
                          "sign_in_methods lists ldap, e.g. ldaps://ldap.example.org or "
                          "ldap://ldap.example.org:389.")
    ldap_start_tls: bool = Field(default=False, description="Upgrade an ldap:// connection "
                                 "with StartTLS before any password is sent.")
    ldap_bind_dn: str = Field(default="", description="DN of the service account the portal "
                              "binds as to look people up, e.g. cn=portal,ou=services,"
                              "dc=example,dc=org. Empty: search anonymously.")
    ldap_bind_password: SecretStr | None = _environment_only(
        "Password of ldap_bind_dn. Secret: only from the environment "
        "(HOLOTYPE_LDAP_BIND_PASSWORD).")
    ldap_search_base: str = Field(default="", description="Where people and groups are "
                                  "searched for, e.g. dc=example,dc=org.")
    ldap_user_filter: str = Field(default="(uid={username})", description="Filter that finds "
                                  "the person signing in; {username} is replaced by the user "
                                  "name typed, escaped for LDAP.")
    ldap_group_filter: str = Field(default="(member={dn})", description="Filter that finds "
                                   "the groups of the person signing in; {dn} is replaced by "
                                   "their DN, escaped for LDAP.")
    ldap_group_roles: dict[str, str] = Field(default={}, description="Organisation roles "
                                             "given by directory groups: a group DN = "
                                             "\"organisation-slug:role\" (member, editor or "
                                             "admin). Roles are set again at every sign-in.")
    oidc_issuer: str = Field(default="", description="OpenID Connect provider people sign in "
                             "with when sign_in_methods lists oidc, e.g. "
                             "https://login.example.org/realms/museum (its discovery document "
                             "is at /.well-known/openid-configuration under it).")
    oidc_client_id: str = Field(default="", description="The portal's client id at the OpenID "
                                "Connect provider.")
    oidc_client_secret: SecretStr | None = _environment_only(
        "The portal's client secret at the OpenID Connect provider. Secret: only from the "
        "environment (HOLOTYPE_OIDC_CLIENT_SECRET).")
    oidc_scopes: list[str] = Field(default=["openid", "email", "profile"], description="Scopes "
                                   "asked of the OpenID Connect provider (openid is always "
                                   "asked).")
    oidc_label: str = Field(default="your institution's account", description="Name of the "
                            "OpenID Connect provider on the sign-in button (\"Sign in with "
                            "...\").")
    oidc_roles_claim: str = Field(default="roles", description="Claim of the ID token or "
                                  "userinfo that lists the person's roles or groups.")
    oidc_role_map: dict[str, str] = Field(default={}, description="Organisation roles given "
                                          "by values of oidc_roles_claim: a claim value = "
                                          "\"organisation-slug:role\" (member, editor or "
                                          "admin). Roles are set again at every sign-in.")

    @field_validator("ldap_group_roles", "oidc_role_map")
    @classmethod
    def _organisation_roles(cls, value: dict[str, str]) -> dict[str, str]:
        for key, grant in value.items():
            slug, _, role = grant.partition(":")
            if not slug or role not in ROLES:
                raise ValueError(f"{key!r} = {grant!r}: give \"organisation-slug:role\", the "
                                 f"role one of {', '.join(ROLES)}")
        return value

    @field_validator("sign_in_methods")
    @classmethod
    def _known_methods(cls, value: list[str]) -> list[str]:
        unknown = [m for m in value if m not in SIGN_IN_METHODS]
        if unknown:
            raise ValueError(f"unknown sign-in method(s) {', '.join(unknown)}: choose from "
                             f"{', '.join(SIGN_IN_METHODS)}")
        return value

    @model_validator(mode="after")
    def _directories_configured(self) -> Self:
        missing = [name for method, names in _METHOD_NEEDS.items()
                   if method in self.sign_in_methods for name in names
                   if not getattr(self, name)]
        if missing:
            raise ValueError(f"the sign_in_methods chosen need {', '.join(missing)} set")
        return self
