"""The memory as LangChain tools an agent can call.

:func:`create_memory_tool` (also ``GraphMemory.as_tool()``) wraps ``memory.asearch`` as a
``StructuredTool`` whose content is the rendered memories (the one rendering,
:func:`~cognee_langchain.services.memory_lines.format_memories`, re-exported here) and whose
artifact is the documents themselves.

:func:`create_manage_memory_tool` (also ``GraphMemory.as_manage_tool()``) lets the agent write
its user's memory: create, update or delete one memory
(:mod:`cognee_langchain.services.memories`), each call returning the memory's id.

Both argument schemas keep to OpenAI's strict structured-output subset, so
``bind_tools(..., strict=True)`` works; bad arguments raise :class:`InvalidInputError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.documents import Document
from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cognee_langchain.core.aio import run_sync
from cognee_langchain.core.defaults import (
    DEFAULT_DATASET,
    DEFAULT_SEARCH_TYPE,
    DEFAULT_TOP_K,
    MEMORIES_NODE_SET,
)
from cognee_langchain.core.time_validation import check_as_of
from cognee_langchain.core.validation import (
    check_dataset,
    check_optional_id,
    check_positive,
    check_query,
    renamed_arguments,
)
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.services.memories import (
    acreate_memory,
    adelete_memory,
    aupdate_memory,
)
from cognee_langchain.services.memory_lines import fit_memories, format_memories

if TYPE_CHECKING:
    # Type-only: the facade imports this adapter (GraphMemory.as_tool), never the reverse.
    from cognee_langchain.memory import GraphMemory
    from cognee_langchain.services.search import SearchType
    from cognee_langchain.users import User

__all__ = [
    "DEFAULT_MANAGE_TOOL_DESCRIPTION",
    "DEFAULT_TOOL_DESCRIPTION",
    "MEMORIES_NODE_SET",
    "NO_MEMORIES",
    "ManageMemoryArgs",
    "MemoryQuery",
    "create_manage_memory_tool",
    "create_memory_tool",
    "fit_memories",
    "format_memories",
]

DEFAULT_TOOL_DESCRIPTION = (
    "Search long-term memory: facts, earlier conversations with the user and remembered "
    "documents. Use it when the answer may depend on something said or learned before. Input: "
    "a short natural-language query. Returns the most relevant memories, best first."
)
NO_MEMORIES = "No relevant memories found."
DEFAULT_MANAGE_TOOL_DESCRIPTION = (
    "Save, correct or remove one long-term memory about the user (a fact, preference or "
    "decision worth keeping across conversations). action='create' with the memory's text in "
    "content; action='update' with memory_id and the full corrected text in content (it "
    "replaces the old text); action='delete' with memory_id. Pass null for the argument an "
    "action does not use. Returns the memory's id; memory search results show it too, as "
    "[memory id=...]: pass it to update or delete that memory."
)


class MemoryQuery(BaseModel):
    """Arguments of the memory tool."""

    model_config = ConfigDict(extra="forbid")  # additionalProperties: false, as strict mode needs

    # Only keywords OpenAI's strict structured output accepts (``pattern``, no ``minLength``),
    # so ``bind_tools(..., strict=True)`` works; a blank query still fails the pattern.
    query: str = Field(
        pattern=r"\S",
        description="What to look up: a few keywords or a question.",
    )


class ManageMemoryArgs(BaseModel):
    """Arguments of the manage-memory tool.

    Every argument is required and ``content`` / ``memory_id`` nullable, as OpenAI's strict mode
    demands (no ``default`` keyword); a model that leaves out the one its action does not use
    still validates: a missing one reads as ``null``.
    """

    model_config = ConfigDict(extra="forbid")  # additionalProperties: false, as strict mode needs

    action: Literal["create", "update", "delete"] = Field(
        description="create a memory, update (replace) one, or delete one."
    )
    content: str | None = Field(
        pattern=r"\S",
        description="create / update: the memory's full text. null for delete.",
    )
    memory_id: str | None = Field(
        pattern=r"^[0-9a-f]{32}$",
        description="update / delete: the id a create or update returned. null for create.",
    )

    @model_validator(mode="before")
    @classmethod
    def _missing_is_null(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {"content": None, "memory_id": None, **data}
        return data


_USAGE: dict[type[BaseModel], str] = {
    MemoryQuery: "{'query': 'a short question'}",
    ManageMemoryArgs: (
        "{'action': 'create', 'content': 'the text'}, "
        "{'action': 'update', 'memory_id': 'the id', 'content': 'the new text'} or "
        "{'action': 'delete', 'memory_id': 'the id'}"
    ),
}


class _MemoryTool(StructuredTool):
    """A ``StructuredTool`` whose bad arguments raise :class:`InvalidInputError` (naming the
    fix), like every other entry point, rather than pydantic's ``ValidationError``."""

    def _parse_input(
        self, tool_input: str | dict[str, Any], tool_call_id: str | None
    ) -> str | dict[str, Any]:
        try:
            return super()._parse_input(tool_input, tool_call_id)
        except ValidationError as exc:
            raise _input_error(self.name, tool_input, exc, self.args_schema) from None


def _input_error(
    name: str, tool_input: object, exc: ValidationError, schema: object = MemoryQuery
) -> InvalidInputError:
    """The :class:`InvalidInputError` for arguments the tool's schema refused."""
    query = tool_input.get("query") if isinstance(tool_input, dict) else tool_input
    if schema is MemoryQuery and query is not None:
        try:
            check_query(query)  # empty, blank, not a str, invalid Unicode: the usual message
        except InvalidInputError as error:
            return InvalidInputError(f"Tool {name!r}: {error}")
    problems = "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in exc.errors()
    )
    usage = _USAGE[ManageMemoryArgs if schema is ManageMemoryArgs else MemoryQuery]
    return InvalidInputError(
        f"Tool {name!r} got invalid arguments ({problems}): call it with {usage}."
    )


def create_memory_tool(
    memory: GraphMemory,
    *,
    name: str = "search_memory",
    description: str = DEFAULT_TOOL_DESCRIPTION,
    top_k: int = DEFAULT_TOP_K,
    datasets: str | Sequence[str] | None = None,
    search_type: SearchType = DEFAULT_SEARCH_TYPE,
    max_tokens: int | None = None,
    user: User | None = None,
    as_of: datetime | None = None,
    **deprecated: Any,
) -> BaseTool:
    """A LangChain tool that searches ``memory`` (``response_format="content_and_artifact"``).

    The tool's content is the rendered memories (:func:`format_memories`, or
    :data:`NO_MEMORIES`); its artifact is the list of retrieved ``Document`` objects with their
    metadata (id, type, score, dataset, provenance), for code that inspects the
    ``ToolMessage.artifact``. Arguments the tool cannot take (an empty, blank or non-str query,
    invalid Unicode, a missing ``query``) raise :class:`InvalidInputError`, as
    ``memory.search`` does. Works with ``invoke`` and ``ainvoke``::

        agent = create_agent(model, tools=[memory.as_tool()])

    Args:
        memory: the memory to search.
        name: the tool name the model sees.
        description: what the model is told the tool does.
        top_k: how many memories to retrieve per call.
        datasets: dataset name(s) to search; ``None`` searches every dataset ``user`` may read
            (``dataset=`` is the deprecated spelling).
        search_type: ``"chunks"`` (fused, default), ``"graph"``, ``"facts"``, ``"summaries"``
            or a ``SearchConfig``.
        max_tokens: budget of the rendered content (≈ characters / 4); ``None`` for no limit.
        user: who searches; defaults to the memory's user.
        as_of: when "current" is judged (default: now, at each call); a naive datetime is UTC.
    """
    as_of = check_as_of(as_of)
    datasets = renamed_arguments(
        "create_memory_tool", deprecated, {"dataset": "datasets"}, datasets=datasets
    )["datasets"]
    if not isinstance(name, str) or not name.strip():
        raise InvalidInputError(f"name must be a non-empty str, got {name!r}.")
    if not isinstance(description, str) or not description.strip():
        raise InvalidInputError("description must be a non-empty str: tell the model what it does.")
    top_k = check_positive(top_k, "top_k")
    if max_tokens is not None:
        max_tokens = check_positive(max_tokens, "max_tokens")

    async def asearch_memory(query: str) -> tuple[str, list[Document]]:
        documents = await memory.asearch(
            query,
            datasets=datasets,
            search_type=search_type,
            top_k=top_k,
            user=user,
            as_of=as_of,
        )
        fitted = fit_memories(documents, max_tokens)
        content = "\n".join(line for _, line in fitted) or NO_MEMORIES
        return content, [document for document, _ in fitted]

    def search_memory(query: str) -> tuple[str, list[Document]]:
        return run_sync(asearch_memory(query))

    return _MemoryTool.from_function(
        func=search_memory,
        coroutine=asearch_memory,
        name=name,
        description=description,
        args_schema=MemoryQuery,
        response_format="content_and_artifact",
    )


def create_manage_memory_tool(
    memory: GraphMemory,
    *,
    name: str = "manage_memory",
    description: str = DEFAULT_MANAGE_TOOL_DESCRIPTION,
    dataset: str = DEFAULT_DATASET,
    node_set: str = MEMORIES_NODE_SET,
    user: User | None = None,
) -> BaseTool:
    """A LangChain tool with which an agent creates, updates or deletes one memory of its user.

    One ``StructuredTool`` (``invoke`` and ``ainvoke``), arguments :class:`ManageMemoryArgs`:

    * ``{"action": "create", "content": text}`` remembers ``text`` in ``dataset`` under
      ``node_set``, at once searchable;
    * ``{"action": "update", "memory_id": id, "content": text}`` replaces the memory's text (the
      old text is no longer retrievable; new text, new id);
    * ``{"action": "delete", "memory_id": id}`` forgets it.

    Each returns the memory's id as the tool's artifact, its content naming the action and the
    id (``"created memory 3f2a…"``). Memories belong to ``user`` (default: the memory's user):
    the same words from two users are two memories, and an update or delete of an id the user
    did not write — another user's, or unknown — is an :class:`InvalidInputError`, as are
    missing or extra arguments for the action. ``write`` (create, update) and ``delete``
    (update, delete) permissions on ``dataset`` are checked as for ``remember`` / ``forget``.

    Args:
        memory: the memory to write.
        name: the tool name the model sees.
        description: what the model is told the tool does.
        dataset: the dataset memories are written to.
        node_set: the node set new memories go to (an update keeps the memory's own).
        user: whose memories the tool manages; defaults to the memory's user.
    """
    if not isinstance(name, str) or not name.strip():
        raise InvalidInputError(f"name must be a non-empty str, got {name!r}.")
    if not isinstance(description, str) or not description.strip():
        raise InvalidInputError("description must be a non-empty str: tell the model what it does.")
    dataset = check_dataset(dataset)
    node_set = check_optional_id(node_set, "node_set") or MEMORIES_NODE_SET
    runtime = memory.runtime

    async def amanage_memory(
        action: str, content: str | None = None, memory_id: str | None = None
    ) -> tuple[str, str]:
        _check_action_args(name, action, content, memory_id)
        if action == "create":
            assert content is not None
            created = await acreate_memory(
                runtime, content, dataset=dataset, node_set=node_set, user=user
            )
            return f"created memory {created}", created
        assert memory_id is not None
        if action == "update":
            assert content is not None
            updated = await aupdate_memory(runtime, memory_id, content, dataset=dataset, user=user)
            return f"updated memory {memory_id}: its text is now memory {updated}", updated
        deleted = await adelete_memory(runtime, memory_id, dataset=dataset, user=user)
        return f"deleted memory {deleted}", deleted

    def manage_memory(
        action: str, content: str | None = None, memory_id: str | None = None
    ) -> tuple[str, str]:
        return run_sync(amanage_memory(action, content, memory_id))

    return _MemoryTool.from_function(
        func=manage_memory,
        coroutine=amanage_memory,
        name=name,
        description=description,
        args_schema=ManageMemoryArgs,
        response_format="content_and_artifact",
    )


def _check_action_args(name: str, action: str, content: str | None, memory_id: str | None) -> None:
    """Each action takes exactly its own arguments: a ``memory_id`` given to create (or content
    given to delete) is a model's mistake to report, not to ignore."""
    needs_content, needs_id = action in ("create", "update"), action in ("update", "delete")
    problems = [
        *(["content is missing"] if needs_content and content is None else []),
        *(["memory_id is missing"] if needs_id and memory_id is None else []),
        *([f"{action} takes no content"] if not needs_content and content is not None else []),
        *([f"{action} takes no memory_id"] if not needs_id and memory_id is not None else []),
    ]
    if problems:
        raise InvalidInputError(
            f"Tool {name!r}, action {action!r}: {'; '.join(problems)}: call it with "
            f"{_USAGE[ManageMemoryArgs]}."
        )
