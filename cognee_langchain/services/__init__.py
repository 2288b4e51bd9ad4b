"""The services layer: what the memory does, each service a module of functions over a
:class:`~cognee_langchain.services.runtime.MemoryRuntime`.

``ingest`` (remember, forget), ``search``, ``recall``, ``persist`` (sessions into the graph),
``access`` (permissions), ``rendering`` (session transcripts, memories for a prompt),
``recording`` (conversation messages into the session cache), ``visualization`` (the graph
picture) and ``transfer`` (a dataset exported and imported as JSON Lines). Services import the
core and the engines, never the facade or an adapter.
"""

from __future__ import annotations

__all__ = [
    "access",
    "graph_writes",
    "ingest",
    "inputs",
    "persist",
    "recall",
    "recording",
    "rendering",
    "runtime",
    "search",
    "transfer",
    "transfer_lines",
    "transfer_records",
    "visualization",
]
