"""Access: who may read, write, delete or share which dataset, checked before any work is done.

The stores enforce permissions atomically inside each write (``RequirePermission``); these checks
run first so that a refused call fails before it spends extraction or embedding calls, and so
that reads (which have no write to guard them) are filtered.
"""

from __future__ import annotations

from collections.abc import Sequence

from cognee_langchain.core.validation import check_dataset, check_datasets
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph.base import GraphStore, SetGrant
from cognee_langchain.ids import validate_id
from cognee_langchain.permissions import DatasetInfo, Permission, parse_permission, require
from cognee_langchain.services.runtime import MemoryRuntime
from cognee_langchain.users import User

__all__ = [
    "acheck",
    "acheck_permission",
    "adatasets",
    "areadable_datasets",
    "aset_grant",
]


async def acheck(
    store: GraphStore, dataset: str, permission: Permission, user: User, *, missing_ok: bool
) -> None:
    """Raise unless ``user`` holds ``permission`` on ``dataset``; a missing dataset is fine when
    ``missing_ok`` (its first writer becomes its owner), else an :class:`InvalidInputError`."""
    info = await store.aget_dataset(dataset)
    if info is not None:
        require(info, user.id, permission)
    elif not missing_ok:
        raise InvalidInputError(
            f"Unknown dataset {dataset!r}: run remember(..., dataset={dataset!r}) first."
        )


async def acheck_permission(
    runtime: MemoryRuntime, dataset: str, permission: Permission | str, user: User | None
) -> None:
    """``GraphMemory.acheck_permission``: write to a new dataset is allowed, nothing else is."""
    check_dataset(dataset, max_chars=runtime.limits.max_id_chars)
    wanted = parse_permission(permission)
    await acheck(
        runtime.graph_store,
        dataset,
        wanted,
        runtime.user_of(user),
        missing_ok=wanted is Permission.WRITE,
    )


async def adatasets(runtime: MemoryRuntime, user: User | None) -> list[DatasetInfo]:
    """The datasets ``user`` may read, by name."""
    who = runtime.user_of(user)
    datasets = await runtime.graph_store.alist_datasets()
    return [d for d in datasets if d.allows(who.id, Permission.READ)]


async def areadable_datasets(
    runtime: MemoryRuntime, datasets: str | Sequence[str] | None, user: User | None
) -> list[str]:
    """The dataset names a read by ``user`` covers: ``None`` means every dataset ``user`` may
    read; naming one ``user`` may not read raises :class:`PermissionDeniedError`, naming an
    unknown one :class:`InvalidInputError`."""
    who = runtime.user_of(user)
    names = check_datasets(datasets, max_chars=runtime.limits.max_id_chars)
    if names is None:
        return [d.name for d in await adatasets(runtime, who)]
    for name in names:
        await acheck(runtime.graph_store, name, Permission.READ, who, missing_ok=False)
    return names


async def aset_grant(
    runtime: MemoryRuntime,
    dataset: str,
    user_id: str | User,
    permission: Permission | str,
    by: User | None,
    *,
    granted: bool,
) -> None:
    """Give (``granted``) or take back a permission; ``by`` must own ``dataset``, or hold
    ``share`` and ``permission`` and not be ``user_id`` (the store decides with
    :func:`~cognee_langchain.permissions.check_grant` in the same transaction)."""
    max_id_chars = runtime.limits.max_id_chars
    check_dataset(dataset, max_chars=max_id_chars)
    target = (
        user_id.id
        if isinstance(user_id, User)
        else validate_id(user_id, "user id", max_chars=max_id_chars)
    )
    op = SetGrant(dataset, target, parse_permission(permission), granted, runtime.user_of(by).id)
    await runtime.graph_store.aapply([op])
