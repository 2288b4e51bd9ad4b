"""The knowledge graph: records, the graph-store protocol, the embedded SQLite store, the
PostgreSQL store, and entity resolution.

Names are resolved lazily so that importing the models does not load ``numpy`` (nor ``psycopg``,
which only :class:`PostgresGraphStore` needs: the ``postgres`` extra).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cognee_langchain.core.lazy import lazy_exports

if TYPE_CHECKING:
    from cognee_langchain.graph.base import (
        ChangeSet,
        Edge,
        EntityMatches,
        GraphSnapshot,
        GraphStats,
        GraphStore,
        Link,
        RecordKind,
        RetractRelation,
        TextKind,
        TextRecord,
        WriteResult,
    )
    from cognee_langchain.graph.models import (
        Chunk,
        Entity,
        Relation,
        Retraction,
        SourceDocument,
        SourceItem,
    )
    from cognee_langchain.graph.postgres import PostgresGraphStore
    from cognee_langchain.graph.resolution import EntityResolver
    from cognee_langchain.graph.sqlite import SQLiteGraphStore

_EXPORTS: dict[str, str] = {
    "ChangeSet": "cognee_langchain.graph.base",
    "Chunk": "cognee_langchain.graph.models",
    "Edge": "cognee_langchain.graph.base",
    "Entity": "cognee_langchain.graph.models",
    "EntityMatches": "cognee_langchain.graph.base",
    "EntityResolver": "cognee_langchain.graph.resolution",
    "GraphSnapshot": "cognee_langchain.graph.base",
    "GraphStats": "cognee_langchain.graph.base",
    "GraphStore": "cognee_langchain.graph.base",
    "Link": "cognee_langchain.graph.base",
    "PostgresGraphStore": "cognee_langchain.graph.postgres",
    "RecordKind": "cognee_langchain.graph.base",
    "Relation": "cognee_langchain.graph.models",
    "RetractRelation": "cognee_langchain.graph.base",
    "Retraction": "cognee_langchain.graph.models",
    "SQLiteGraphStore": "cognee_langchain.graph.sqlite",
    "SourceDocument": "cognee_langchain.graph.models",
    "SourceItem": "cognee_langchain.graph.models",
    "TextKind": "cognee_langchain.graph.base",
    "TextRecord": "cognee_langchain.graph.base",
    "WriteResult": "cognee_langchain.graph.base",
}

__all__ = [
    "ChangeSet",
    "Chunk",
    "Edge",
    "Entity",
    "EntityMatches",
    "EntityResolver",
    "GraphSnapshot",
    "GraphStats",
    "GraphStore",
    "Link",
    "PostgresGraphStore",
    "RecordKind",
    "Relation",
    "RetractRelation",
    "Retraction",
    "SQLiteGraphStore",
    "SourceDocument",
    "SourceItem",
    "TextKind",
    "TextRecord",
    "WriteResult",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals(), __all__)
