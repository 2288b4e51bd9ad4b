"""A real 3-master Redis Cluster on loopback, started once per test session.

Each node is a ``redis-server --cluster-enabled yes`` with its data in a temporary directory (no
RDB, no AOF); ``redis-cli --cluster create`` assigns the 16,384 slots across the three, and the
cluster is used once every node reports ``cluster_state:ok``. When ``redis-server`` is missing or
the cluster cannot start, :func:`start_cluster` says why instead (the fixture skips with that
reason). The nodes are shut down (``shutdown nosave``) when the session ends.

Ports are picked free at start (each node also needs its cluster bus port, ``port + 10000``), so
two test runs on one machine never meet on one cluster.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MASTERS", "RedisClusterNodes", "start_cluster"]

MASTERS = 3
_BUS_OFFSET = 10_000  # Redis Cluster's bus port is the client port + 10000
_START_TIMEOUT = 30.0  # seconds for the cluster to form; an idle machine needs about 2


@dataclass(frozen=True)
class RedisClusterNodes:
    """A running cluster: its masters' ports on 127.0.0.1."""

    ports: tuple[int, ...]

    @property
    def url(self) -> str:
        """The store's cluster URL, seeded with the first node (the client finds the rest)."""
        return f"redis+cluster://127.0.0.1:{self.ports[0]}"

    @property
    def node_url(self) -> str:
        """A plain URL of one node: what a user who forgot the cluster scheme would pass."""
        return f"redis://127.0.0.1:{self.ports[0]}/0"

    def shutdown(self) -> None:
        """Stop every node without saving; a node already gone is fine."""
        for port in self.ports:
            _cli(port, "shutdown", "nosave", check=False)


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_ports(count: int) -> tuple[int, ...]:
    """``count`` ports whose bus ports are free too (a random range: parallel runs differ)."""
    candidates = list(range(20_000, 30_000))
    random.shuffle(candidates)
    chosen: list[int] = []
    for port in candidates:
        if _free(port) and _free(port + _BUS_OFFSET):
            chosen.append(port)
            if len(chosen) == count:
                return tuple(chosen)
    raise RuntimeError("no free loopback ports for a Redis Cluster")


def _cli(port: int, *args: str, check: bool = True) -> str:
    done = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", str(port), *args],
        capture_output=True,
        text=True,
        timeout=_START_TIMEOUT,
        check=False,
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"redis-cli {' '.join(args)}: {done.stderr or done.stdout}".strip())
    return done.stdout


def _wait(condition: str, check: Callable[[], bool], timeout: float = _START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(subprocess.SubprocessError, RuntimeError):
            if check():
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{condition}: not within {timeout} s")
        time.sleep(0.1)


def start_cluster(directory: Path) -> RedisClusterNodes | str:
    """Start a 3-master cluster with its data in ``directory``; or why it cannot start."""
    missing = [name for name in ("redis-server", "redis-cli") if shutil.which(name) is None]
    if missing:
        return f"{' and '.join(missing)} not found on PATH: install Redis to run the cluster tests"
    nodes = RedisClusterNodes(_free_ports(MASTERS))
    try:
        for port in nodes.ports:
            subprocess.run(
                [
                    "redis-server", "--port", str(port), "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes", "--cluster-config-file", f"nodes-{port}.conf",
                    "--cluster-node-timeout", "5000", "--appendonly", "no", "--save", "",
                    "--daemonize", "yes", "--dir", str(directory),
                    "--logfile", str(directory / f"redis-{port}.log"),
                ],
                check=True, capture_output=True, timeout=_START_TIMEOUT,
            )  # fmt: skip
        for port in nodes.ports:
            _wait(f"node {port} to answer", lambda port=port: _cli(port, "ping") == "PONG\n")
        addresses = [f"127.0.0.1:{port}" for port in nodes.ports]
        _cli(
            nodes.ports[0],
            "--cluster", "create", *addresses, "--cluster-replicas", "0", "--cluster-yes",
        )  # fmt: skip
        for port in nodes.ports:
            _wait(
                f"node {port} to report cluster_state:ok",
                lambda port=port: "cluster_state:ok" in _cli(port, "cluster", "info"),
            )
    except (OSError, subprocess.SubprocessError, RuntimeError) as exc:
        nodes.shutdown()
        return f"could not start a Redis Cluster on loopback ({type(exc).__name__}: {exc})"
    return nodes
