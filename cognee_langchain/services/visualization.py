"""A self-contained interactive HTML picture of the knowledge graph.

One file, no network: the graph is embedded as JSON and drawn on a ``<canvas>`` by a small
force-directed layout written inline. Nodes are coloured by entity type or by node set (switchable),
sized by degree; drag a node to move it, drag the background to pan, scroll to zoom, hover for
details, type in the search box to highlight names.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
from collections.abc import Sequence
from pathlib import Path

import orjson

from cognee_langchain.core.validation import check_path, check_positive
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph.base import GraphSnapshot
from cognee_langchain.services.access import areadable_datasets
from cognee_langchain.services.runtime import MemoryRuntime
from cognee_langchain.users import User

__all__ = ["MAX_NODES", "awrite_graph_html", "render_graph_html"]

NO_NODE_SET = "(no node set)"
#: The most entities a picture asks the store for: SQLite's largest integer (a larger
#: ``max_nodes`` would overflow its ``LIMIT``, and no graph holds that many anyway).
MAX_NODES = 2**63 - 1

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>
  html, body { margin: 0; height: 100%; font: 13px system-ui, sans-serif; background: #fafafa; }
  #bar { position: fixed; top: 0; left: 0; right: 0; padding: 8px 12px; background: #fff;
         border-bottom: 1px solid #ddd; display: flex; gap: 12px; align-items: center; z-index: 2; }
  #bar h1 { font-size: 14px; margin: 0; font-weight: 600; }
  #legend { position: fixed; bottom: 10px; left: 10px; background: #fff; border: 1px solid #ddd;
            padding: 6px 10px; max-height: 40%; overflow: auto; z-index: 2; }
  #legend div { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
  #legend span.swatch { width: 12px; height: 12px; border-radius: 6px; display: inline-block; }
  #tip { position: fixed; pointer-events: none; background: #222; color: #fff; padding: 6px 8px;
         border-radius: 4px; display: none; max-width: 320px; z-index: 3; white-space: pre-line; }
  canvas { display: block; }
</style>
</head>
<body>
<div id="bar">
  <h1>__TITLE__</h1>
  <label>Colour by <select id="colour-by">
    <option value="type">type</option><option value="node_set">node set</option>
  </select></label>
  <input id="search" type="search" placeholder="Find a name">
  <span id="counts">__COUNTS__</span>
</div>
<canvas id="graph"></canvas>
<div id="legend"></div>
<div id="tip"></div>
<script type="application/json" id="graph-data">__DATA__</script>
<script>
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var nodes = data.nodes, edges = data.edges, byId = {};
  var palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
                 "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#2ca02c", "#d62728", "#9467bd"];
  nodes.forEach(function (n, i) {
    var angle = i * 2.399963, radius = 12 * Math.sqrt(i + 1);
    n.x = radius * Math.cos(angle); n.y = radius * Math.sin(angle); n.vx = 0; n.vy = 0;
    n.r = 4 + Math.min(14, Math.sqrt(n.degree) * 2);
    byId[n.id] = n;
  });
  edges = edges.filter(function (e) { return byId[e.source] && byId[e.target]; });
  edges.forEach(function (e) { e.s = byId[e.source]; e.t = byId[e.target]; });

  var canvas = document.getElementById("graph"), ctx = canvas.getContext("2d");
  var view = { x: 0, y: 0, k: 1 }, colourBy = "type", query = "", hover = null, drag = null;
  var colours = {};
  function groupOf(n) { return colourBy === "type" ? n.type : n.node_set_label; }
  function recolour() {
    var groups = [];
    nodes.forEach(function (n) { if (groups.indexOf(groupOf(n)) < 0) groups.push(groupOf(n)); });
    groups.sort();
    colours = {};
    var legend = document.getElementById("legend");
    legend.textContent = "";
    groups.forEach(function (g, i) {
      colours[g] = palette[i % palette.length];
      var row = document.createElement("div"), swatch = document.createElement("span");
      swatch.className = "swatch"; swatch.style.background = colours[g];
      row.appendChild(swatch); row.appendChild(document.createTextNode(g));
      legend.appendChild(row);
    });
  }
  function resize() {
    canvas.width = window.innerWidth; canvas.height = window.innerHeight;
    if (!view.init) { view.x = canvas.width / 2; view.y = canvas.height / 2; view.init = 1; }
  }

  var alpha = 1;
  function tick() {
    var i, j, a, b, dx, dy, d2, f, n = nodes.length;
    for (i = 0; i < n; i++) {
      a = nodes[i];
      for (j = i + 1; j < n; j++) {
        b = nodes[j]; dx = a.x - b.x; dy = a.y - b.y; d2 = dx * dx + dy * dy + 0.01;
        if (d2 > 250000) continue;
        f = 900 * alpha / d2;
        a.vx += dx * f; a.vy += dy * f; b.vx -= dx * f; b.vy -= dy * f;
      }
      a.vx -= a.x * 0.002 * alpha; a.vy -= a.y * 0.002 * alpha;
    }
    edges.forEach(function (e) {
      dx = e.t.x - e.s.x; dy = e.t.y - e.s.y;
      var d = Math.sqrt(dx * dx + dy * dy) || 1, k = (d - 60) / d * 0.05 * alpha;
      e.s.vx += dx * k; e.s.vy += dy * k; e.t.vx -= dx * k; e.t.vy -= dy * k;
    });
    nodes.forEach(function (p) {
      if (p === drag) { p.vx = 0; p.vy = 0; return; }
      p.vx *= 0.6; p.vy *= 0.6; p.x += p.vx; p.y += p.vy;
    });
    alpha = Math.max(alpha * 0.985, 0.002);
  }

  function draw() {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(view.k, 0, 0, view.k, view.x, view.y);
    ctx.lineWidth = 1 / view.k;
    edges.forEach(function (e) {
      var lit = hover && (e.s === hover || e.t === hover);
      ctx.strokeStyle = lit ? "#333" : "rgba(120,120,120,0.35)";
      ctx.beginPath(); ctx.moveTo(e.s.x, e.s.y); ctx.lineTo(e.t.x, e.t.y); ctx.stroke();
      if (lit || view.k > 2.5) {
        ctx.fillStyle = "#555"; ctx.font = (10 / view.k) + "px sans-serif";
        ctx.fillText(e.predicate, (e.s.x + e.t.x) / 2, (e.s.y + e.t.y) / 2);
      }
    });
    nodes.forEach(function (p) {
      var match = query && p.name.toLowerCase().indexOf(query) >= 0;
      ctx.globalAlpha = query && !match ? 0.25 : 1;
      ctx.fillStyle = colours[groupOf(p)];
      ctx.beginPath(); ctx.arc(p.x, p.y, p.r, 0, 6.2832); ctx.fill();
      if (match || p === hover) {
        ctx.strokeStyle = "#000"; ctx.lineWidth = 2 / view.k; ctx.stroke();
        ctx.lineWidth = 1 / view.k;
      }
      if (match || p === hover || view.k * p.r > 9) {
        ctx.fillStyle = "#222"; ctx.font = (11 / view.k) + "px sans-serif";
        ctx.fillText(p.name, p.x + p.r + 2, p.y + 4);
      }
    });
    ctx.globalAlpha = 1;
  }

  function frame() { if (alpha > 0.002 || drag) tick(); draw(); requestAnimationFrame(frame); }
  function toGraph(ev) {
    return { x: (ev.clientX - view.x) / view.k, y: (ev.clientY - view.y) / view.k };
  }
  function nodeAt(pt) {
    for (var i = nodes.length - 1; i >= 0; i--) {
      var p = nodes[i], dx = p.x - pt.x, dy = p.y - pt.y;
      if (dx * dx + dy * dy <= (p.r + 2) * (p.r + 2)) return p;
    }
    return null;
  }
  var pan = null, tip = document.getElementById("tip");
  canvas.addEventListener("mousedown", function (ev) {
    var p = nodeAt(toGraph(ev));
    if (p) { drag = p; alpha = Math.max(alpha, 0.3); return; }
    pan = { x: ev.clientX - view.x, y: ev.clientY - view.y };
  });
  window.addEventListener("mouseup", function () { drag = null; pan = null; });
  canvas.addEventListener("mousemove", function (ev) {
    var pt = toGraph(ev);
    if (drag) { drag.x = pt.x; drag.y = pt.y; return; }
    if (pan) { view.x = ev.clientX - pan.x; view.y = ev.clientY - pan.y; return; }
    hover = nodeAt(pt);
    if (hover) {
      tip.style.display = "block";
      tip.style.left = (ev.clientX + 12) + "px"; tip.style.top = (ev.clientY + 12) + "px";
      tip.textContent = hover.name + "\\n" + hover.type + " \\u00b7 " + hover.dataset +
        "\\nnode sets: " + hover.node_set_label + "\\nrelations: " + hover.degree;
    } else { tip.style.display = "none"; }
  });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var k = Math.min(8, Math.max(0.1, view.k * (ev.deltaY < 0 ? 1.15 : 1 / 1.15)));
    view.x = ev.clientX - (ev.clientX - view.x) * k / view.k;
    view.y = ev.clientY - (ev.clientY - view.y) * k / view.k;
    view.k = k;
  }, { passive: false });
  document.getElementById("colour-by").addEventListener("change", function (ev) {
    colourBy = ev.target.value; recolour();
  });
  document.getElementById("search").addEventListener("input", function (ev) {
    query = ev.target.value.trim().toLowerCase();
  });
  window.addEventListener("resize", resize);
  resize(); recolour(); frame();
})();
</script>
</body>
</html>
"""


def render_graph_html(snapshot: GraphSnapshot, title: str = "Knowledge graph") -> str:
    """The snapshot as one self-contained HTML page (no external scripts, styles or fonts)."""
    data = {
        "nodes": [
            {
                "id": node.id,
                "name": node.name,
                "type": node.type,
                "dataset": node.dataset,
                "node_set_label": " + ".join(sorted(node.node_sets)) or NO_NODE_SET,
                "degree": node.degree,
            }
            for node in snapshot.nodes
        ],
        "edges": [
            {"source": e.source_id, "target": e.target_id, "predicate": e.predicate}
            for e in snapshot.edges
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
    shown = f"{len(snapshot.nodes)} of {snapshot.total_nodes} entities, "
    shown += f"{len(snapshot.edges)} of {snapshot.total_edges} relations"
    values = {"TITLE": html.escape(title), "COUNTS": html.escape(shown), "DATA": payload}
    # One pass, so a title containing a placeholder is not substituted again.
    return re.sub(r"__(TITLE|COUNTS|DATA)__", lambda m: values[m.group(1)], _PAGE)


async def awrite_graph_html(
    runtime: MemoryRuntime,
    path: str | os.PathLike[str],
    datasets: str | Sequence[str] | None,
    user: User | None,
    max_nodes: int,
) -> Path:
    """Write the picture of the readable (or named) datasets to ``path`` and return it.

    ``max_nodes`` beyond :data:`MAX_NODES` (SQLite's largest integer) means all of them.
    """
    target = check_path(path, "path", example="graph.html")
    max_nodes = min(check_positive(max_nodes, "max_nodes"), MAX_NODES)
    names = await areadable_datasets(runtime, datasets, user)
    snapshot = await runtime.graph_store.asnapshot(names, max_nodes)
    page = render_graph_html(snapshot, title=f"cognee-langchain graph: {', '.join(names)}")

    def write() -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")

    try:
        await asyncio.to_thread(write)
    except OSError as exc:
        raise InvalidInputError(f"Cannot write {str(target)!r}: {exc}.") from None
    return target
