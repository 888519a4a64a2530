"""The package's own tests: pytester for runs of the plugin, and the checkout's debug build unless LATCHKEY_BIN is
set."""

import os
from pathlib import Path

pytest_plugins = ["pytester"]

_BUILT = Path(__file__).resolve().parents[2] / ".build" / "debug" / "latchkey"
if "LATCHKEY_BIN" not in os.environ and _BUILT.exists():
    os.environ["LATCHKEY_BIN"] = str(_BUILT)
