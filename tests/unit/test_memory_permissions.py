"""Dataset permissions: owners, grants, share, and what each operation requires."""

from __future__ import annotations

from pathlib import Path

import pytest

from cognee_langchain.errors import InvalidInputError, PermissionDeniedError
from cognee_langchain.memory import GraphMemory
from cognee_langchain.permissions import Permission
from cognee_langchain.users import User
from tests.unit.test_memory_support import make_memory

OWNER, BOB, CAROL = User(id="owner"), User(id="bob"), User(id="carol")


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
    memory.grant("acme", CAROL, "read", by=BOB)
    assert memory.readable_datasets(user=CAROL) == ["acme"]
    memory.revoke("acme", CAROL, "read", by=BOB)
    assert memory.readable_datasets(user=CAROL) == []


def test_owner_rights_cannot_be_revoked(memory: GraphMemory) -> None:
    with pytest.raises(InvalidInputError, match="owns"):
        memory.revoke("acme", OWNER, "write")


@pytest.mark.parametrize("permission", ["admin", "", None, 3])
def test_unknown_permission_is_invalid(memory: GraphMemory, permission: object) -> None:
    with pytest.raises(InvalidInputError, match="Unknown permission"):
        memory.grant("acme", BOB, permission)  # type: ignore[arg-type]


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
