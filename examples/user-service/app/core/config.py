"""Settings from the environment (and a local ``.env``), validated once at start-up."""

from __future__ import annotations

import ipaddress
import math
import secrets
from collections import Counter
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

AppEnv = Literal["development", "test", "production"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

# Values that ship in examples and docs: never acceptable as a production secret.
PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "dev", "test"})
MIN_SECRET_LENGTH = 32
# Bits a secret's characters suggest it holds, at least: 32 random hex digits show 94 or
# more, secrets.token_urlsafe(32) about 200; 36 characters of "change-me" repeated, 106 (the
# repetition check refuses those).
MIN_SECRET_BITS = 80
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/app.db"


class Settings(BaseSettings):
    """Every setting of the service; names are the environment variables, case-insensitive."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    app_name: str = "user-service"
    app_env: AppEnv = "development"
    secret_key: SecretStr = SecretStr("")
    database_url: str = DEFAULT_DATABASE_URL
    # Per worker process: WEB_CONCURRENCY x DB_POOL_SIZE must stay under the server's limit.
    db_pool_size: int = Field(default=16, ge=1)
    # Bounds the wait for a connection (pool or new) and for one statement: never a hang.
    db_connect_timeout_seconds: float = Field(default=5.0, gt=0)
    db_statement_timeout_seconds: float = Field(default=30.0, gt=0)
    # Shares rate limits and idempotency keys between replicas; empty keeps them in-process.
    redis_url: str = ""
    # A Redis that is down is a warning on /ready (requests still answer without it); true
    # makes it a failure (503), for replicas that must share their rate limits.
    ready_requires_redis: bool = False
    # /ready probes its dependencies at most once per this many seconds (0: every time).
    ready_cache_seconds: float = Field(default=1.0, ge=0)
    log_level: LogLevel = "INFO"
    metrics_enabled: bool = True
    # Set: /metrics answers only "Authorization: Bearer <METRICS_TOKEN>". In production
    # /metrics is served only with one (the per-route counts are nobody else's business).
    metrics_token: SecretStr = SecretStr("")
    # Request spans over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT); needs the otel extra.
    otel_enabled: bool = False
    cors_origins: Annotated[list[str], NoDecode] = []
    max_body_bytes: int = Field(default=1024 * 1024, ge=1)
    # Requests per minute per client (0: no limit); sign-in attempts per client and account.
    rate_limit_per_minute: int = Field(default=600, ge=0)
    auth_rate_limit_per_minute: int = Field(default=10, ge=0)
    # Requests one client may have in flight per process once the process is saturated
    # (as many in flight as DB_POOL_SIZE); unset: half the pool; 0: no bound.
    requests_in_flight_per_client: int | None = Field(default=None, ge=0)
    # Proxies (addresses or networks) whose X-Forwarded-For/-Proto are believed; none by default.
    trusted_proxies: Annotated[list[str], NoDecode] = []
    idempotency_ttl_seconds: int = Field(default=24 * 3600, ge=1)
    # Unset: the OpenAPI document and /docs are served everywhere but in production.
    docs_enabled: bool | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # Access tokens: HS256 signed with SECRET_KEY, or EdDSA (Ed25519) with the PEM keys below.
    jwt_algorithm: Literal["HS256", "EdDSA"] = "HS256"
    jwt_private_key: SecretStr = SecretStr("")
    jwt_public_key: str = ""
    jwt_issuer: str = "user-service"
    jwt_audience: str = "user-service"
    access_token_minutes: int = Field(default=15, ge=1, le=60)
    refresh_token_days: int = Field(default=14, ge=1, le=90)

    @field_validator("cors_origins", "trusted_proxies", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """Accept ``a,b`` as well as a JSON list."""
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _secret_for_environment(self) -> Settings:
        """Refuse a missing or placeholder secret in production; invent one elsewhere."""
        key = self.secret_key.get_secret_value()
        if self.app_env == "production":
            if not _random_enough(key):
                raise ValueError(
                    f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_LENGTH} "
                    "characters when APP_ENV=production (e.g. python -c 'import secrets; "
                    "print(secrets.token_urlsafe(32))')"
                )
            if self.metrics_token.get_secret_value() and not _random_enough(
                self.metrics_token.get_secret_value()
            ):
                raise ValueError("METRICS_TOKEN must be a random value like SECRET_KEY")
        elif not key:
            self.secret_key = SecretStr(secrets.token_urlsafe(48))
        return self

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            ipaddress.ip_network(entry, strict=False)  # a ValueError names the bad entry
        return value

    @property
    def metrics_served(self) -> bool:
        """Whether /metrics exists: when enabled, and in production only behind its token."""
        if not self.metrics_enabled:
            return False
        return bool(self.metrics_token.get_secret_value()) or not self.is_production

    @property
    def docs_served(self) -> bool:
        return self.docs_enabled if self.docs_enabled is not None else not self.is_production

    @model_validator(mode="after")
    def _token_keys(self) -> Settings:
        """EdDSA signs with a private key and checks with a public one: both must be set."""
        if self.jwt_algorithm == "EdDSA" and not (
            self.jwt_private_key.get_secret_value() and self.jwt_public_key
        ):
            raise ValueError("JWT_ALGORITHM=EdDSA needs JWT_PRIVATE_KEY and JWT_PUBLIC_KEY (PEM)")
        return self

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"


def _random_enough(secret: str) -> bool:
    """Whether SECRET looks random: long, no placeholder, no repeated pattern, and enough
    bits by its characters' Shannon entropy (33 x "a" has none; a repeated word has few)."""
    if secret.lower() in PLACEHOLDER_SECRETS or len(secret) < MIN_SECRET_LENGTH:
        return False
    if any(secret == (secret[:size] * len(secret))[: len(secret)] for size in range(1, 17)):
        return False
    counts = Counter(secret)
    per_character = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values())
    return per_character * len(secret) >= MIN_SECRET_BITS


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
