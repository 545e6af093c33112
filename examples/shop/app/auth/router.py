"""HTTP routes: /api/v1/auth/{register,login,refresh,logout} and /api/v1/users/me."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from app.auth import service
from app.auth.dependencies import CurrentUser, token_keys
from app.auth.schemas import (
    AccountRead,
    AccountUpdate,
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    TokenPair,
)
from app.core.database import SessionDep
from app.core.rate_limit import limit_auth_attempt
from app.core.schemas import Envelope, error_responses

router = APIRouter(tags=["auth"])
ME = "/users/me"


@router.post(
    "/auth/register",
    status_code=status.HTTP_201_CREATED,
    summary="Create an account",
    responses=error_responses(400, 409),
)
async def register(
    data: RegisterRequest, session: SessionDep, response: Response
) -> Envelope[AccountRead]:
    """A new account with the ``user`` role; sign in with /auth/login."""
    user = await service.register(session, data)
    response.headers["Location"] = f"/api/v1{ME}"
    return Envelope[AccountRead](data=AccountRead.model_validate(user))


@router.post("/auth/login", summary="Sign in", responses=error_responses(400, 401, 429))
async def login(data: LoginRequest, session: SessionDep, request: Request) -> Envelope[TokenPair]:
    """An access token (15 minutes) and a refresh token for valid credentials."""
    await limit_auth_attempt(request, service.normalise_email(data.email))
    pair = await service.login(session, token_keys(request), data)
    return Envelope[TokenPair](data=pair)


@router.post(
    "/auth/refresh", summary="Rotate a refresh token", responses=error_responses(400, 401, 429)
)
async def refresh(
    data: RefreshRequest, session: SessionDep, request: Request
) -> Envelope[TokenPair]:
    """A new pair for a refresh token, which stops working; reusing it ends the session."""
    await limit_auth_attempt(request, "refresh")
    pair = await service.refresh(session, token_keys(request), data.refresh_token)
    return Envelope[TokenPair](data=pair)


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Sign out",
    responses=error_responses(400),
)
async def logout(data: RefreshRequest, session: SessionDep) -> None:
    """Revoke the refresh token's session (its whole family of rotated tokens)."""
    await service.logout(session, data.refresh_token)


@router.get(ME, summary="My account", responses=error_responses(401))
async def read_me(user: CurrentUser) -> Envelope[AccountRead]:
    """The signed-in user's account."""
    return Envelope[AccountRead](data=AccountRead.model_validate(user))


@router.patch(ME, summary="Change my account", responses=error_responses(400, 401))
async def update_me(
    data: AccountUpdate, user: CurrentUser, session: SessionDep
) -> Envelope[AccountRead]:
    """Change one's name or password; the role and active flag are an admin's to change."""
    updated = await service.update_account(session, user, data)
    return Envelope[AccountRead](data=AccountRead.model_validate(updated))
