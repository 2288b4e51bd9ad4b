"""Dataset permissions: owners, grants, share, and what each operation requires — and every way
a user might try to give itself (or a friend) more than the owner passed on."""

from __future__ import annotations

from pathlib import Path

import pytest

from cognee_langchain.errors import InvalidInputError, PermissionDeniedError
from cognee_langchain.memory import GraphMemory
from cognee_langchain.permissions import Permission
from cognee_langchain.users import User
from tests.unit.test_memory_support import make_memory

OWNER, BOB, CAROL, DAVE = User(id="owner"), User(id="bob"), User(id="carol"), User(id="dave")


@pytest.fixture
def memory(tmp_path: Path) -> GraphMemory:
    memory = make_memory(tmp_path, user=OWNER)
    memory.remember("Alice Johnson leads Acme Corp.", dataset="acme")
    return memory


def test_owner_holds_every_permission_and_others_none(memory: GraphMemory) -> None:
    for permission in Permission:
        memory.check_permission("acme", permission)
        with pytest.raises(PermissionDeniedError, match=permission.value):
            memory.check_permission("acme", permission, user=BOB)


def test_read_grant_controls_what_a_user_sees(memory: GraphMemory) -> None:
    assert memory.readable_datasets(user=BOB) == []
    with pytest.raises(PermissionDeniedError):
        memory.readable_datasets("acme", user=BOB)
    with pytest.raises(PermissionDeniedError):
        memory.stats("acme", user=BOB)

    memory.grant("acme", BOB, Permission.READ)

    assert memory.readable_datasets(user=BOB) == ["acme"]
    assert memory.stats(user=BOB).datasets["acme"].chunks == 1
    assert [d.name for d in memory.datasets(user=BOB)] == ["acme"]
    with pytest.raises(PermissionDeniedError):
        memory.remember("Bob Smith joined Acme Corp.", dataset="acme", user=BOB)


def test_revoke_takes_a_permission_back(memory: GraphMemory) -> None:
    memory.grant("acme", "bob", "write")
    memory.remember("Bob Smith joined Acme Corp.", dataset="acme", user=BOB)
    memory.revoke("acme", "bob", "write")
    with pytest.raises(PermissionDeniedError):
        memory.remember("Carol Diaz founded Zeta Labs.", dataset="acme", user=BOB)


def test_only_owners_and_sharers_may_grant(memory: GraphMemory) -> None:
    with pytest.raises(PermissionDeniedError, match="share"):
        memory.grant("acme", CAROL, "read", by=BOB)

    memory.grant("acme", BOB, "share")
    memory.grant("acme", BOB, "read")
    memory.grant("acme", CAROL, "read", by=BOB)
    assert memory.readable_datasets(user=CAROL) == ["acme"]
    memory.revoke("acme", CAROL, "read", by=BOB)
    assert memory.readable_datasets(user=CAROL) == []


def test_owner_rights_cannot_be_revoked(memory: GraphMemory) -> None:
    with pytest.raises(InvalidInputError, match="owns"):
        memory.revoke("acme", OWNER, "write")


@pytest.mark.parametrize("permission", ["admin", "", "READ", None, 3])
def test_unknown_permission_is_invalid(memory: GraphMemory, permission: object) -> None:
    memory.grant("acme", BOB, "share")
    for call, by in [(memory.grant, OWNER), (memory.revoke, OWNER), (memory.grant, BOB)]:
        with pytest.raises(InvalidInputError, match="Unknown permission"):
            call("acme", CAROL, permission, by=by)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="Unknown permission"):
        memory.check_permission("acme", permission)  # type: ignore[arg-type]


def test_unknown_dataset(memory: GraphMemory) -> None:
    with pytest.raises(InvalidInputError, match="Unknown dataset"):
        memory.grant("nope", BOB, "read")
    with pytest.raises(InvalidInputError, match="Unknown dataset"):
        memory.readable_datasets("nope")
    with pytest.raises(InvalidInputError, match="Unknown dataset"):
        memory.check_permission("nope", "read")
    memory.check_permission("nope", "write")  # a new dataset may be created by anyone


def test_grants_persist_across_reopening(tmp_path: Path, memory: GraphMemory) -> None:
    memory.grant("acme", BOB, "read")
    reopened = make_memory(tmp_path, user=OWNER)
    assert reopened.readable_datasets(user=BOB) == ["acme"]
    info = reopened.graph_store.get_dataset("acme")
    assert info is not None and info.owner_id == "owner"
    assert info.grants == {"bob": frozenset({Permission.READ})}


# -- escalation: nobody holds more than the owner passed on ---------------------------------------
def _intact(memory: GraphMemory) -> None:
    """The owner's dataset still has its document, and the owner every right."""
    assert memory.stats("acme").datasets["acme"].documents == 1
    for permission in Permission:
        memory.check_permission("acme", permission)


def test_a_sharer_cannot_give_itself_delete_and_wipe_the_dataset(memory: GraphMemory) -> None:
    memory.grant("acme", BOB, "share")
    with pytest.raises(PermissionDeniedError, match="cannot grant its own 'delete'"):
        memory.grant("acme", BOB, "delete", by=BOB)
    with pytest.raises(PermissionDeniedError, match="lacks 'delete'"):
        memory.forget("acme", user=BOB, all=True)
    _intact(memory)


@pytest.mark.parametrize("permission", list(Permission))
def test_nobody_but_the_owner_changes_its_own_rights(
    memory: GraphMemory, permission: Permission
) -> None:
    for held in Permission:
        memory.grant("acme", BOB, held)
    memory.revoke("acme", BOB, permission)
    # without share it lacks the right to grant at all; with it, not to itself
    expected = "lacks 'share'" if permission is Permission.SHARE else f"its own '{permission}'"
    with pytest.raises(PermissionDeniedError, match=expected) as denied:
        memory.grant("acme", User(id="bob"), permission, by=BOB)
    assert (denied.value.user_id, denied.value.permission) == ("bob", permission.value)
    if permission is not Permission.SHARE:  # still a sharer: revoking its own is refused too
        with pytest.raises(PermissionDeniedError, match="cannot revoke its own 'share'"):
            memory.revoke("acme", BOB, "share", by=BOB)
    assert memory.graph_store.get_dataset("acme").grants["bob"] == (  # type: ignore[union-attr]
        frozenset(Permission) - {permission}
    )


@pytest.mark.parametrize("permission", ["read", "write", "delete"])
def test_a_sharer_cannot_grant_a_right_it_lacks(memory: GraphMemory, permission: str) -> None:
    memory.grant("acme", BOB, "share")
    with pytest.raises(PermissionDeniedError, match=rf"lacks '{permission}'.*for 'carol'"):
        memory.grant("acme", CAROL, permission, by=BOB)
    # so CAROL cannot use it ...
    assert memory.readable_datasets(user=CAROL) == []
    with pytest.raises(PermissionDeniedError):
        memory.remember("Carol Diaz founded Zeta Labs.", dataset="acme", user=CAROL)
    with pytest.raises(PermissionDeniedError):
        memory.forget("acme", user=CAROL, all=True)
    # ... not even when BOB makes CAROL a sharer to hand it back
    memory.grant("acme", CAROL, "share", by=BOB)
    with pytest.raises(PermissionDeniedError, match=f"lacks '{permission}'"):
        memory.grant("acme", BOB, permission, by=CAROL)
    _intact(memory)


def test_share_passes_on_only_with_the_rights_held(memory: GraphMemory) -> None:
    memory.grant("acme", BOB, "share")
    memory.grant("acme", BOB, "read")
    memory.grant("acme", CAROL, "share", by=BOB)
    memory.grant("acme", CAROL, "read", by=BOB)
    memory.grant("acme", DAVE, "read", by=CAROL)
    assert memory.readable_datasets(user=DAVE) == ["acme"]
    with pytest.raises(PermissionDeniedError, match="lacks 'write'"):
        memory.grant("acme", DAVE, "write", by=CAROL)


def test_nobody_revokes_the_owner(memory: GraphMemory) -> None:
    for permission in Permission:
        memory.grant("acme", BOB, permission)
    for by in (OWNER, BOB):
        for permission in Permission:
            with pytest.raises(InvalidInputError, match=r"owns dataset 'acme'.*nobody can revoke"):
                memory.revoke("acme", OWNER, permission, by=by)
    with pytest.raises(PermissionDeniedError, match="lacks 'share'"):
        memory.revoke("acme", OWNER, "delete", by=CAROL)
    _intact(memory)


def test_a_sharer_cannot_revoke_a_right_it_lacks(memory: GraphMemory) -> None:
    memory.grant("acme", BOB, "share")
    memory.grant("acme", BOB, "read")
    memory.grant("acme", CAROL, "share")
    memory.grant("acme", CAROL, "write")
    with pytest.raises(PermissionDeniedError, match=r"lacks 'write'.*revoke it for 'carol'"):
        memory.revoke("acme", CAROL, "write", by=BOB)
    memory.remember("Carol Diaz founded Zeta Labs.", dataset="acme", user=CAROL)
    memory.revoke("acme", CAROL, "share", by=BOB)  # BOB holds share, so it may take it back
    with pytest.raises(PermissionDeniedError, match="lacks 'share'"):
        memory.revoke("acme", BOB, "share", by=CAROL)


def test_a_revoked_user_cannot_grant_itself_back(memory: GraphMemory) -> None:
    for permission in Permission:
        memory.grant("acme", BOB, permission)
    memory.revoke("acme", BOB, "delete")
    with pytest.raises(PermissionDeniedError, match="its own 'delete'"):
        memory.grant("acme", BOB, "delete", by=BOB)
    memory.revoke("acme", BOB, "share")
    for permission in Permission:
        with pytest.raises(PermissionDeniedError, match="lacks 'share'"):
            memory.grant("acme", BOB, permission, by=BOB)
        with pytest.raises(PermissionDeniedError, match="lacks 'share'"):
            memory.grant("acme", CAROL, permission, by=BOB)
    with pytest.raises(PermissionDeniedError, match="lacks 'delete'"):
        memory.forget("acme", user=BOB, all=True)
    _intact(memory)


@pytest.mark.parametrize("held", [[], ["read", "write", "delete"]])
def test_granting_without_share_is_refused(memory: GraphMemory, held: list[str]) -> None:
    for permission in held:
        memory.grant("acme", BOB, permission)
    for permission in Permission:
        for target in (BOB, CAROL):
            with pytest.raises(PermissionDeniedError, match="lacks 'share'") as denied:
                memory.grant("acme", target, permission, by=BOB)
            assert denied.value.permission == "share"
            with pytest.raises(PermissionDeniedError, match="lacks 'share'"):
                memory.revoke("acme", target, permission, by=BOB)
    assert memory.readable_datasets(user=CAROL) == []
    _intact(memory)


# -- the async twins -------------------------------------------------------------------------------
async def test_async_grant_revoke_and_checks_match_the_sync_ones(memory: GraphMemory) -> None:
    assert await memory.areadable_datasets(user=BOB) == []
    assert await memory.adatasets(user=BOB) == []
    with pytest.raises(PermissionDeniedError, match="read"):
        await memory.acheck_permission("acme", "read", user=BOB)
    with pytest.raises(PermissionDeniedError):
        await memory.areadable_datasets("acme", user=BOB)

    await memory.agrant("acme", BOB, Permission.READ)
    await memory.agrant("acme", "bob", "share")

    await memory.acheck_permission("acme", "read", user=BOB)
    assert await memory.areadable_datasets(user=BOB) == ["acme"]
    assert await memory.areadable_datasets("acme", user=BOB) == ["acme"]
    (info,) = await memory.adatasets(user=BOB)
    assert (info.name, info.owner_id) == ("acme", "owner")
    assert info.grants == {"bob": frozenset({Permission.READ, Permission.SHARE})}
    assert memory.readable_datasets(user=BOB) == ["acme"]  # the sync view agrees
    # A sharer passes on what it holds, and takes it back.
    await memory.agrant("acme", CAROL, "read", by=BOB)
    assert await memory.areadable_datasets(user=CAROL) == ["acme"]
    await memory.arevoke("acme", CAROL, "read", by=BOB)
    assert await memory.areadable_datasets(user=CAROL) == []

    await memory.arevoke("acme", BOB, "read")
    with pytest.raises(PermissionDeniedError, match="read"):
        await memory.acheck_permission("acme", Permission.READ, user=BOB)
    assert await memory.adatasets(user=BOB) == []
    assert [d.name for d in await memory.adatasets()] == ["acme"]  # the owner still sees it


async def test_async_twins_refuse_what_the_sync_ones_refuse(memory: GraphMemory) -> None:
    with pytest.raises(PermissionDeniedError, match="share"):
        await memory.agrant("acme", CAROL, "read", by=BOB)
    await memory.agrant("acme", BOB, "share")
    with pytest.raises(PermissionDeniedError, match="cannot grant its own 'delete'"):
        await memory.agrant("acme", BOB, "delete", by=BOB)
    with pytest.raises(InvalidInputError, match="owns"):
        await memory.arevoke("acme", OWNER, "write")
    with pytest.raises(PermissionDeniedError):
        await memory.arevoke("acme", OWNER, "read", by=BOB)
    with pytest.raises(InvalidInputError, match="Unknown permission"):
        await memory.agrant("acme", CAROL, "admin")
    with pytest.raises(InvalidInputError, match="Unknown dataset"):
        await memory.agrant("nope", BOB, "read")
    with pytest.raises(InvalidInputError, match="Unknown dataset"):
        await memory.areadable_datasets("nope")
    with pytest.raises(InvalidInputError, match="Unknown dataset"):
        await memory.acheck_permission("nope", "read")
    await memory.acheck_permission("nope", "write")  # a new dataset may be created by anyone
    _intact(memory)


async def test_async_inspection_of_a_dataset(memory: GraphMemory) -> None:
    assert await memory.ahas_graph_data("acme") is True
    assert await memory.ahas_graph_data("main_dataset") is False
    stats = await memory.astats("acme")
    assert (stats.datasets["acme"].documents, stats.datasets["acme"].chunks) == (1, 1)
    graph = await memory.ato_networkx("acme")
    assert {data["name"] for _, data in graph.nodes(data=True)} == {"Alice Johnson", "Acme Corp"}
    assert [data["predicate"] for _, _, data in graph.edges(data=True)] == ["leads"]
    with pytest.raises(PermissionDeniedError):
        await memory.ato_networkx("acme", user=BOB)
