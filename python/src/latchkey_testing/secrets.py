"""The secrets scan: every secret a test run handles is collected (botocore hooks on every session the harness
makes, the root keys it configures, raw requests), every server writes its audit trail to a file of the run's
folder, and at the end every audit file is searched for every secret, in the forms it could take there.

A finding names the file, the line and the kind of secret, never the secret itself.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import tempfile
import threading
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Request and response members whose values are secrets (IAM and STS models; CloudTrail never shows them).
SECRET_MEMBERS = {
    "SecretAccessKey",
    "SessionToken",
    "Password",
    "OldPassword",
    "NewPassword",
    "SAMLAssertion",
    "WebIdentityToken",
    "TokenCode",
    "AuthenticationCode1",
    "AuthenticationCode2",
    "Base32StringSeed",
    "QRCodePNG",
    "PrivateKey",
    "ServicePassword",
}
# Shorter than this, a secret is only looked for as a whole value or a whole number (TOTP codes are 6 digits).
SHORT = 12
_DIGITS = re.compile(r"(?<![0-9])[0-9]{4,10}(?![0-9])")


@dataclass(frozen=True)
class Finding:
    """A secret found in an audit file: where, and which kind (never the value)."""

    path: Path
    line: int
    kind: str
    form: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: a {self.kind} ({self.form}) is in the audit trail"


class SecretRegistry:
    """Every secret seen, by value, with its kind (the first kind it was seen as)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kinds: dict[str, str] = {}

    def add(self, kind: str, value: Any) -> None:
        if isinstance(value, (bytes, bytearray)):
            raw = bytes(value)
            try:
                text = raw.decode("ascii")
            except UnicodeDecodeError:
                text = None
            # What the wire carried (base64 of the bytes) and, for ASCII content (a Base32 seed), the text itself.
            self.add(kind, base64.b64encode(raw).decode("ascii"))
            if text is not None and text.isprintable():
                self.add(kind, text)
            return
        if not isinstance(value, str):
            return
        value = value.strip()
        if len(value) < 4:
            return
        with self._lock:
            self._kinds.setdefault(value, kind)

    def __len__(self) -> int:
        with self._lock:
            return len(self._kinds)

    def items(self) -> list[tuple[str, str]]:
        with self._lock:
            return list(self._kinds.items())

    def kinds(self) -> set[str]:
        with self._lock:
            return set(self._kinds.values())

    def __contains__(self, value: str) -> bool:
        with self._lock:
            return value in self._kinds


REGISTRY = SecretRegistry()


def collect(kind: str, value: Any) -> None:
    """Records one secret (a string or bytes) of `kind`."""
    REGISTRY.add(kind, value)


def collect_members(document: Any, *, context: str = "") -> None:
    """Records the values of every secret member (SECRET_MEMBERS) anywhere in a request or response document."""
    if isinstance(document, Mapping):
        for key, value in document.items():
            if key in SECRET_MEMBERS:
                if isinstance(value, (list, tuple)):
                    for item in value:
                        collect(f"{key}{context}", item)
                else:
                    collect(f"{key}{context}", value)
            elif isinstance(value, (Mapping, list, tuple)):
                collect_members(value, context=context)
    elif isinstance(document, (list, tuple)):
        for item in document:
            collect_members(item, context=context)


def collect_form(body: bytes | str | None) -> None:
    """Records the secret members of a form-encoded (awsQuery) request body."""
    if not body:
        return
    text = body.decode("utf-8", errors="replace") if isinstance(body, (bytes, bytearray)) else body
    try:
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=False)
    except ValueError:
        return
    for name, value in pairs:
        if name.rsplit(".", 1)[-1] in SECRET_MEMBERS:
            collect(name.rsplit(".", 1)[-1], value)


def _before(params: Mapping[str, Any] | None = None, **_: Any) -> None:
    if params:
        collect_members(params, context=" (request)")


def _after(parsed: Any = None, **_: Any) -> None:
    if parsed:
        collect_members(parsed, context=" (response)")


def _after_error(parsed: Any = None, **_: Any) -> None:
    # Error responses carry no secrets, but an unexpected success-shaped body under an error status would.
    if isinstance(parsed, Mapping):
        collect_members(parsed, context=" (response)")


def watch(session: Any) -> Any:
    """Adds the collecting hooks to a boto3 (or botocore) session; its clients made from now on carry them. Returns
    the session."""
    events = getattr(session, "events", None) or session.get_component("event_emitter")
    if getattr(session, "_latchkey_watched", False):
        return session
    events.register("provide-client-params.*.*", _before, unique_id="latchkey-secrets-request")
    events.register("after-call.*.*", _after, unique_id="latchkey-secrets-response")
    events.register("after-call-error.*.*", _after_error, unique_id="latchkey-secrets-error")
    try:
        session._latchkey_watched = True
    except AttributeError:
        pass
    return session


# Forms a secret could take in an audit file


def forms(secret: str) -> list[tuple[str, str]]:
    """The secret as it could be written: itself, percent-encoded (both ways), JSON-escaped (with and without
    escaped slashes) and base64-encoded."""
    found = [(secret, "as is")]
    for name, form in (
        ("percent-encoded", urllib.parse.quote(secret, safe="")),
        ("form-encoded", urllib.parse.quote_plus(secret, safe="")),
        ("JSON-escaped", json.dumps(secret)[1:-1]),
        ("JSON-escaped", json.dumps(secret)[1:-1].replace("/", "\\/")),
        ("base64", base64.b64encode(secret.encode()).decode("ascii").rstrip("=")),
    ):
        if form not in (existing for existing, _ in found):
            found.append((form, name))
    return found


class Scanner:
    """Searches text for every form of every secret of a registry: long forms through a set of their first
    `SHORT` characters (one pass over each line), short ones as whole numbers or whole JSON string values."""

    def __init__(self, secrets: Iterable[tuple[str, str]]) -> None:
        self.long: dict[str, list[tuple[str, str, str]]] = {}
        self.short_numbers: dict[str, str] = {}
        self.short_values: dict[str, str] = {}
        for secret, kind in secrets:
            if len(secret) < SHORT:
                if secret.isdigit():
                    self.short_numbers[secret] = kind
                else:
                    self.short_values[secret] = kind
                continue
            for form, how in forms(secret):
                if len(form) >= SHORT:
                    self.long.setdefault(form[:SHORT], []).append((form, kind, how))

    def search(self, line: str) -> list[tuple[str, str]]:
        """(kind, form) for every secret in `line`."""
        hits: list[tuple[str, str]] = []
        texts = [line]
        try:
            texts += list(_strings(json.loads(line)))
        except ValueError:
            pass
        for text in texts:
            if self.long and len(text) >= SHORT:
                windows = {text[i : i + SHORT] for i in range(len(text) - SHORT + 1)}
                for prefix in windows & self.long.keys():
                    hits += [(kind, how) for form, kind, how in self.long[prefix] if form in text]
            if self.short_numbers:
                hits += [
                    (self.short_numbers[number], "as a number")
                    for number in _DIGITS.findall(text)
                    if number in self.short_numbers
                ]
        if self.short_values and len(texts) > 1:
            hits += [(self.short_values[text], "as a value") for text in texts[1:] if text in self.short_values]
        return list(dict.fromkeys(hits))

    def scan_file(self, path: Path) -> list[Finding]:
        findings: list[Finding] = []
        with path.open(encoding="utf-8", errors="replace") as lines:
            for number, line in enumerate(lines, start=1):
                findings += [Finding(path, number, kind, how) for kind, how in self.search(line.rstrip("\n"))]
        return findings


def _strings(value: Any) -> Iterable[str]:
    """Every string (keys too) in a decoded JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def scan(paths: Sequence[Path], registry: SecretRegistry = REGISTRY) -> list[Finding]:
    """Every finding of every secret of `registry` in the files `paths` (rotated siblings `FILE.1`... included)."""
    scanner = Scanner(registry.items())
    findings: list[Finding] = []
    for path in paths:
        for candidate in sorted({path, *path.parent.glob(path.name + ".*")}) if path.parent.exists() else [path]:
            if candidate.is_file():
                findings += scanner.scan_file(candidate)
    return findings


# The run's scan


class AuditScan:
    """The audit files of one test run, in one folder, scanned at its end."""

    def __init__(self, directory: Path | None = None) -> None:
        # A folder of its own is removed after a clean scan (remove_if_owned); one the caller chose is kept.
        self.owned = not directory
        self.directory = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="latchkey-audit-"))
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._count = 0
        self.files: list[Path] = []

    def new_audit_file(self) -> Path:
        with self._lock:
            self._count += 1
            path = self.directory / f"audit-{self._count:04d}.jsonl"
            self.files.append(path)
            return path

    def add_file(self, path: Path) -> None:
        with self._lock:
            if path not in self.files:
                self.files.append(path)

    def scan(self, registry: SecretRegistry = REGISTRY) -> list[Finding]:
        with self._lock:
            files = list(self.files)
        return scan(files, registry)

    def written(self) -> list[Path]:
        """The audit files that exist."""
        with self._lock:
            return [path for path in self.files if path.is_file()]

    def remove_if_owned(self) -> None:
        if self.owned:
            shutil.rmtree(self.directory, ignore_errors=True)


_ACTIVE: AuditScan | None = None


def activate(scan: AuditScan | None) -> None:
    """Makes `scan` the run's scan (servers started from now on write their audit trails into its folder)."""
    global _ACTIVE
    _ACTIVE = scan


def active_scan() -> AuditScan | None:
    return _ACTIVE


def note_audit_file(path: Path) -> None:
    """A server writes its audit trail to `path` (chosen by the test): scanned too."""
    if _ACTIVE is not None:
        _ACTIVE.add_file(Path(path))


def note_audit_option(args: Sequence[str], env: Mapping[str, str]) -> None:
    """Notes the audit file a server's own `--audit-log` argument or `LATCHKEY_AUDIT_LOG` names."""
    chosen: str | None = env.get("LATCHKEY_AUDIT_LOG")
    for index, arg in enumerate(args):
        if arg == "--audit-log" and index + 1 < len(args):
            chosen = args[index + 1]
        elif arg.startswith("--audit-log="):
            chosen = arg.split("=", 1)[1]
    if chosen and chosen != "-":
        note_audit_file(Path(chosen))
