"""A local SharpSpring-compatible server: ``ssui --sandbox``, the demos and every test use it.

Its behaviour follows shared/sharpspring-api.md; the tables and fields come from
``ssui.entities``. Start here: ``SandboxServer(SandboxConfig(...))`` for loopback HTTP,
``create_app(config)`` for an ASGI app to mount in-process.
"""

from .app import SandboxApp, create_app
from .config import SandboxConfig, default_db_path
from .faults import FaultSpec, FaultSpecError, parse_faults
from .server import SandboxServer, transport

__all__ = [
    "FaultSpec", "FaultSpecError", "SandboxApp", "SandboxConfig", "SandboxServer", "create_app",
    "default_db_path", "parse_faults", "transport",
]
