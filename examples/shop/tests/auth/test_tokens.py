"""Access tokens: EdDSA when configured, the algorithm pinned either way."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError

from app.core.config import Settings
from app.core.tokens import TokenError, TokenKeys, decode_access_token, issue_access_token
from app.core.types import utcnow


def ed25519_pem() -> tuple[str, str]:
    """A new Ed25519 key pair as PEM text: (private, public)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private.decode(), public.decode()


def eddsa_settings(settings: Settings) -> Settings:
    private, public = ed25519_pem()
    return Settings(
        app_env="test",
        database_url=settings.database_url,
        jwt_algorithm="EdDSA",
        jwt_private_key=private,
        jwt_public_key=public,
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_eddsa_tokens_round_trip(settings: Settings) -> None:
    keys = TokenKeys.from_settings(eddsa_settings(settings))
    user_id = uuid.uuid4()
    claims = decode_access_token(keys, issue_access_token(keys, user_id, "admin"))
    assert (claims.subject, claims.role) == (user_id, "admin")


def test_eddsa_refuses_hs256_tokens(settings: Settings) -> None:
    eddsa = TokenKeys.from_settings(eddsa_settings(settings))
    hs256 = TokenKeys.from_settings(settings)
    with pytest.raises(TokenError):
        decode_access_token(eddsa, issue_access_token(hs256, uuid.uuid4(), "user"))
    # The classic confusion: HMAC "signed" with the public key, which every client may know.
    now = int(utcnow().timestamp())
    payload = {"sub": str(uuid.uuid4()), "role": "admin", "kind": "access", "iat": now}
    payload |= {"exp": now + 60, "iss": eddsa.issuer, "aud": eddsa.audience}
    signing_input = _b64(b'{"alg":"HS256","typ":"JWT"}') + "." + _b64(json.dumps(payload).encode())
    mac = hmac.new(eddsa.verifying_key.encode(), signing_input.encode(), hashlib.sha256)
    with pytest.raises(TokenError):
        decode_access_token(eddsa, f"{signing_input}.{_b64(mac.digest())}")


def test_eddsa_needs_both_keys() -> None:
    with pytest.raises(ValidationError, match="JWT_PRIVATE_KEY and JWT_PUBLIC_KEY"):
        Settings(app_env="test", jwt_algorithm="EdDSA")
