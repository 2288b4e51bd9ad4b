// The graph picture: draws a finished layout (computed in Python, see layout.py), never
// simulates. Labels are placed greedily, most important node first, and a label is only drawn
// where it overlaps no other label; zooming in makes room for more. Every text from the graph
// is user data and goes into the page through textContent or canvas fillText, never as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var nodes = data.nodes, edges = data.edges, sources = data.sources;
  var canvas = document.getElementById("graph"), ctx = canvas.getContext("2d");
  var bar = document.getElementById("bar"), panel = document.getElementById("panel");
  var searchBox = document.getElementById("search"), matchesOut = document.getElementById("matches");
  var PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#76b7b2", "#edc948",
                 "#ff9da7", "#9c755f", "#1f77b4", "#2ca02c", "#d62728", "#9467bd"];
  var OTHER = "#a0a0a0", FONT = "12px system-ui, -apple-system, 'Segoe UI', sans-serif";
  var LABEL_H = 15, MAX_LABELS = 400, MARGIN = 24, CELL = 64;

  var view = { x: 0, y: 0, k: 1 }, fitK = 1, touched = false, width = 0, height = 0, dpr = 1;
  var colourBy = "type", colours = {}, matches = [], matchSet = null, matchCursor = -1;
  var selected = null, hover = null, pending = false, firstFrame = true, placed = [];

  nodes.forEach(function (n, i) {
    n.i = i;
    n.links = [];
    // Radius in graph units (a node's nearest neighbour is typically 10 away), and a cap in
    // pixels, so zooming in spreads the nodes out instead of inflating them.
    n.r = 2.5 + 1.2 * Math.log2(1 + n.degree);
    n.maxR = 4 + 2.2 * Math.log2(1 + n.degree);
    n.lower = n.name.toLowerCase();
    n.aliasLower = n.aliases.join("\n").toLowerCase();
    n.tw = -1;  // label width in pixels, measured when first needed
  });
  edges.forEach(function (e) {
    e.s = nodes[e.source]; e.t = nodes[e.target];
    e.s.links.push(e);
    if (e.t !== e.s) e.t.links.push(e);
  });

  // -- the view ---------------------------------------------------------------------------------
  function area() {  // the part of the window the graph may use
    var top = bar.offsetHeight, right = panel.hidden ? width : width - panel.offsetWidth;
    return { left: 0, top: top, right: Math.max(right, 1), bottom: height };
  }
  function radius(n) { return Math.max(1.5, Math.min(n.r * view.k, n.maxR)); }
  function fit(list, maxK) {
    var a = area(), x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    list.forEach(function (n) {
      x0 = Math.min(x0, n.x - n.r); y0 = Math.min(y0, n.y - n.r);
      x1 = Math.max(x1, n.x + n.r); y1 = Math.max(y1, n.y + n.r);
    });
    if (!list.length) { x0 = y0 = -10; x1 = y1 = 10; }
    var w = Math.max(a.right - a.left - 2 * MARGIN, 10), h = Math.max(a.bottom - a.top - 2 * MARGIN, 10);
    var k = Math.min(w / Math.max(x1 - x0, 1e-9), h / Math.max(y1 - y0, 1e-9), maxK || 8);
    // A node's drawn radius has a floor in pixels: shrink once more so it stays inside too.
    k = Math.max(k * (1 - 2 * 1.5 / Math.min(w, h)), 1e-6);
    view.k = k;
    view.x = (a.left + a.right) / 2 - (x0 + x1) / 2 * k;
    view.y = (a.top + a.bottom) / 2 - (y0 + y1) / 2 * k;
  }
  function fitAll() { fit(nodes, 8); fitK = view.k; touched = false; request(); }
  function resize() {
    dpr = window.devicePixelRatio || 1;
    width = window.innerWidth; height = window.innerHeight;
    canvas.width = Math.round(width * dpr); canvas.height = Math.round(height * dpr);
    canvas.style.width = width + "px"; canvas.style.height = height + "px";
    if (!touched) fitAll(); else request();
  }
  function sx(n) { return n.x * view.k + view.x; }
  function sy(n) { return n.y * view.k + view.y; }

  // -- colours and legend -------------------------------------------------------------------------
  function groupOf(n) { return colourBy === "type" ? n.type : n.node_set_label; }
  function recolour() {
    var counts = {};
    nodes.forEach(function (n) { counts[groupOf(n)] = (counts[groupOf(n)] || 0) + 1; });
    var groups = Object.keys(counts).sort(function (a, b) {
      return counts[b] - counts[a] || (a < b ? -1 : a > b ? 1 : 0);
    });
    colours = {};
    var legend = document.getElementById("legend"), other = 0;
    legend.textContent = "";
    groups.forEach(function (g, i) {
      if (i >= PALETTE.length) { colours[g] = OTHER; other += counts[g]; return; }
      colours[g] = PALETTE[i];
      legend.appendChild(legendRow(colours[g], g, counts[g]));
    });
    if (other) legend.appendChild(legendRow(OTHER, "other", other));
    request();
  }
  function legendRow(colour, name, count) {
    var row = document.createElement("div"), swatch = document.createElement("span");
    var label = document.createElement("span"), number = document.createElement("span");
    swatch.className = "swatch"; swatch.style.background = colour;
    label.textContent = name; number.className = "count"; number.textContent = count;
    row.appendChild(swatch); row.appendChild(label); row.appendChild(number);
    return row;
  }

  // -- labels: greedy, most important first, never overlapping ------------------------------------
  function Grid() { this.cells = new Map(); }
  Grid.prototype.keys = function (b, visit) {
    for (var cx = Math.floor(b.x0 / CELL); cx <= Math.floor(b.x1 / CELL); cx++) {
      for (var cy = Math.floor(b.y0 / CELL); cy <= Math.floor(b.y1 / CELL); cy++) {
        if (visit(cx * 65536 + cy)) return true;
      }
    }
    return false;
  };
  Grid.prototype.hits = function (b, except) {
    var cells = this.cells;
    return this.keys(b, function (key) {
      var list = cells.get(key);
      if (!list) return false;
      for (var i = 0; i < list.length; i++) {
        var o = list[i];
        if (o.owner !== except && o.x0 < b.x1 && b.x0 < o.x1 && o.y0 < b.y1 && b.y0 < o.y1) return true;
      }
      return false;
    });
  };
  Grid.prototype.add = function (b) {
    var cells = this.cells;
    this.keys(b, function (key) {
      var list = cells.get(key);
      if (list) list.push(b); else cells.set(key, [b]);
      return false;
    });
  };
  function labelWidth(n) {
    if (n.tw < 0) n.tw = ctx.measureText(n.name).width;
    return n.tw;
  }
  function placeLabels(visible) {
    var a = area(), labels = new Grid(), allDots = new Grid(), before = new Grid(), out = [], i, n;
    visible.forEach(function (n) { allDots.add(dotBox(n)); });
    var wanted = [];
    if (selected) wanted.push(selected);
    if (hover && hover !== selected) wanted.push(hover);
    if (matchSet) matches.slice(0, 50).forEach(function (m) { if (wanted.indexOf(m) < 0) wanted.push(m); });
    var forced = wanted.length, focus = hover || selected;
    // At rest only the most important nodes are candidates; zooming in admits more.
    var zoom = view.k / fitK, budget = Math.max(60, Math.ceil(6 * Math.sqrt(visible.length) * zoom));
    wanted = wanted.concat(visible.slice(0, budget));
    for (i = 0; i < wanted.length && out.length < MAX_LABELS; i++) {
      n = wanted[i];
      if (i >= forced && (n === selected || n === hover || (matchSet && matchSet.has(n)))) continue;
      before.add(dotBox(n));
      // A name hides no dot if it can; else no more important node's dot; only the names
      // asked for and the few most important may cover dots when nothing else is free.
      var spots = labelSpots(n, a), box = firstFree(spots, labels, allDots, n) ||
        firstFree(spots, labels, before, n) || (i < forced + 8 ? firstFree(spots, labels, null, n) : null);
      if (box) { labels.add(box); out.push(box); }
      if (i === forced - 1 && focus) placeRelations(focus, a, labels, allDots, out);
    }
    return out;
  }
  function dotBox(n) {
    var r = radius(n) + 1, x = sx(n), y = sy(n);
    return { x0: x - r, y0: y - r, x1: x + r, y1: y + r, owner: n };
  }
  function labelSpots(n, a) {
    var w = labelWidth(n) + 4, r = radius(n), x = sx(n), y = sy(n), out = [];
    [[x + r + 2, y - LABEL_H / 2], [x - r - 2 - w, y - LABEL_H / 2],
     [x - w / 2, y - r - 1 - LABEL_H], [x - w / 2, y + r + 1],
     [x + r, y - r - LABEL_H], [x + r, y + r], [x - r - w, y - r - LABEL_H],
     [x - r - w, y + r]].forEach(function (p) {
      var b = { x0: p[0], y0: p[1], x1: p[0] + w, y1: p[1] + LABEL_H, owner: n, node: n, text: n.name };
      if (b.x0 >= a.left && b.x1 <= a.right && b.y0 >= a.top && b.y1 <= a.bottom) out.push(b);
    });
    return out;
  }
  function firstFree(spots, labels, dots, owner) {
    for (var j = 0; j < spots.length; j++) {
      if (!labels.hits(spots[j], null) && !(dots && dots.hits(spots[j], owner))) return spots[j];
    }
    return null;
  }
  // The predicates of the focused node's relations, at their midpoints where there is room.
  function placeRelations(focus, a, labels, dots, out) {
    focus.links.slice(0, 40).forEach(function (e) {
      var x = (sx(e.s) + sx(e.t)) / 2, y = (sy(e.s) + sy(e.t)) / 2;
      var w = ctx.measureText(e.predicate).width + 4;
      var b = { x0: x - w / 2, y0: y - LABEL_H / 2, x1: x + w / 2, y1: y + LABEL_H / 2,
                owner: e, node: null, text: e.predicate };
      if (b.x0 < a.left || b.x1 > a.right || b.y0 < a.top || b.y1 > a.bottom) return;
      if (labels.hits(b, null) || dots.hits(b, focus)) return;
      labels.add(b); out.push(b);
    });
  }

  // -- drawing --------------------------------------------------------------------------------
  function request() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; draw(); });
  }
  function isLit(e) {
    var focus = hover || selected;
    return focus && (e.s === focus || e.t === focus);
  }
  function draw() {
    var t0 = performance.now(), a = area(), i, n, e;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "#f7f7f5";
    ctx.fillRect(0, 0, width, height);
    var visible = [];
    for (i = 0; i < nodes.length; i++) {
      n = nodes[i];
      var x = sx(n), y = sy(n), r = radius(n);
      if (x + r >= a.left && x - r <= a.right && y + r >= a.top && y - r <= a.bottom) visible.push(n);
    }
    // Edges: one path, fainter the more there are, so a dense graph stays readable.
    var faint = Math.max(0.06, Math.min(0.45, 30 / Math.sqrt(edges.length + 1)));
    ctx.lineWidth = 1;
    ctx.strokeStyle = matchSet ? "rgba(110,110,110," + faint / 3 + ")" : "rgba(110,110,110," + faint + ")";
    ctx.beginPath();
    for (i = 0; i < edges.length; i++) {
      e = edges[i];
      ctx.moveTo(sx(e.s), sy(e.s)); ctx.lineTo(sx(e.t), sy(e.t));
    }
    ctx.stroke();
    var focus = hover || selected;
    if (focus) {
      ctx.strokeStyle = "rgba(40,40,40,0.8)"; ctx.lineWidth = 1.5;
      ctx.beginPath();
      focus.links.forEach(function (e) { ctx.moveTo(sx(e.s), sy(e.s)); ctx.lineTo(sx(e.t), sy(e.t)); });
      ctx.stroke();
    }
    // Nodes: least important first, so hubs are drawn on top.
    ctx.lineWidth = 1;
    for (i = visible.length - 1; i >= 0; i--) {
      n = visible[i];
      ctx.globalAlpha = matchSet && !matchSet.has(n) ? 0.2 : 1;
      ctx.fillStyle = colours[groupOf(n)];
      ctx.beginPath(); ctx.arc(sx(n), sy(n), radius(n), 0, 2 * Math.PI); ctx.fill();
      if (radius(n) > 4) { ctx.strokeStyle = "#fff"; ctx.stroke(); }
    }
    ctx.globalAlpha = 1;
    var rings = matchSet ? matches.slice(0, 500) : [];
    if (focus) rings = rings.concat([focus]);
    rings.forEach(function (m) {
      ctx.strokeStyle = m === focus ? "#111" : "#d62728"; ctx.lineWidth = 2.5;
      ctx.beginPath(); ctx.arc(sx(m), sy(m), radius(m) + 3, 0, 2 * Math.PI); ctx.stroke();
    });
    // Labels, with a halo so they read over edges.
    ctx.font = FONT; ctx.textBaseline = "middle"; ctx.lineJoin = "round";
    placed = placeLabels(visible);
    placed.forEach(function (b) {
      var dim = matchSet && b.node && !matchSet.has(b.node) && b.node !== focus;
      ctx.font = b.node ? FONT : "italic " + FONT;
      ctx.lineWidth = 3; ctx.strokeStyle = "rgba(247,247,245,0.9)";
      ctx.strokeText(b.text, b.x0 + 2, (b.y0 + b.y1) / 2);
      ctx.fillStyle = !b.node ? "#555" : dim ? "#999" : b.node === focus ? "#000" : "#222";
      ctx.fillText(b.text, b.x0 + 2, (b.y0 + b.y1) / 2);
    });
    report(visible, a, performance.now() - t0);
  }

  // What the page shows, for a headless browser to check (tests/integration/test_visualize_browser.py).
  function report(visible, a, drawMs) {
    var inside = 0, maxAbs = 0, finite = true, overlaps = 0, i, j;
    nodes.forEach(function (n) {
      var x = sx(n), y = sy(n), r = radius(n);
      if (!isFinite(n.x) || !isFinite(n.y) || !isFinite(x) || !isFinite(y)) finite = false;
      maxAbs = Math.max(maxAbs, Math.abs(n.x), Math.abs(n.y));
      if (x - r >= a.left && x + r <= a.right && y - r >= a.top && y + r <= a.bottom) inside++;
    });
    for (i = 0; i < placed.length; i++) {
      for (j = i + 1; j < placed.length; j++) {
        var p = placed[i], q = placed[j];
        if (p.x0 < q.x1 && q.x0 < p.x1 && p.y0 < q.y1 && q.y0 < p.y1) overlaps++;
      }
    }
    var state = {
      nodes: nodes.length, edges: edges.length, visible: visible.length, inside: inside,
      finite: finite, maxAbs: maxAbs, labels: placed.length, overlaps: overlaps,
      labelled: placed.slice(0, 50).map(function (b) { return b.text; }),
      labelBoxes: placed.slice(0, 50).map(function (b) { return [b.x0, b.y0, b.x1, b.y1]; }),
      matches: matches.length, selected: selected ? selected.name : null,
      drawMs: drawMs, ms: performance.now(), zoom: view.k / fitK,
      viewport: [a.left, a.top, a.right, a.bottom]
    };
    document.body.setAttribute("data-state", JSON.stringify(state));
    if (firstFrame) { firstFrame = false; document.body.setAttribute("data-first-state", JSON.stringify(state)); }
  }

  // -- details panel --------------------------------------------------------------------------
  function element(tag, text, className) {
    var el = document.createElement(tag);
    if (text !== undefined) el.textContent = text;
    if (className) el.className = className;
    return el;
  }
  function section(box, title, items) {
    if (!items.length) return;
    box.appendChild(element("h3", title));
    var list = element("ul");
    items.forEach(function (item) {
      var li = element("li");
      if (typeof item === "string") li.textContent = item; else li.appendChild(item);
      list.appendChild(li);
    });
    box.appendChild(list);
  }
  function select(n, centre) {
    selected = n;
    var box = document.getElementById("details");
    box.textContent = "";
    var wasHidden = panel.hidden;
    panel.hidden = !n;
    // The panel takes part of the window: refit, unless the user has placed the view.
    if (wasHidden !== panel.hidden && !touched) fitAll();
    if (!n) { request(); return; }
    box.appendChild(element("h2", n.name));
    box.appendChild(element("p", n.type + " \u00b7 " + n.dataset + " \u00b7 " + n.degree +
                            (n.degree === 1 ? " relation" : " relations"), "meta"));
    if (n.description) box.appendChild(element("p", n.description));
    section(box, "Also called", n.aliases);
    section(box, "Node sets", n.node_sets.length ? n.node_sets : ["(none)"]);
    section(box, "Sessions", n.sessions);
    var links = n.links.slice(0, 100).map(function (e) {
      var other = e.s === n ? e.t : e.s, out = e.s === n;
      var span = element("span", (out ? "\u2192 " : "\u2190 ") + e.predicate + " ");
      var go = element("button", other.name);
      go.type = "button";
      go.addEventListener("click", function () { select(other, true); });
      span.appendChild(go);
      return span;
    });
    if (n.links.length > links.length) links.push((n.links.length - links.length) + " more");
    section(box, "Relations shown (" + n.links.length + ")", links);
    if (n.sources.length) {
      box.appendChild(element("h3", "Sources"));
      n.sources.forEach(function (s) {
        var quote = element("blockquote", sources[s].text);
        if (sources[s].document) quote.appendChild(element("div", sources[s].document, "doc"));
        box.appendChild(quote);
      });
    }
    if (centre) centreOn(n);
    request();
  }
  function centreOn(n) {
    var a = area(), x = sx(n), y = sy(n);
    if (!touched && x > a.left + MARGIN && x < a.right - MARGIN && y > a.top + MARGIN &&
        y < a.bottom - MARGIN) return;  // already in sight in the fitted view: keep it fitted
    view.x = (a.left + a.right) / 2 - n.x * view.k;
    view.y = (a.top + a.bottom) / 2 - n.y * view.k;
    touched = true;
  }

  // -- search ---------------------------------------------------------------------------------
  function search(text) {
    var q = text.trim().toLowerCase();
    matchCursor = -1;
    if (!q) {
      matches = []; matchSet = null; matchesOut.textContent = "";
      fitAll(); return;
    }
    matches = nodes.filter(function (n) { return n.lower.indexOf(q) >= 0 || n.aliasLower.indexOf(q) >= 0; });
    matchSet = new Set(matches);
    matchesOut.textContent = matches.length + (matches.length === 1 ? " match" : " matches");
    if (matches.length) { fit(matches.slice(0, 200), Math.max(fitK * 3, 1.5)); touched = true; }
    request();
  }
  function nextMatch() {
    if (!matches.length) return;
    matchCursor = (matchCursor + 1) % matches.length;
    select(matches[matchCursor], true);
  }

  // -- interaction ----------------------------------------------------------------------------
  function nodeAt(px, py) {
    var best = null, bestD = Infinity;
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i], dx = sx(n) - px, dy = sy(n) - py, d = dx * dx + dy * dy, r = radius(n) + 3;
      if (d <= r * r && d < bestD) { best = n; bestD = d; }
    }
    return best;
  }
  function zoomAt(px, py, factor) {
    var k = Math.min(fitK * 200, Math.max(fitK / 4, view.k * factor));
    view.x = px - (px - view.x) * k / view.k;
    view.y = py - (py - view.y) * k / view.k;
    view.k = k; touched = true; request();
  }
  var press = null;
  canvas.addEventListener("mousedown", function (ev) {
    press = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false };
  });
  window.addEventListener("mousemove", function (ev) {
    if (press) {
      var dx = ev.clientX - press.x, dy = ev.clientY - press.y;
      if (press.moved || dx * dx + dy * dy > 9) {
        press.moved = true; canvas.className = "panning";
        view.x = press.vx + dx; view.y = press.vy + dy; touched = true; request();
      }
      return;
    }
    if (ev.target !== canvas) return;
    var h = nodeAt(ev.clientX, ev.clientY);
    canvas.style.cursor = h ? "pointer" : "";
    if (h !== hover) { hover = h; request(); }
  });
  window.addEventListener("mouseup", function (ev) {
    if (press && !press.moved && ev.target === canvas) select(nodeAt(ev.clientX, ev.clientY), false);
    press = null; canvas.className = "";
  });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    zoomAt(ev.clientX, ev.clientY, Math.exp(-ev.deltaY * (ev.deltaMode ? 0.05 : 0.002)));
  }, { passive: false });
  window.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { select(null); searchBox.value = ""; search(""); return; }
    if (ev.target === searchBox) return;
    var a = area(), cx = (a.left + a.right) / 2, cy = (a.top + a.bottom) / 2;
    if (ev.key === "+" || ev.key === "=") zoomAt(cx, cy, 1.4);
    else if (ev.key === "-") zoomAt(cx, cy, 1 / 1.4);
    else if (ev.key === "0") fitAll();
  });
  searchBox.addEventListener("input", function () { search(searchBox.value); });
  searchBox.addEventListener("keydown", function (ev) { if (ev.key === "Enter") nextMatch(); });
  document.getElementById("close").addEventListener("click", function () { select(null); });
  document.getElementById("fit").addEventListener("click", fitAll);
  document.getElementById("colour-by").addEventListener("change", function (ev) {
    colourBy = ev.target.value; recolour();
  });
  window.addEventListener("resize", resize);

  // A link may open the picture searching or showing a node: graph.html#search=Acme&select=Acme
  function fromHash() {
    var params = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var eq = part.indexOf("=");
      if (eq < 0) return;
      try { params[part.slice(0, eq)] = decodeURIComponent(part.slice(eq + 1).replace(/\+/g, " ")); }
      catch (err) { /* a malformed escape: ignore that parameter */ }
    });
    return params;
  }

  resize();
  recolour();
  var params = fromHash();
  if (params.search) { searchBox.value = params.search; search(params.search); }
  if (params.select) {
    var chosen = nodes.filter(function (n) { return n.name === params.select; })[0];
    if (chosen) select(chosen, true);
  }
  pending = false;
  draw();  // the first frame now, not on the next animation frame: the page is ready on load
})();
