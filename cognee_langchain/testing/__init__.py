"""Conformance suites for backends, run the way ``langchain-tests`` runs its standard tests.

A backend subclasses one test class and overrides its fixture(s); pytest then runs every test of
the suite against it. The suites need the ``test`` extras (pytest, pytest-asyncio, hypothesis)::

    from cognee_langchain.testing import SessionStoreConformanceTests

    class TestMyStore(SessionStoreConformanceTests):
        @pytest.fixture
        def store(self, store_options): ...
"""

from __future__ import annotations

import pytest

# Failed asserts of a suite should show their values, as in a test module: pytest rewrites the
# asserts of modules registered before they are first imported.
pytest.register_assert_rewrite(
    "cognee_langchain.testing.messages", "cognee_langchain.testing.session_store"
)

pytest.register_assert_rewrite(
    "cognee_langchain.testing.graph_store", "cognee_langchain.testing.graph_time"
)

from cognee_langchain.testing.graph_store import GraphStoreConformanceTests  # noqa: E402
from cognee_langchain.testing.session_store import SessionStoreConformanceTests  # noqa: E402

__all__ = [
    "GraphStoreConformanceTests",
    "SessionStoreConformanceTests",
]
