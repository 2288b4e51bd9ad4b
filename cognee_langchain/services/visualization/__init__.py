"""A self-contained interactive HTML picture of the knowledge graph.

One file, no network: the graph is embedded as JSON, laid out in Python (:mod:`.layout`, a
bounded force layout, so the page never simulates and cannot blow up) and drawn on a
``<canvas>`` by the script shipped next to this package (:mod:`.page`). The page opens fitted to
the window, names the most important entities without ever overlapping two labels, zooms, pans
and searches, and shows an entity's type, description, relations, sessions and source passages
(:mod:`.details`) on click. :mod:`.write` puts it in a file.
"""

from __future__ import annotations

from cognee_langchain.services.visualization.page import NO_NODE_SET, render_graph_html
from cognee_langchain.services.visualization.write import MAX_NODES, awrite_graph_html

__all__ = ["MAX_NODES", "NO_NODE_SET", "awrite_graph_html", "render_graph_html"]
