"""The graph picture, opened in a real headless browser: what a person sees, measured.

The page writes what it drew into ``<body data-state=...>`` (nodes laid out, how many inside the
window, the largest coordinate, labels placed and how many overlap, render time); Chromium's
``--dump-dom`` hands it back, and ``--screenshot`` gives the pixels. Graphs of 12, 277 (6,900
relations: the 1 MB corpus that used to render a blank canvas) and 10,000 entities are built
straight as the renderer's input, so the file stays well under a minute.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pytest
from langchain_core.messages import AIMessage, HumanMessage

from cognee_langchain import GraphMemory, SessionChatMessageHistory
from cognee_langchain.graph.ops import Edge, GraphSnapshot, SnapshotNode
from cognee_langchain.services.visualization import render_graph_html
from cognee_langchain.services.visualization.details import (
    EntityDetails,
    GraphDetails,
    SourceSnippet,
)
from tests.support.png_pixels import read_png

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no headless browser to open the graph picture in: install Chromium "
    "(apt-get install chromium) to run these checks",
)
WIDTH, HEIGHT = 1280, 800
BACKGROUND = np.array([247, 247, 245])
TYPES = ("Person", "Organization", "Place", "Product", "Event", "Concept")
NAMES_12 = [
    "Alice Johnson",
    "Acme Corp",
    "Bob Smith",
    "Berlin",
    "Rockets",
    "Carol Diaz",
    "Zeta Labs",
    "Dan Brown",
    "Initech",
    "Staplers",
    "Eve Adams",
    "Paris",
]
PAIRS_12 = [(0, 1), (2, 1), (1, 3), (1, 4), (5, 6), (6, 3), (7, 8), (8, 9), (10, 8), (10, 11)]


def snapshot(names: list[str], pairs: list[tuple[int, int]]) -> GraphSnapshot:
    """What the graph store would hand the renderer for these entities and relations."""
    degree = np.bincount(np.asarray(pairs, dtype=np.int64).ravel(), minlength=len(names))
    nodes = [
        SnapshotNode(f"e{i:05d}", name, TYPES[i % len(TYPES)], "main", frozenset(), int(degree[i]))
        for i, name in enumerate(names)
    ]
    nodes.sort(key=lambda n: (-n.degree, n.id))
    edges = [
        Edge(f"r{k}", f"e{a:05d}", f"e{b:05d}", "relates to") for k, (a, b) in enumerate(pairs)
    ]
    return GraphSnapshot(nodes, edges, len(names), len(edges))


def dense_graph() -> GraphSnapshot:
    """277 entities, ~6,900 relations, a few hubs holding most of them (the 1 MB corpus)."""
    rng = np.random.default_rng(1)
    weight = 1.0 / np.arange(1, 278) ** 0.8
    ends = rng.choice(277, size=(6902, 2), p=weight / weight.sum())
    pairs = [(int(a), int(b)) for a, b in ends if a != b]
    return snapshot([f"Entity {i} of the corpus" for i in range(277)], pairs)


def big_graph() -> GraphSnapshot:
    """10,000 entities: a preferential-attachment tree plus 5,000 random relations."""
    rng = np.random.default_rng(2)
    pairs = [(i, int(min(rng.pareto(1.1) * 3, i - 1))) for i in range(1, 10_000)]
    pairs += [(int(a), int(b)) for a, b in rng.integers(0, 10_000, size=(5000, 2)) if a != b]
    return snapshot([f"Entity {i}" for i in range(10_000)], pairs)


class _Body(HTMLParser):
    """The body's data-state attributes, the title, every tag, and the side panel's text."""

    def __init__(self) -> None:
        super().__init__()
        self.attrs: dict[str, str | None] = {}
        self.tags: list[str] = []
        self.title = self.panel = ""
        self._in: list[str] = []
        self._panel_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "body":
            self.attrs = dict(attrs)
        if self._panel_depth or ("id", "details") in attrs:
            self._panel_depth += 1
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._panel_depth:
            self._panel_depth -= 1
        if self._in:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "title":
            self.title += data
        if self._panel_depth:
            self.panel += data + "\n"


def open_page(page: Path, fragment: str = "") -> tuple[dict[str, Any], dict[str, Any], _Body]:
    """Open ``page`` headless at 1280x800; the first frame's state, the last one's, the DOM."""
    assert CHROMIUM is not None
    proc = subprocess.run(
        [CHROMIUM, *_FLAGS, "--dump-dom", page.as_uri() + fragment],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    body = _Body()
    body.feed(proc.stdout)
    assert body.attrs.get("data-state"), f"the page drew nothing: {proc.stderr[-2000:]}"
    return (
        json.loads(body.attrs["data-first-state"] or ""),
        json.loads(body.attrs["data-state"] or ""),
        body,
    )


def screenshot(page: Path, out: Path, fragment: str = "") -> np.ndarray:
    assert CHROMIUM is not None
    subprocess.run(
        [CHROMIUM, *_FLAGS, f"--screenshot={out}", page.as_uri() + fragment],
        capture_output=True,
        timeout=60,
        check=True,
    )
    return read_png(out)[:, :, :3].astype(np.int64)


_FLAGS = [
    "--headless",
    "--no-sandbox",  # the tests may run as root in a container
    "--disable-gpu",
    "--hide-scrollbars",
    f"--window-size={WIDTH},{HEIGHT}",
]


def drawn(pixels: np.ndarray) -> np.ndarray:
    """Where the graph area (below the 40-pixel bar) differs from the background."""
    return np.abs(pixels[40:] - BACKGROUND).sum(axis=2) > 30


def assert_a_readable_picture(first: dict[str, Any], state: dict[str, Any], count: int) -> None:
    assert state["nodes"] == count
    assert state["finite"] and state["maxAbs"] < 1e6  # was ±1.3e54 on the dense corpus
    assert state["inside"] == count, "every node is inside the window, none cut off"
    assert state["overlaps"] == 0, "no two labels overlap"
    left, top, right, bottom = state["viewport"]
    for x0, y0, x1, y1 in state["labelBoxes"]:
        assert left <= x0 < x1 <= right and top <= y0 < y1 <= bottom
    assert first["ms"] <= 3000, f"first frame after {first['ms']:.0f} ms"


# -- the three sizes ------------------------------------------------------------------------------
def test_twelve_entities_all_named_and_fitted_to_the_window(tmp_path: Path) -> None:
    page = tmp_path / "g.html"
    page.write_text(render_graph_html(snapshot(NAMES_12, PAIRS_12)), encoding="utf-8")

    first, state, _ = open_page(page)

    assert_a_readable_picture(first, state, 12)
    assert sorted(state["labelled"]) == sorted(NAMES_12), "every name shows at rest"
    pixels = screenshot(page, tmp_path / "g.png")
    assert pixels.shape == (HEIGHT, WIDTH, 3)
    ys, xs = np.nonzero(drawn(pixels))
    # Fitted: the drawing spans most of the window, not a corner of it.
    assert xs.max() - xs.min() > WIDTH * 0.4 or ys.max() - ys.min() > (HEIGHT - 40) * 0.6


def test_the_dense_corpus_that_rendered_blank_is_a_picture(tmp_path: Path) -> None:
    page = tmp_path / "dense.html"
    graph = dense_graph()
    page.write_text(render_graph_html(graph), encoding="utf-8")

    first, state, _ = open_page(page)

    assert_a_readable_picture(first, state, 277)
    assert state["edges"] == len(graph.edges) > 6000
    assert state["labels"] >= 20, "the hubs are named at rest"
    assert "Entity 0 of the corpus" in state["labelled"]  # the biggest hub
    covered = drawn(screenshot(page, tmp_path / "dense.png")).mean()
    assert covered > 0.05, f"only {covered:.1%} of the window is drawn: a blank canvas"


def test_ten_thousand_entities_render_in_three_seconds(tmp_path: Path) -> None:
    page = tmp_path / "big.html"
    page.write_text(render_graph_html(big_graph()), encoding="utf-8")

    first, state, _ = open_page(page)

    assert_a_readable_picture(first, state, 10_000)
    assert state["labels"] >= 20
    covered = drawn(screenshot(page, tmp_path / "big.png")).mean()
    assert covered > 0.05


# -- search, details, escaping --------------------------------------------------------------------
def test_search_highlights_and_centres_the_matches(tmp_path: Path) -> None:
    page = tmp_path / "big.html"
    names = [f"Entity {i}" for i in range(300)] + ["Needle in the haystack"]
    pairs = [(i, (i * 7 + 1) % 300) for i in range(300)] + [(300, 5)]
    page.write_text(render_graph_html(snapshot(names, pairs)), encoding="utf-8")

    _, state, _ = open_page(page, "#search=" + quote("needle"))

    assert state["matches"] == 1
    assert state["labelled"][0] == "Needle in the haystack"  # named first, whatever its rank
    assert state["zoom"] > 1, "the view moved in on the match"
    x0, y0, x1, y1 = state["labelBoxes"][0]
    left, top, right, bottom = state["viewport"]
    middle = ((left + right) / 2, (top + bottom) / 2)
    assert abs((x0 + x1) / 2 - middle[0]) < 120 and abs((y0 + y1) / 2 - middle[1]) < 40, (
        "the match sits mid-window"
    )
    assert state["overlaps"] == 0


def test_a_click_shows_type_description_sources_and_sessions(tmp_path: Path) -> None:
    memory = GraphMemory(tmp_path / "memory")
    memory.remember(
        "Acme Robotics is a company based in Berlin. Alice Keller leads Acme Robotics. "
        "Acme Robotics builds warehouse robots called Pickers.",
        dataset="main_dataset",
    )
    SessionChatMessageHistory("demo_session", store=memory.session_store).add_messages(
        [
            HumanMessage("Note that Carol Diaz joined Acme Robotics as CTO in March 2025."),
            AIMessage("Noted: Carol Diaz is the CTO of Acme Robotics since March 2025."),
        ]
    )
    memory.improve(dataset="main_dataset", session_ids=["demo_session"])
    page = memory.visualize(tmp_path / "graph.html")
    memory.close()

    _, state, body = open_page(page, "#select=" + quote("Acme Robotics"))

    assert state["selected"] == "Acme Robotics"
    assert state["labelled"][0] == "Acme Robotics"
    panel = body.panel
    assert "Acme Robotics is a company based in Berlin" in panel  # description and source
    assert "demo_session" in panel and "user_sessions_from_cache" in panel
    assert "main_dataset" in panel and "Alice Keller" in panel  # a relation to follow
    assert state["overlaps"] == 0 and state["inside"] == state["nodes"]


def test_hostile_names_are_text_in_the_browser(tmp_path: Path) -> None:
    evil = "<img src=x onerror=\"document.title='pwned'\">"
    closing = "</script><script>document.title='pwned'</script>"
    graph = snapshot([evil, closing, "Acme"], [(0, 2), (1, 2)])
    details = GraphDetails(
        entities={"e00000": EntityDetails(description=evil, sources=(0,))},
        sources=[SourceSnippet(text=closing, document=evil)],
    )
    page = tmp_path / "evil.html"
    page.write_text(render_graph_html(graph, title=evil, details=details), encoding="utf-8")

    _, state, body = open_page(page, "#select=" + quote(evil))

    assert "img" not in body.tags and body.title != "pwned"
    assert body.tags.count("script") == 2
    assert state["selected"] == evil and evil in state["labelled"] and closing in state["labelled"]
    assert evil in body.panel and closing in body.panel  # shown as text, not run
