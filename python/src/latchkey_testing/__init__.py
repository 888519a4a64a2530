"""Latchkey for Python tests: `LatchkeyServer` starts `latchkey serve` on a free port with known root keys and an
optional seed; the pytest plugin (`latchkey`, `latchkey_factory` fixtures) and the audit-trail secrets scan."""

from .secrets import AuditScan, Finding, collect, scan, watch
from .server import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
    BinaryNotFound,
    LatchkeyServer,
    RootCredentials,
    find_binary,
    seed_document,
    supports_option,
)

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_REGION",
    "AuditScan",
    "BinaryNotFound",
    "Finding",
    "LatchkeyServer",
    "RootCredentials",
    "collect",
    "find_binary",
    "scan",
    "seed_document",
    "supports_option",
    "watch",
]
