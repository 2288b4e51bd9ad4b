"""The chat model the examples use: a real one when OPENAI_API_KEY is set, else a tiny offline
stand-in that calls tools when asked about the weather and otherwise answers from the memories
injected into its system message."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult

_WORD = re.compile(r"\w+")
_STOP = {"what", "who", "where", "when", "is", "the", "a", "do", "does", "i", "my", "of", "in"}


class OfflineChatModel(BaseChatModel):
    """Answers with the memory line sharing most words with the question (no network)."""

    @property
    def _llm_type(self) -> str:
        return "offline-example"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> OfflineChatModel:  # type: ignore[override]
        return self

    def _generate(
        self, messages: list[BaseMessage], stop: list[str] | None = None, **kwargs: Any
    ) -> ChatResult:
        last = messages[-1]
        if isinstance(last, ToolMessage):
            reply = AIMessage(f"Forecast: {last.text}.")
        elif "weather" in last.text.lower():
            city = last.text.rstrip("?").rsplit(" ", 1)[-1]
            reply = AIMessage(
                "", tool_calls=[{"name": "get_weather", "args": {"city": city}, "id": "w1"}]
            )
        else:
            reply = AIMessage(self._answer(messages))
        return ChatResult(generations=[ChatGeneration(message=reply)])

    def _answer(self, messages: list[BaseMessage]) -> str:
        question = next(m for m in reversed(messages) if isinstance(m, HumanMessage)).text
        memory = "\n".join(m.text for m in messages if isinstance(m, SystemMessage))
        wanted = {w for w in _WORD.findall(question.lower()) if w not in _STOP}
        lines = [line.strip("- ") for line in memory.splitlines() if len(line) > 20]
        scored = [(len(wanted & set(_WORD.findall(line.lower()))), line) for line in lines]
        best = max(scored, default=(0, ""))
        return f"From memory: {best[1]}" if best[0] else "Noted."


def chat_model() -> BaseChatModel:
    """ChatOpenAI when OPENAI_API_KEY is set, else :class:`OfflineChatModel`."""
    if os.environ.get("OPENAI_API_KEY"):
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(model=os.environ.get("OPENAI_MODEL", "gpt-4o-mini"))
    return OfflineChatModel()
