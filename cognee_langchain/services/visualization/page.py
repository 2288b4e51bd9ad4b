"""The picture as one self-contained HTML page: the template, stylesheet and script shipped next
to this module (``page.html``, ``page.css``, ``page.js``), with the graph embedded as JSON.

The embedded data (``<script type="application/json" id="graph-data">``) is::

    {"nodes": [{"id", "name", "type", "dataset", "node_sets", "node_set_label", "degree",
                "x", "y", "description", "aliases", "sessions", "sources"}, ...],
     "edges": [{"source": <node index>, "target": <node index>, "predicate"}, ...],
     "sources": [{"text", "document"}, ...]}

Nodes come most important first (most relations first): the page labels them in that order.
``x``/``y`` are the finished layout (:mod:`.layout`); a node's ``sources`` index ``sources``.
Every name is user data: the JSON escapes ``<``, ``>`` and ``&`` so nothing can close the
``<script>`` element, and the page only ever sets text through ``textContent``.
"""

from __future__ import annotations

import html
import re
from functools import cache
from importlib.resources import files
from typing import Any

import orjson

from cognee_langchain.graph.base import GraphSnapshot
from cognee_langchain.services.visualization.details import EntityDetails, GraphDetails
from cognee_langchain.services.visualization.layout import layout_positions

__all__ = ["NO_NODE_SET", "render_graph_html"]

#: The legend's name for entities outside every node set.
NO_NODE_SET = "(no node set)"

_NO_DETAILS = EntityDetails()


@cache
def _asset(name: str) -> str:
    return (files(__package__) / name).read_text(encoding="utf-8")


def render_graph_html(
    snapshot: GraphSnapshot, title: str = "Knowledge graph", details: GraphDetails | None = None
) -> str:
    """The snapshot as one self-contained HTML page (no external scripts, styles or fonts),
    laid out and ready to draw; ``details`` fill the panel a click on an entity opens."""
    nodes = sorted(snapshot.nodes, key=lambda n: -n.degree)  # stable: the store's tie order
    index = {node.id: i for i, node in enumerate(nodes)}
    edges = [e for e in snapshot.edges if e.source_id in index and e.target_id in index]
    positions = layout_positions(
        len(nodes), [(index[e.source_id], index[e.target_id]) for e in edges]
    )
    panels = details.entities if details else {}
    data: dict[str, Any] = {
        "nodes": [
            {
                "id": node.id,
                "name": node.name,
                "type": node.type,
                "dataset": node.dataset,
                "node_sets": sorted(node.node_sets),
                "node_set_label": " + ".join(sorted(node.node_sets)) or NO_NODE_SET,
                "degree": node.degree,
                "x": round(float(x), 2),
                "y": round(float(y), 2),
                "description": (panel := panels.get(node.id, _NO_DETAILS)).description,
                "aliases": list(panel.aliases),
                "sessions": list(panel.sessions),
                "sources": list(panel.sources),
            }
            for node, (x, y) in zip(nodes, positions.tolist(), strict=True)
        ],
        "edges": [
            {
                "source": index[e.source_id],
                "target": index[e.target_id],
                "predicate": e.predicate,
            }
            for e in edges
        ],
        "sources": [
            {"text": s.text, "document": s.document} for s in (details.sources if details else [])
        ],
    }
    # Escaping <, > and & keeps any name from closing the <script> element it is embedded in.
    payload = (
        orjson.dumps(data)
        .decode()
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    shown = f"{len(nodes)} of {snapshot.total_nodes} entities, "
    shown += f"{len(edges)} of {snapshot.total_edges} relations"
    values = {
        "TITLE": html.escape(title),
        "COUNTS": html.escape(shown),
        "DATA": payload,
        "STYLE": _asset("page.css"),
        "SCRIPT": _asset("page.js"),
    }
    # One pass, so a title containing a placeholder is not substituted again.
    return re.sub(
        r"__(TITLE|COUNTS|DATA|STYLE|SCRIPT)__", lambda m: values[m.group(1)], _asset("page.html")
    )
