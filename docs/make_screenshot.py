"""Regenerate ``docs/graph.png``, the README's picture of a memory: a small realistic memory
(offline extractor, no API key), drawn by ``GraphMemory.visualize`` and photographed by headless
Chromium at 1280 x 800 with one entity's panel open.

    .venv/bin/python docs/make_screenshot.py [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from langchain_core.messages import AIMessage, HumanMessage

from cognee_langchain import GraphMemory, SessionChatMessageHistory

HERE = Path(__file__).parent
TEXTS = [
    """Acme Robotics is a company based in Berlin. Alice Keller leads Acme Robotics as its CEO.
Acme Robotics builds warehouse robots called Pickers. The Pickers run on the Orbit platform,
which Bob Tanaka designed in 2021. Acme Robotics acquired Lumen Vision in 2023.
Lumen Vision makes camera modules for the Pickers. Lumen Vision is based in Munich.""",
    """Northwind Logistics runs warehouses in Rotterdam and Hamburg. Northwind Logistics
bought forty Pickers from Acme Robotics. Dana Reyes manages the Rotterdam warehouse.
Evan Brooks leads Northwind Logistics. Northwind Logistics partners with Harbor Freight Lines.
Harbor Freight Lines operates container ships between Rotterdam and Singapore.""",
    """The Orbit platform uses the Helix database. Helix Labs develops the Helix database in
Zurich. Farah Nasser founded Helix Labs in 2019. Helix Labs works with Acme Robotics on
fleet telemetry. Gita Patel leads research at Helix Labs. Bob Tanaka studied at ETH Zurich.""",
]


def build(data_dir: Path) -> GraphMemory:
    memory = GraphMemory(data_dir)
    for text in TEXTS:
        memory.remember(text, dataset="main_dataset")
    history = SessionChatMessageHistory("demo_session", store=memory.session_store)
    history.add_messages(
        [
            HumanMessage("Note that Carol Diaz joined Acme Robotics as CTO in March 2025."),
            AIMessage("Noted: Carol Diaz is the CTO of Acme Robotics since March 2025."),
        ]
    )
    memory.improve(dataset="main_dataset", session_ids=["demo_session"])
    return memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--out", type=Path, default=HERE / "graph.png")
    parser.add_argument("--select", default="Acme Robotics", help="entity whose panel is open")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        memory = build(Path(tmp) / "memory")
        page = memory.visualize(Path(tmp) / "graph.html")
        memory.close()
        url = page.as_uri() + "#select=" + quote(args.select)
        subprocess.run(
            [
                args.chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--window-size=1280,800",
                f"--screenshot={args.out}",
                url,
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
    sys.stdout.write(f"wrote {args.out}\n")


if __name__ == "__main__":
    main()
