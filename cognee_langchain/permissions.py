"""Dataset permissions: an owner plus per-user ``read`` / ``write`` / ``delete`` / ``share`` grants.

The owner (the user whose first write created the dataset) holds every permission. ``remember`` /
``improve`` need ``write``, retrieval needs ``read``, ``forget`` needs ``delete``.

Who may change grants is decided here, by :func:`check_grant`, which every graph store calls
inside the write transaction that applies a ``SetGrant`` (so every backend decides identically):

- The owner may grant and revoke any permission for any other user. Nobody can revoke the owner's
  permissions, not even the owner; granting the owner a permission changes nothing.
- Any other user needs ``share`` to grant or revoke, and may grant or revoke only permissions it
  holds itself — ``share`` included, so a sharer may pass ``share`` on, but its grantees can only
  ever hold what it holds.
- Nobody but the owner changes their own permissions: no self-grant, no self-revoke.

So every permission a non-owner holds was granted, directly or through a chain of sharers, from
the owner; a sharer may revoke from any other non-owner any permission it holds itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from cognee_langchain.errors import InvalidInputError, PermissionDeniedError

__all__ = ["DatasetInfo", "Permission", "check_grant", "parse_permission", "require"]


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


def require(info: DatasetInfo, user_id: str, permission: Permission | str) -> None:
    """Raise :class:`PermissionDeniedError` unless ``user_id`` holds ``permission`` on ``info``
    (:class:`InvalidInputError` for an unknown permission)."""
    wanted = parse_permission(permission)
    if not info.allows(user_id, wanted):
        raise PermissionDeniedError(user_id, wanted.value, f"dataset {info.name!r}")


def check_grant(
    info: DatasetInfo, by: str, target: str, permission: Permission | str, granted: bool
) -> bool:
    """Decide whether ``by`` may grant (``granted``) or revoke ``permission`` for ``target``.

    Returns whether the grant table changes at all (``False`` for granting the owner, who holds
    everything already); raises :class:`PermissionDeniedError` naming what ``by`` lacks, or
    :class:`InvalidInputError` for an unknown permission or a revocation from the owner. The
    rules are in the module docstring; a backend applies the grant only after this returned.
    """
    wanted = parse_permission(permission)
    verb = "grant" if granted else "revoke"
    where = f"dataset {info.name!r}"
    if by != info.owner_id:
        if not info.allows(by, Permission.SHARE):
            raise _denied(
                by,
                Permission.SHARE,
                where,
                f"User {by!r} lacks 'share' permission on {where}, so it cannot {verb} "
                f"permissions: ask the owner {info.owner_id!r} for 'share'.",
            )
        if target == by:
            raise _denied(
                by,
                wanted,
                where,
                f"User {by!r} cannot {verb} its own {wanted.value!r} permission on {where}: "
                f"only the owner {info.owner_id!r} or another sharer holding {wanted.value!r} "
                "may change it.",
            )
        if not info.allows(by, wanted):
            raise _denied(
                by,
                wanted,
                where,
                f"User {by!r} lacks {wanted.value!r} permission on {where}, so it cannot "
                f"{verb} it for {target!r}: a sharer may grant or revoke only permissions it "
                "holds itself.",
            )
    if target == info.owner_id:
        if granted:
            return False  # the owner holds every permission already
        raise InvalidInputError(
            f"User {target!r} owns {where} and always holds every permission: nobody can "
            "revoke it; revoke from another user."
        )
    return True


def _denied(
    user_id: str, permission: Permission, where: str, message: str
) -> PermissionDeniedError:
    """A :class:`PermissionDeniedError` (with its usual attributes) carrying ``message``."""
    error = PermissionDeniedError(user_id, permission.value, where)
    error.args = (message,)
    return error
