"""``python -m cognee_langchain``: the ``cognee-langchain`` command line."""

from cognee_langchain.cli import main

raise SystemExit(main())
