"""Users: who acts on datasets and sessions."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.ids import validate_id

__all__ = ["DEFAULT_USER_ID", "User", "get_default_user", "get_default_user_sync"]

# Stable across processes and machines so sessions written by one run are found by the next.
DEFAULT_USER_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "cognee-langchain:default-user"))


class User(BaseModel):
    """A user of the memory. Datasets and sessions belong to users, keyed by :attr:`id`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    name: str | None = None
    email: str | None = None

    def __init__(self, **data: object) -> None:
        # Validate before pydantic so a bad id raises our InvalidInputError, not a ValidationError.
        if "id" in data:
            validate_id(data["id"], "user id")
        try:
            super().__init__(**data)
        except ValidationError as exc:
            # A misspelt field (User(idd=...)) must not quietly give a random id.
            problems = "; ".join(
                f"{'.'.join(map(str, error['loc'])) or 'arguments'}: {error['msg']}"
                for error in exc.errors(include_url=False)
            )
            raise InvalidInputError(
                f"Invalid User arguments: {problems}; User takes id, name and email."
            ) from None


_DEFAULT_USER = User(id=DEFAULT_USER_ID, name="default_user", email="default_user@example.com")


def get_default_user_sync() -> User:
    """Return the default user (same id everywhere), the owner of data when no user is given."""
    return _DEFAULT_USER


async def get_default_user() -> User:
    """Return the default user; the async form mirrors ``cognee.modules.users.methods``."""
    return _DEFAULT_USER
