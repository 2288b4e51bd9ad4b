"""Pytest fixtures around the scripted OpenAI-compatible server (integration tests only: unit
tests run with sockets disabled).

Import them into a conftest (``from tests.support.fixtures import *``) to use them by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.support.llm_server import ScriptedLLMServer

if TYPE_CHECKING:
    from langchain_openai import ChatOpenAI, OpenAIEmbeddings

__all__ = ["llm_server", "scripted_chat_model", "scripted_embeddings"]


@pytest.fixture
def llm_server() -> Iterator[ScriptedLLMServer]:
    """A running scripted server; its default responder answers like an extraction model."""
    with ScriptedLLMServer() as server:
        yield server


@pytest.fixture
def scripted_chat_model(llm_server: ScriptedLLMServer) -> ChatOpenAI:
    """A real ``ChatOpenAI`` on the scripted server (SDK retries off, 5 s timeout)."""
    return llm_server.chat_model(timeout=5.0)


@pytest.fixture
def scripted_embeddings(llm_server: ScriptedLLMServer) -> OpenAIEmbeddings:
    """A real ``OpenAIEmbeddings`` on the scripted server (no tiktoken)."""
    return llm_server.embeddings_model()
