"""Access tokens (short-lived JWTs) and refresh tokens (opaque, stored only as a hash)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import jwt

from app.core.config import Settings
from app.core.types import utcnow

# A claim of its own says what a token is for: a token of another kind is never accepted
# as an access token, whatever else it carries.
KIND_CLAIM = "kind"
ACCESS_KIND = "access"
REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss", "aud", KIND_CLAIM]


class TokenError(Exception):
    """A token that is malformed, expired, badly signed or of the wrong kind."""


@dataclass(frozen=True)
class AccessClaims:
    """Who an access token speaks for."""

    subject: uuid.UUID
    role: str


@dataclass(frozen=True)
class TokenKeys:
    """How tokens are signed and checked: one algorithm, pinned on both sides."""

    algorithm: str
    signing_key: str
    verifying_key: str
    issuer: str
    audience: str
    access_lifetime: dt.timedelta
    refresh_lifetime: dt.timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenKeys:
        if settings.jwt_algorithm == "EdDSA":
            signing = settings.jwt_private_key.get_secret_value()
            verifying = settings.jwt_public_key
        else:
            signing = verifying = settings.secret_key.get_secret_value()
        return cls(
            algorithm=settings.jwt_algorithm,
            signing_key=signing,
            verifying_key=verifying,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            access_lifetime=dt.timedelta(minutes=settings.access_token_minutes),
            refresh_lifetime=dt.timedelta(days=settings.refresh_token_days),
        )


def issue_access_token(
    keys: TokenKeys, user_id: uuid.UUID, role: str, now: dt.datetime | None = None
) -> str:
    """A signed access token for USER_ID, valid for the configured lifetime."""
    issued = now or utcnow()
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "role": role,
        KIND_CLAIM: ACCESS_KIND,
        "iss": keys.issuer,
        "aud": keys.audience,
        "iat": issued,
        "exp": issued + keys.access_lifetime,
    }
    return jwt.encode(claims, keys.signing_key, algorithm=keys.algorithm)


def decode_access_token(keys: TokenKeys, token: str) -> AccessClaims:
    """The claims of TOKEN; TokenError unless it is a valid access token.

    The algorithm is pinned (``alg: none`` or an algorithm swap is refused), and the issuer,
    audience, expiry and kind are all checked.
    """
    try:
        claims = jwt.decode(
            token,
            keys.verifying_key,
            algorithms=[keys.algorithm],
            audience=keys.audience,
            issuer=keys.issuer,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.PyJWTError as error:
        raise TokenError(str(error)) from error
    if claims.get(KIND_CLAIM) != ACCESS_KIND:
        raise TokenError("not an access token")
    try:
        return AccessClaims(subject=uuid.UUID(str(claims["sub"])), role=str(claims.get("role")))
    except ValueError as error:
        raise TokenError("malformed subject") from error


def bearer_subject(keys: TokenKeys, authorization: bytes) -> str | None:
    """The account a ``Bearer`` AUTHORIZATION header's valid access token names, or None."""
    scheme, _, token = authorization.decode("latin-1").partition(" ")
    if scheme.lower() != "bearer":
        return None
    try:
        return str(decode_access_token(keys, token.strip()).subject)
    except TokenError:
        return None


def new_refresh_token() -> str:
    """A new opaque refresh token: 256 random bits, meaningless without the database."""
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    """What the database stores of a refresh token (a leak of the table leaks no tokens)."""
    return hashlib.sha256(token.encode()).hexdigest()
