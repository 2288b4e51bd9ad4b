"""The core layer: validation, defaults and async helpers shared by every other layer.

Nothing here imports from the engines, services, facade or adapters above it (see
``docs/architecture.md``); ``errors``, ``ids``, ``users`` and ``permissions`` at the package root
belong to this layer too and keep their public import paths.
"""

from __future__ import annotations

__all__: list[str] = []
