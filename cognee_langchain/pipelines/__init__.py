"""LangGraph pipelines over the memory: persisting cached sessions into the knowledge graph."""

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

__all__ = [
    "SESSIONS_NODE_SET",
    "PersistSessionsContext",
    "PersistSessionsResult",
    "PersistSessionsState",
    "PipelineRun",
    "RunStatus",
    "build_persist_sessions_graph",
    "cognify_session",
    "extract_user_sessions",
    "get_pipeline_run",
    "persist_sessions_in_knowledge_graph_pipeline",
]
