"""Joining a Ray cluster, or starting one on this machine: the only place `ray` is imported from (lazily).

The qa package goes with the connection (Ray's `py_modules`), so that every node runs the
driver's own code whatever it has installed; its other dependencies must be on each node.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
import sys
from pathlib import Path

from qa.errors import QAError

LOCAL = "local"
REACHABLE_WITHIN = 5.0  # seconds: Ray itself retries an address that does not answer for minutes


def connect(address: str):
    """Join the Ray cluster at address (HOST:PORT), or start one on loopback for "local"; return the ray module.

    Ray's own logs stay in its session folder: nothing of them reaches the terminal.
    """
    if address == LOCAL or _is_loopback(_host_and_port(address)[0]):
        # read when ray is imported: a local instance then listens on 127.0.0.1 only, and a loopback address is
        # not swapped for the machine's network one
        os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    try:
        import ray
    except ImportError:
        raise QAError("--ray needs Ray: pip install 'qa[ray]'") from None
    if ray.is_initialized():
        return ray
    if address != LOCAL:
        _check_reachable(address)
    import qa

    options = {"include_dashboard": False} if address == LOCAL else {}
    try:
        ray.init(
            address=address,
            log_to_driver=False,
            logging_level=logging.ERROR,
            runtime_env={"py_modules": [str(Path(qa.__file__).parent)]},
            **options,
        )
    except ConnectionError as error:  # something answers there, but not Ray
        raise QAError(f"cannot join the Ray cluster at {address}: {error}") from None
    # Ray prints the cluster's error messages (a node lost, a task retried) on the driver's stdout even so, where
    # they would break --json: the flag its own debugger uses to keep them out (they stay in the session's logs)
    ray._private.worker._worker_logs_enabled = False
    return ray


def _host_and_port(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise QAError(f"--ray takes HOST:PORT (a Ray cluster's address) or {LOCAL}, not {address!r}")
    return host.strip("[]"), int(port)


def _is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_reachable(address: str) -> None:
    try:
        socket.create_connection(_host_and_port(address), timeout=REACHABLE_WITHIN).close()
    except OSError as error:
        raise QAError(
            f"no Ray cluster answers at {address} ({error.strerror or error}); the index is unchanged"
        ) from None


def disconnect() -> None:
    """Leave the cluster, if joined, stopping the Ray that "local" started on this machine."""
    ray = sys.modules.get("ray")
    if ray is not None and ray.is_initialized():
        ray.shutdown()
