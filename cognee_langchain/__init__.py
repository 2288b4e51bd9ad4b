"""cognee-langchain: graph memory for LangChain and LangGraph agents.

Importing the package is cheap: public names are resolved lazily on first use, so no model,
client or heavy dependency (numpy, redis, wordllama, langgraph) is loaded at import time.
"""

from __future__ import annotations

from importlib import metadata
from typing import TYPE_CHECKING

from cognee_langchain.core.lazy import lazy_exports

if TYPE_CHECKING:
    from cognee_langchain.chat_message_histories import SessionChatMessageHistory
    from cognee_langchain.core.defaults import Limits
    from cognee_langchain.core.settings import Settings
    from cognee_langchain.embeddings import WordLlamaEmbeddings
    from cognee_langchain.errors import (
        CogneeLangchainError,
        ExtractionError,
        InvalidInputError,
        NoGraphDataError,
        NoSessionsFoundError,
        PermissionDeniedError,
        SessionStoreRefusedError,
        SessionStoreUnavailableError,
        SessionWriteUnknownError,
        StoreBusyError,
        StoreCorruptedError,
        StoreError,
        StoreUnavailableError,
        WriteConflictError,
    )
    from cognee_langchain.extraction.base import GraphExtractor
    from cognee_langchain.extraction.kinds import RelationKinds
    from cognee_langchain.extraction.llm import LLMGraphExtractor
    from cognee_langchain.extraction.offline import OfflineGraphExtractor
    from cognee_langchain.graph.base import GraphStore
    from cognee_langchain.graph.postgres import PostgresGraphStore
    from cognee_langchain.graph.sqlite import SQLiteGraphStore
    from cognee_langchain.memory import ForgetResult, GraphMemory, RememberResult
    from cognee_langchain.middleware import GraphMemoryMiddleware
    from cognee_langchain.nodes import make_persist_node, make_recall_node
    from cognee_langchain.permissions import Permission
    from cognee_langchain.pipelines.persist_sessions import (
        SESSIONS_NODE_SET,
        PersistSessionsContext,
        PersistSessionsResult,
        PersistSessionsState,
        PipelineRun,
        RunStatus,
        build_persist_sessions_graph,
        cognify_session,
        extract_user_sessions,
        get_pipeline_run,
        persist_sessions_in_knowledge_graph_pipeline,
    )
    from cognee_langchain.retrievers import GraphRetriever
    from cognee_langchain.services.history import FactVersion
    from cognee_langchain.services.migration import DatasetMove, amigrate_graph, migrate_graph
    from cognee_langchain.services.recall import RecallResult
    from cognee_langchain.sessions.base import SessionStore
    from cognee_langchain.sessions.postgres import PostgresSessionStore
    from cognee_langchain.sessions.redis import RedisSessionStore
    from cognee_langchain.sessions.sqlite import SQLiteSessionStore
    from cognee_langchain.store import GraphMemoryStore
    from cognee_langchain.tools import create_manage_memory_tool, create_memory_tool
    from cognee_langchain.users import User, get_default_user, get_default_user_sync

try:
    __version__ = metadata.version("cognee-langchain")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "CogneeLangchainError": "cognee_langchain.errors",
    "ExtractionError": "cognee_langchain.errors",
    "InvalidInputError": "cognee_langchain.errors",
    "NoGraphDataError": "cognee_langchain.errors",
    "NoSessionsFoundError": "cognee_langchain.errors",
    "PermissionDeniedError": "cognee_langchain.errors",
    "SessionStoreRefusedError": "cognee_langchain.errors",
    "SessionStoreUnavailableError": "cognee_langchain.errors",
    "SessionWriteUnknownError": "cognee_langchain.errors",
    "StoreBusyError": "cognee_langchain.errors",
    "StoreCorruptedError": "cognee_langchain.errors",
    "StoreError": "cognee_langchain.errors",
    "StoreUnavailableError": "cognee_langchain.errors",
    "WriteConflictError": "cognee_langchain.errors",
    "GraphRetriever": "cognee_langchain.retrievers",
    "Limits": "cognee_langchain.core.defaults",
    "Settings": "cognee_langchain.core.settings",
    "GraphMemoryMiddleware": "cognee_langchain.middleware",
    "make_recall_node": "cognee_langchain.nodes",
    "make_persist_node": "cognee_langchain.nodes",
    "create_memory_tool": "cognee_langchain.tools",
    "create_manage_memory_tool": "cognee_langchain.tools",
    "GraphMemoryStore": "cognee_langchain.store",
    "RecallResult": "cognee_langchain.services.recall",
    "FactVersion": "cognee_langchain.services.history",
    "DatasetMove": "cognee_langchain.services.migration",
    "migrate_graph": "cognee_langchain.services.migration",
    "amigrate_graph": "cognee_langchain.services.migration",
    "User": "cognee_langchain.users",
    "get_default_user": "cognee_langchain.users",
    "get_default_user_sync": "cognee_langchain.users",
    "GraphMemory": "cognee_langchain.memory",
    "RememberResult": "cognee_langchain.memory",
    "ForgetResult": "cognee_langchain.memory",
    "SessionChatMessageHistory": "cognee_langchain.chat_message_histories",
    "SessionStore": "cognee_langchain.sessions.base",
    "RedisSessionStore": "cognee_langchain.sessions.redis",
    "SQLiteSessionStore": "cognee_langchain.sessions.sqlite",
    "PostgresSessionStore": "cognee_langchain.sessions.postgres",
    "GraphStore": "cognee_langchain.graph.base",
    "SQLiteGraphStore": "cognee_langchain.graph.sqlite",
    "PostgresGraphStore": "cognee_langchain.graph.postgres",
    "Permission": "cognee_langchain.permissions",
    "WordLlamaEmbeddings": "cognee_langchain.embeddings",
    "GraphExtractor": "cognee_langchain.extraction.base",
    "OfflineGraphExtractor": "cognee_langchain.extraction.offline",
    "LLMGraphExtractor": "cognee_langchain.extraction.llm",
    "RelationKinds": "cognee_langchain.extraction.kinds",
    "SESSIONS_NODE_SET": "cognee_langchain.pipelines.persist_sessions",
    "PersistSessionsContext": "cognee_langchain.pipelines.persist_sessions",
    "PersistSessionsResult": "cognee_langchain.pipelines.persist_sessions",
    "PipelineRun": "cognee_langchain.pipelines.persist_sessions",
    "build_persist_sessions_graph": "cognee_langchain.pipelines.persist_sessions",
    "extract_user_sessions": "cognee_langchain.pipelines.persist_sessions",
    "cognify_session": "cognee_langchain.pipelines.persist_sessions",
    "PersistSessionsState": "cognee_langchain.pipelines.persist_sessions",
    "RunStatus": "cognee_langchain.pipelines.persist_sessions",
    "get_pipeline_run": "cognee_langchain.pipelines.persist_sessions",
    "persist_sessions_in_knowledge_graph_pipeline": "cognee_langchain.pipelines.persist_sessions",
}

__all__ = [
    "SESSIONS_NODE_SET",
    "CogneeLangchainError",
    "DatasetMove",
    "ExtractionError",
    "FactVersion",
    "ForgetResult",
    "GraphExtractor",
    "GraphMemory",
    "GraphMemoryMiddleware",
    "GraphMemoryStore",
    "GraphRetriever",
    "GraphStore",
    "InvalidInputError",
    "LLMGraphExtractor",
    "Limits",
    "NoGraphDataError",
    "NoSessionsFoundError",
    "OfflineGraphExtractor",
    "Permission",
    "PermissionDeniedError",
    "PersistSessionsContext",
    "PersistSessionsResult",
    "PersistSessionsState",
    "PipelineRun",
    "PostgresGraphStore",
    "PostgresSessionStore",
    "RecallResult",
    "RedisSessionStore",
    "RelationKinds",
    "RememberResult",
    "RunStatus",
    "SQLiteGraphStore",
    "SQLiteSessionStore",
    "SessionChatMessageHistory",
    "SessionStore",
    "SessionStoreRefusedError",
    "SessionStoreUnavailableError",
    "SessionWriteUnknownError",
    "Settings",
    "StoreBusyError",
    "StoreCorruptedError",
    "StoreError",
    "StoreUnavailableError",
    "User",
    "WordLlamaEmbeddings",
    "WriteConflictError",
    "__version__",
    "amigrate_graph",
    "build_persist_sessions_graph",
    "cognify_session",
    "create_manage_memory_tool",
    "create_memory_tool",
    "extract_user_sessions",
    "get_default_user",
    "get_default_user_sync",
    "get_pipeline_run",
    "make_persist_node",
    "make_recall_node",
    "migrate_graph",
    "persist_sessions_in_knowledge_graph_pipeline",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals(), __all__)
