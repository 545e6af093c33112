"""Password hashing: argon2id (argon2-cffi) at OWASP's recommended cost, and the length rule.

Hashing is deliberately slow, so it runs in a worker thread: the event loop keeps serving.
"""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import AfterValidator, Field

from app.core.common_passwords import COMMON_WORDS, CONTEXT_WORDS

# OWASP Password Storage Cheat Sheet: argon2id, 19 MiB of memory, 2 passes, 1 lane.
# Raising any of them is safe: hashes made with older values are upgraded at the next login.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)
# At least 12 characters (NIST SP 800-63B asks for 8 or more); at most 128, so that nobody
# can make the server hash megabytes.
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
# At least this many different characters: twelve spaces or "abababababab" are not secrets.
MIN_DISTINCT_CHARACTERS = 5
# Runs along these (or backwards) are sequences, not passwords: "123456789012", "qwertyuiop".
_SEQUENCES = (
    "01234567890123456789",
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)
_AROUND = "0123456789!@#$%^&*()_-+=.,;:?~ "


def _too_easy(password: str) -> str | None:
    """Why PASSWORD is too easy to guess (NIST SP 800-63B 3.1.1.2), or None.

    Refused: too few different characters, a repeated pattern, a keyboard or alphabet run,
    and a common word (common_passwords.py) with only digits and symbols around it.
    """
    folded = password.casefold()
    if len(set(folded)) < MIN_DISTINCT_CHARACTERS:
        return f"must use at least {MIN_DISTINCT_CHARACTERS} different characters"
    half = len(folded) // 2
    if any(folded == (folded[:size] * len(folded))[: len(folded)] for size in range(1, half + 1)):
        return "must not repeat a pattern"
    if any(folded in run or folded in run[::-1] for run in _SEQUENCES):
        return "must not be a sequence of keys or letters"
    word = folded.strip(_AROUND)
    if not word or word in COMMON_WORDS or word in CONTEXT_WORDS:
        return "is too common: choose a passphrase of your own"
    return None


def _guessable(password: str) -> str:
    if (problem := _too_easy(password)) is not None:
        raise ValueError(problem)
    return password


# A password a client chooses (registration, a change, an admin creating an account).
NewPassword = Annotated[
    str,
    Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH),
    AfterValidator(_guessable),
]


def hash_password_now(password: str) -> str:
    """The argon2id hash of PASSWORD (blocking: use ``hash_password`` in a request)."""
    return HASHER.hash(password)


async def hash_password(password: str) -> str:
    """The argon2id hash of PASSWORD, computed off the event loop."""
    return await to_thread.run_sync(HASHER.hash, password)


def _verify_now(hashed: str, password: str) -> bool:
    try:
        return HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(hashed: str, password: str) -> bool:
    """Whether PASSWORD matches HASHED."""
    return await to_thread.run_sync(_verify_now, hashed, password)


# Made at import, not on first use: the first login to an unknown email must not be slower.
_DUMMY_HASH = HASHER.hash("a password nobody has: it only makes a failed login take as long")


async def verify_nobody(password: str) -> None:
    """Spend the time of one verification, for a login to an email nobody has.

    Without it, "no such user" would answer faster than "wrong password" and give away
    which emails have an account.
    """
    await to_thread.run_sync(_verify_now, _DUMMY_HASH, password)


def needs_rehash(hashed: str) -> bool:
    """Whether HASHED was made with other parameters than the current ones."""
    try:
        return HASHER.check_needs_rehash(hashed)
    except InvalidHashError:
        return True
