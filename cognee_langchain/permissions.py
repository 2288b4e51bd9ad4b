"""Dataset permissions: an owner plus per-user ``read`` / ``write`` / ``delete`` / ``share`` grants.

The owner (the user whose first write created the dataset) holds every permission. ``share`` lets a
user grant and revoke permissions for others. ``remember`` / ``improve`` need ``write``, retrieval
needs ``read``, ``forget`` needs ``delete``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from cognee_langchain.errors import InvalidInputError, PermissionDeniedError

__all__ = ["DatasetInfo", "Permission", "parse_permission", "require"]


class Permission(StrEnum):
    """What a user may do with a dataset."""

    READ = "read"
    WRITE = "write"
    DELETE = "delete"
    SHARE = "share"


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """A dataset's owner and the permissions granted to other users."""

    name: str
    owner_id: str
    created_at: float
    grants: Mapping[str, frozenset[Permission]] = field(default_factory=dict)

    def allows(self, user_id: str, permission: Permission) -> bool:
        """Whether ``user_id`` holds ``permission`` (owners hold all of them)."""
        return user_id == self.owner_id or permission in self.grants.get(user_id, frozenset())


def parse_permission(value: object) -> Permission:
    """``Permission`` from a member or its string value, else :class:`InvalidInputError`."""
    if isinstance(value, str) and value in Permission.__members__.values():
        return Permission(value)
    choices = ", ".join(repr(p.value) for p in Permission)
    raise InvalidInputError(f"Unknown permission {value!r}: use one of {choices}.")


def require(info: DatasetInfo, user_id: str, permission: Permission) -> None:
    """Raise :class:`PermissionDeniedError` unless ``user_id`` holds ``permission`` on ``info``."""
    if not info.allows(user_id, permission):
        raise PermissionDeniedError(user_id, permission.value, f"dataset {info.name!r}")
