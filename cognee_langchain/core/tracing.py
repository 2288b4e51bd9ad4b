"""One run tree per memory operation in LangChain callbacks (and so in LangSmith).

:func:`traced` opens a chain run (``cognee_langchain.remember``, ``cognee_langchain.recall``,
...) exactly as a LangChain ``Runnable`` does in ``ainvoke``: the caller's ``RunnableConfig``
merged over the ambient one (``langchain_core``'s ``var_child_runnable_config``, set by an
enclosing ``Runnable``, LangGraph node or tool) gives its callbacks, tags, metadata and
``run_name``; inside the block the run's child config is the ambient config, so every
``llm.ainvoke`` / ``graph.ainvoke`` the operation makes (and every task it starts) becomes a
child run without being passed a config. The run ends with the operation's outputs, or with its
exception.

What a run records is bounded and redacted: strings are clipped to :data:`TRACE_CHARS`
characters (:func:`~cognee_langchain.core.logs.preview`, which redacts), sequences to
:data:`TRACE_ITEMS` items. Nothing is summarised when no callback handler listens (no tracer
configured), so an untraced call pays only for the run bookkeeping.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from os import PathLike
from typing import Any

from langchain_core.documents import Document
from langchain_core.runnables import RunnableConfig
from langchain_core.runnables.config import (
    ensure_config,
    get_async_callback_manager_for_config,
    patch_config,
    var_child_runnable_config,
)
from pydantic import BaseModel

from cognee_langchain.core.logs import preview

__all__ = ["TRACE_CHARS", "TRACE_ITEMS", "TracedRun", "traced"]

logger = logging.getLogger(__name__)

#: Characters of a string kept in a run's inputs and outputs.
TRACE_CHARS = 2000
#: Items of a list kept in a run's inputs and outputs (the rest are counted).
TRACE_ITEMS = 20


def _summary(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON-like data a tracer can show: bounded, redacted, no secrets."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str | PathLike):
        return preview(value, TRACE_CHARS)
    if depth >= 6:  # results are shallow; anything deeper is shown as a clipped repr
        return preview(repr(value), TRACE_CHARS)
    if isinstance(value, Document):
        return {"id": value.id, "page_content": preview(value.page_content, TRACE_CHARS)}
    if isinstance(value, BaseModel):
        return _summary(value.model_dump(), depth + 1)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return _summary(fields, depth + 1)
    if isinstance(value, Mapping):
        return {str(key): _summary(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        shown = [_summary(item, depth + 1) for item in items[:TRACE_ITEMS]]
        if len(items) > TRACE_ITEMS:
            shown.append(f"… {len(items) - TRACE_ITEMS} more")
        return shown
    return preview(repr(value), TRACE_CHARS)


@dataclasses.dataclass(slots=True)
class TracedRun:
    """The run of one :func:`traced` block.

    Attributes:
        config: the run's child config (already the ambient config inside the block); pass it
            explicitly only to work that runs outside this context (another thread or loop).
        output: what the operation returned; set it before the block ends, it becomes the
            run's outputs (summarised as described in the module docstring).
    """

    config: RunnableConfig
    output: Any = None


@asynccontextmanager
async def traced(
    name: str, inputs: Mapping[str, Any], config: RunnableConfig | None = None
) -> AsyncIterator[TracedRun]:
    """Run the block as one chain run named ``name`` (or the config's ``run_name``).

    ``config`` is merged over the ambient config the way LangChain merges it for a
    ``Runnable``: its ``callbacks`` replace the ambient ones, its ``tags`` and ``metadata`` are
    added, ``run_name`` and ``run_id`` name this run only (never its children). An exception
    leaving the block ends the run with that error and propagates unchanged.
    """
    config = ensure_config(config)
    manager = get_async_callback_manager_for_config(config)
    listened = bool(manager.handlers)
    run_manager = await manager.on_chain_start(
        None,
        _summary(dict(inputs)) if listened else {},
        name=config.get("run_name") or name,
        run_id=config.pop("run_id", None),
    )
    run = TracedRun(patch_config(config, callbacks=run_manager.get_child()))
    token = var_child_runnable_config.set(run.config)
    started = time.perf_counter()
    try:
        yield run
    except BaseException as exc:
        var_child_runnable_config.reset(token)
        logger.debug(
            "%s failed after %.3fs: %s", name, time.perf_counter() - started, type(exc).__name__
        )
        await run_manager.on_chain_error(exc)
        raise
    var_child_runnable_config.reset(token)
    output = _summary(run.output) if listened else {}
    await run_manager.on_chain_end(output if isinstance(output, dict) else {"output": output})
