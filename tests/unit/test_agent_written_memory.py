"""Issue 12, items 4 and 5: memory an agent writes and answers that do not invent.

``remember(..., session_id=...)``; ``improve`` persisting every session and starting a chat-only
dataset (``create_dataset=True``); the manage-memory tool (create / update / delete, scoped to
the user, strict-schema friendly); an offline answer the memory does not support says so and is
never persisted as knowledge.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.utils.function_calling import convert_to_openai_tool

from cognee_langchain.core.defaults import MEMORIES_NODE_SET
from cognee_langchain.errors import InvalidInputError, NoGraphDataError
from cognee_langchain.graph.models import SourceItem
from cognee_langchain.memory import GraphMemory
from cognee_langchain.pipelines.persist_sessions import (
    persist_sessions_in_knowledge_graph_pipeline,
)
from cognee_langchain.tools import ManageMemoryArgs, create_manage_memory_tool
from cognee_langchain.users import User
from tests.support.llm_server import strict_schema_problems
from tests.unit.test_memory_support import make_memory

ALICE, BOB = User(id="alice"), User(id="bob")
ACME = "Alice Johnson leads Acme Corp."


@pytest.fixture
def memory(tmp_path: Path) -> Iterator[GraphMemory]:
    with make_memory(tmp_path) as made:
        yield made


def texts(
    memory: GraphMemory, query: str, dataset: str = "main_dataset", user: User | None = None
) -> list[str]:
    found = memory.search(query, datasets=dataset, top_k=20, user=user)
    return [document.page_content for document in found]


# -- remember(..., session_id=...) -----------------------------------------------------------------
def test_remember_with_a_session_tags_the_memory_with_it(memory: GraphMemory) -> None:
    result = memory.remember("Carol Diaz prefers green tea.", dataset="chat", session_id="s1")

    found = memory.search("What does Carol Diaz prefer?", datasets="chat", top_k=1)[0]
    assert found.page_content == "Carol Diaz prefers green tea."
    assert found.metadata["session_id"] == "s1"
    (document,) = memory.graph_store.get_documents(list(result.document_ids))
    assert (document.session_id, document.user_id) == ("s1", memory.user.id)
    # written to the graph at once, not to the session cache (improve never persists it again)
    assert memory.session_store.list_sessions(memory.user.id) == []


def test_forget_by_session_removes_what_was_remembered_in_it(memory: GraphMemory) -> None:
    memory.remember("Carol Diaz prefers green tea.", dataset="chat", session_id="s1")
    memory.remember("Dan Brown prefers coffee.", dataset="chat", session_id="s2")

    assert memory.forget("chat", session_id="s1").documents_removed == 1

    assert texts(memory, "prefers", "chat") == ["Dan Brown prefers coffee."]


def test_the_same_words_in_two_users_sessions_are_two_memories(memory: GraphMemory) -> None:
    first = memory.remember(ACME, session_id="s1", user=ALICE).document_ids
    memory.grant("main_dataset", BOB, "write", by=ALICE)
    memory.grant("main_dataset", BOB, "delete", by=ALICE)
    second = memory.remember(ACME, session_id="s1", user=BOB).document_ids

    assert first != second
    assert memory.forget("main_dataset", session_id="s1", user=BOB).documents_removed == 1
    assert texts(memory, "Who leads Acme Corp?", user=ALICE) == [ACME]  # Alice's stays


def test_remember_refuses_a_session_clash_or_a_bad_session_id(memory: GraphMemory) -> None:
    with pytest.raises(InvalidInputError, match=r"session 'other'.*drop one"):
        memory.remember(SourceItem(text=ACME, session_id="other"), session_id="s1")
    with pytest.raises(InvalidInputError):
        memory.remember(ACME, session_id="bad\nid")
    with pytest.raises(InvalidInputError):
        memory.remember(ACME, session_id="s" * 300)
    assert not memory.has_graph_data()


async def test_aremember_takes_a_session_too(memory: GraphMemory) -> None:
    result = await memory.aremember(ACME, session_id="s9")
    (document,) = await memory.graph_store.aget_documents(list(result.document_ids))
    assert document.session_id == "s9"


# -- improve: every session, and a chat-only dataset -----------------------------------------------
def chat(memory: GraphMemory, session_id: str, user: User | None = None) -> None:
    """One answered exchange in a session, as a chat history records it (no remember first)."""
    who = (user or memory.user).id
    memory.session_store.append(
        who,
        session_id,
        [HumanMessage("Where does Erin work?"), AIMessage("Erin Park works at Initech.")],
    )


def test_improve_without_session_ids_persists_every_session_of_the_user(
    memory: GraphMemory,
) -> None:
    memory.remember(ACME)
    chat(memory, "s1")
    chat(memory, "s2")
    chat(memory, "s3", user=BOB)  # another user's: not this user's to persist

    result = memory.improve()

    assert sorted(result.session_ids) == ["s1", "s2"]
    assert result.messages_persisted == 4
    assert memory.improve().messages_persisted == 0  # each message once


def test_improve_with_no_sessions_says_so(memory: GraphMemory) -> None:
    memory.remember(ACME)
    result = memory.improve()
    assert (result.session_ids, result.messages_persisted) == ((), 0)
    assert "No sessions to persist (the user has none cached)" in result.message


def test_a_chat_only_dataset_starts_from_its_sessions_with_create_dataset(
    memory: GraphMemory,
) -> None:
    chat(memory, "s1")

    with pytest.raises(NoGraphDataError, match=r"create_dataset=True"):
        memory.improve(dataset="chat")
    result = memory.improve(dataset="chat", create_dataset=True)

    assert result.messages_persisted == 2
    assert memory.graph_store.get_dataset("chat").owner_id == memory.user.id  # type: ignore[union-attr]
    assert any("Initech" in text for text in texts(memory, "Where does Erin work?", "chat"))


async def test_aimprove_creates_the_dataset_in_the_background_too(memory: GraphMemory) -> None:
    chat(memory, "s1")
    run = await memory.aimprove("chat", None, None, True, create_dataset=True)
    assert (await run).messages_persisted == 2


def test_create_dataset_must_be_a_bool(memory: GraphMemory) -> None:
    with pytest.raises(InvalidInputError, match="create_dataset"):
        memory.improve(dataset="chat", create_dataset="yes")  # type: ignore[call-overload]


async def test_cognees_pipeline_keeps_its_contract(memory: GraphMemory) -> None:
    chat(memory, "s1")
    with pytest.raises(NoGraphDataError) as raised:
        await persist_sessions_in_knowledge_graph_pipeline(
            memory.user, ["s1"], "chat", memory=memory
        )
    assert "create_dataset" not in str(raised.value)  # the pipeline has no such option
    memory.remember(ACME, dataset="chat")
    nothing = await persist_sessions_in_knowledge_graph_pipeline(
        memory.user, None, "chat", memory=memory
    )
    assert nothing.messages_persisted == 0  # None is no session there, as in cognee


# -- offline answers that do not invent ------------------------------------------------------------
def test_an_unsupported_offline_answer_says_so_and_is_never_persisted(
    memory: GraphMemory,
) -> None:
    memory.remember("Alice leads Acme.")

    unsupported = memory.recall("Is Acme in Berlin?", session_id="s")
    supported = memory.recall("Who leads Acme?", session_id="s")

    assert (unsupported.answer, unsupported.supported) == (
        "I don't have anything in memory about Berlin.",
        False,
    )
    assert (supported.answer, supported.supported) == ("Alice leads Acme.", True)
    answers = [m for m in memory.session_store.read(memory.user.id, "s").messages if m.type == "ai"]
    assert [a.response_metadata.get("supported") for a in answers] == [False, None]

    result = memory.improve(session_ids=["s"])

    assert result.messages_persisted == 3  # both questions and the supported answer
    assert not any("I don't have" in text for text in texts(memory, "anything in memory Berlin"))
    graph = memory.to_networkx()
    related = {graph.nodes[n]["name"] for edge in graph.edges for n in edge[:2]}
    assert "Berlin" not in related  # the question names Berlin and states nothing about it
    assert memory.improve(session_ids=["s"]).messages_persisted == 0  # skipped, not waiting


# -- the manage-memory tool ------------------------------------------------------------------------
def manage(tool: Any, **args: Any) -> str:
    call = {"type": "tool_call", "id": "c1", "name": tool.name, "args": args}
    artifact: str = tool.invoke(call).artifact
    return artifact


def test_create_update_delete_a_memory(memory: GraphMemory) -> None:
    tool = memory.as_manage_tool()

    created = manage(tool, action="create", content="Frank Lee likes sailing.")
    assert len(created) == 32 and texts(memory, "sailing") == ["Frank Lee likes sailing."]
    (document,) = memory.graph_store.get_documents([created])
    assert (document.node_set, document.user_id) == (MEMORIES_NODE_SET, memory.user.id)

    updated = manage(tool, action="update", memory_id=created, content="Frank Lee likes rowing.")
    assert updated != created
    assert not any("sailing" in text for text in texts(memory, "sailing"))  # replaced
    assert texts(memory, "rowing") == ["Frank Lee likes rowing."]
    assert memory.graph_store.get_documents([created]) == []

    assert manage(tool, action="delete", memory_id=updated) == updated
    assert not memory.has_graph_data()


def test_a_memory_found_by_the_search_tool_can_be_updated_and_deleted(
    memory: GraphMemory,
) -> None:
    """The search tool shows a managed memory's id, so an agent can change what it found, not
    only what it created in the same conversation."""
    memory.remember("Frank Lee owns a red boat.")  # not a managed memory: shows no id
    created = manage(memory.as_manage_tool(), action="create", content="Frank Lee likes sailing.")
    shown = memory.as_tool().invoke({"query": "What does Frank Lee like?"})
    assert "- [chunk] Frank Lee owns a red boat." in shown
    assert f"- [memory id={created}] Frank Lee likes sailing." in shown
    # another user's search shows no id for it: the memory is not theirs to manage
    memory.grant("main_dataset", BOB, "read", by=memory.user)
    found = memory.search("Frank Lee sailing", user=BOB)
    assert [d.metadata.get("memory_id") for d in found if "sailing" in d.page_content] == [None]
    found_id = created

    tool = memory.as_manage_tool()
    updated = manage(tool, action="update", memory_id=found_id, content="Frank Lee likes rowing.")
    assert not any("sailing" in text for text in texts(memory, "sailing"))
    assert manage(tool, action="delete", memory_id=updated) == updated
    assert texts(memory, "Frank Lee") == ["Frank Lee owns a red boat."]


def test_the_tool_content_names_the_action_and_the_id(memory: GraphMemory) -> None:
    tool = memory.as_manage_tool()
    content = tool.invoke({"action": "create", "content": "Gia Ruiz lives in Lima."})
    assert content.startswith("created memory ") and len(content.split()[-1]) == 32


def test_updating_to_the_same_text_keeps_the_memory(memory: GraphMemory) -> None:
    tool = memory.as_manage_tool()
    created = manage(tool, action="create", content="Gia Ruiz lives in Lima.")
    assert manage(tool, action="update", memory_id=created, content="Gia Ruiz lives in Lima.") == (
        created
    )
    assert texts(memory, "Lima") == ["Gia Ruiz lives in Lima."]


def test_a_user_never_updates_or_deletes_another_users_memory(memory: GraphMemory) -> None:
    alices = memory.as_manage_tool(user=ALICE)
    created = manage(alices, action="create", content="Alice keeps bees.")
    for permission in ("write", "delete"):
        memory.grant("main_dataset", BOB, permission, by=ALICE)
    bobs = memory.as_manage_tool(user=BOB)

    unknown = manage_error(bobs, action="delete", memory_id="0" * 32)
    stolen = manage_error(bobs, action="delete", memory_id=created)
    assert stolen == unknown.replace("0" * 32, created)  # another's id reads as unknown
    manage_error(bobs, action="update", memory_id=created, content="Bob keeps bees.")

    assert texts(memory, "bees", user=ALICE) == ["Alice keeps bees."]
    # the same words from Bob are his own memory, which he may delete without touching Alice's
    own = manage(bobs, action="create", content="Alice keeps bees.")
    assert own != created
    manage(bobs, action="delete", memory_id=own)
    assert texts(memory, "bees", user=ALICE) == ["Alice keeps bees."]


def manage_error(tool: Any, **args: Any) -> str:
    with pytest.raises(InvalidInputError) as raised:
        tool.invoke(args)
    return str(raised.value)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"action": "create"}, "content is missing"),
        ({"action": "create", "content": "x", "memory_id": "0" * 32}, "takes no memory_id"),
        ({"action": "update", "content": "x"}, "memory_id is missing"),
        ({"action": "delete", "memory_id": "0" * 32, "content": "x"}, "takes no content"),
        ({"action": "remove", "memory_id": "0" * 32}, "action"),
        ({"action": "create", "content": "   "}, "content"),
        ({"action": "delete", "memory_id": "not-an-id"}, "memory_id"),
        ({"action": "create", "content": "x", "extra": 1}, "extra"),
        ({"content": "x"}, "action"),
    ],
)
def test_bad_arguments_are_invalid_input_naming_the_fix(
    memory: GraphMemory, args: dict[str, Any], message: str
) -> None:
    error = manage_error(memory.as_manage_tool(), **args)
    assert message in error and "'action': 'create'" in error
    assert not memory.has_graph_data()


async def test_the_tool_works_async(memory: GraphMemory) -> None:
    tool = create_manage_memory_tool(memory, dataset="notes", node_set="prefs")
    created = (
        await tool.ainvoke(
            {
                "type": "tool_call",
                "id": "c",
                "name": tool.name,
                "args": {
                    "action": "create",
                    "content": "Hana Sato drinks oolong.",
                    "memory_id": None,
                },
            }
        )
    ).artifact
    (document,) = await memory.graph_store.aget_documents([created])
    assert (document.dataset, document.node_set) == ("notes", "prefs")
    await tool.ainvoke({"action": "delete", "memory_id": created, "content": None})
    assert not await memory.ahas_graph_data("notes")


def test_the_schema_is_openai_strict_and_omitted_nulls_are_fine(memory: GraphMemory) -> None:
    schema = ManageMemoryArgs.model_json_schema()
    assert strict_schema_problems(schema) == []
    assert schema["required"] == ["action", "content", "memory_id"]
    tool = memory.as_manage_tool()
    parameters = convert_to_openai_tool(tool, strict=True)["function"]["parameters"]
    assert strict_schema_problems(parameters) == []
    # a non-strict model may leave out the argument an action does not use
    assert ManageMemoryArgs.model_validate({"action": "delete", "memory_id": "0" * 32})


def test_tool_options_are_checked(memory: GraphMemory) -> None:
    for bad in ({"name": " "}, {"description": ""}, {"dataset": "bad\nname"}, {"node_set": 3}):
        with pytest.raises(InvalidInputError):
            create_manage_memory_tool(memory, **bad)


@settings(max_examples=15, deadline=None)
@given(words=st.lists(st.sampled_from(["red", "blue", "kites", "boats", "Ivy", "Jo"]), min_size=1))
def test_create_then_delete_leaves_nothing_behind(tmp_path_factory: Any, words: list[str]) -> None:
    with make_memory(tmp_path_factory.mktemp("fuzz")) as memory:
        tool = memory.as_manage_tool()
        created = manage(tool, action="create", content=" ".join(words) + ".")
        assert manage(tool, action="delete", memory_id=created) == created
        assert not memory.has_graph_data()
