"""Memories an agent manages one at a time: create, update (replace) and delete, scoped to a user.

The body of the manage-memory tool (:func:`cognee_langchain.tools.create_manage_memory_tool`).
A memory is one remembered document whose id is its user's own (:data:`USER_SCOPED`): two users
writing the same words get two memories, and a user can only update or delete memories they
wrote — another user's id is answered exactly like an unknown one, so ids reveal nothing.

An update stores the new text and forgets the old document in one transaction (both or neither);
the old text is no longer retrievable, while a chunk or entity the new text shares survives.
"""

from __future__ import annotations

from cognee_langchain.core.defaults import DEFAULT_DATASET, MEMORIES_NODE_SET
from cognee_langchain.core.validation import check_dataset, check_optional_id, check_text
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph.base import Forget, RequirePermission
from cognee_langchain.graph.models import SourceDocument, SourceItem
from cognee_langchain.ids import validate_id
from cognee_langchain.permissions import Permission
from cognee_langchain.services.ingest import USER_SCOPED, aingest, document_id
from cognee_langchain.services.runtime import MemoryRuntime
from cognee_langchain.users import User

__all__ = ["acreate_memory", "adelete_memory", "aupdate_memory"]


def _item(runtime: MemoryRuntime, content: object) -> SourceItem:
    text = check_text(content, "content", max_chars=runtime.limits.max_text_chars)
    return SourceItem(text=text, name="memory", metadata={USER_SCOPED: True})


def _check_place(runtime: MemoryRuntime, dataset: object, node_set: object) -> tuple[str, str]:
    max_chars = runtime.limits.max_id_chars
    dataset = check_dataset(dataset, max_chars=max_chars)
    checked = check_optional_id(node_set, "node_set", max_chars=max_chars)
    if checked is None:
        raise InvalidInputError("node_set must be a name, e.g. 'agent_memories'.")
    return dataset, checked


async def acreate_memory(
    runtime: MemoryRuntime,
    content: str,
    *,
    dataset: str = DEFAULT_DATASET,
    node_set: str = MEMORIES_NODE_SET,
    user: User | None = None,
) -> str:
    """Remember ``content`` as one memory of ``user`` and return its id (the same id when the
    user already has this memory: nothing is stored twice). Needs ``write`` on ``dataset``
    (a new dataset is created, ``user`` owning it)."""
    dataset, node_set = _check_place(runtime, dataset, node_set)
    who = runtime.user_of(user)
    result = await aingest(runtime, [_item(runtime, content)], dataset, node_set, who)
    return result.document_ids[0]


async def aupdate_memory(
    runtime: MemoryRuntime,
    memory_id: str,
    content: str,
    *,
    dataset: str = DEFAULT_DATASET,
    user: User | None = None,
) -> str:
    """Replace the text of ``user``'s memory ``memory_id`` with ``content``; return the id of
    the memory now holding it (ids are content hashes: a new text is a new id). The memory keeps
    its node set. Needs ``write`` and ``delete`` on ``dataset``."""
    dataset = check_dataset(dataset, max_chars=runtime.limits.max_id_chars)
    who = runtime.user_of(user)
    old = await _aown(runtime, memory_id, dataset, who)
    item = _item(runtime, content)
    new_id = document_id(dataset, old.node_set, item, who.id)
    if new_id == old.id:
        return new_id  # the same text: nothing to replace
    await aingest(
        runtime,
        [item],
        dataset,
        old.node_set,
        who,
        then=[
            RequirePermission(dataset, who.id, Permission.DELETE),
            Forget(dataset, document_id=old.id, user_id=who.id),
        ],
    )
    return new_id


async def adelete_memory(
    runtime: MemoryRuntime,
    memory_id: str,
    *,
    dataset: str = DEFAULT_DATASET,
    user: User | None = None,
) -> str:
    """Forget ``user``'s memory ``memory_id`` (and what only it supported); return its id.
    Needs ``delete`` on ``dataset``."""
    dataset = check_dataset(dataset, max_chars=runtime.limits.max_id_chars)
    who = runtime.user_of(user)
    document = await _aown(runtime, memory_id, dataset, who)
    written = await runtime.graph_store.aapply(
        [
            RequirePermission(dataset, who.id, Permission.DELETE),
            # user_id: the delete itself is scoped, so no race can make it take another's memory
            Forget(dataset, document_id=document.id, user_id=who.id),
        ]
    )
    if not written.documents_removed:  # forgotten meanwhile
        raise _not_found(memory_id, dataset, who)
    return document.id


async def _aown(runtime: MemoryRuntime, memory_id: str, dataset: str, who: User) -> SourceDocument:
    """The document ``memory_id`` when ``who`` wrote it in ``dataset``."""
    memory_id = validate_id(memory_id, "memory_id")
    for document in await runtime.graph_store.aget_documents([memory_id]):
        if document.dataset == dataset and document.user_id == who.id:
            return document
    raise _not_found(memory_id, dataset, who)


def _not_found(memory_id: str, dataset: str, who: User) -> InvalidInputError:
    # One message whether the id is unknown or another user's: it must not tell them apart.
    return InvalidInputError(
        f"User {who.id!r} has no memory {memory_id!r} in dataset {dataset!r}: pass the id the "
        "create (or last update) action returned, or create the memory instead."
    )
