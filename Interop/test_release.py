"""The release tarball (scripts/release) extracted into a fresh folder and run from there.

Skipped unless `LATCHKEY_RELEASE_TARBALL` names a tarball: `scripts/release --check` builds one and runs this file.
With `LATCHKEY_RELEASE_CHROOT` (set by `scripts/release --check-debian`) the tarball is extracted inside that folder,
a minimal Debian holding only the documented runtime packages, and the binary runs there under `chroot`, while the
boto3 client runs outside it (a chroot shares the network).

The documented runtime packages come from `LATCHKEY_RELEASE_PACKAGES` (scripts/release passes its list), else the
tarball's RUNTIME-PACKAGES file.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import tarfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

TARBALL = os.environ.get("LATCHKEY_RELEASE_TARBALL")
CHROOT = os.environ.get("LATCHKEY_RELEASE_CHROOT")
NAME = re.compile(r"^latchkey-(?P<version>\d+\.\d+\.\d+[^/]*)-linux-(?P<arch>[a-z0-9_]+)\.tar\.gz$")
LISTENING = re.compile(r"^latchkey listening on (?P<url>http://127\.0\.0\.1:\d+)$")

pytestmark = [
    pytest.mark.skipif(TARBALL is None, reason="LATCHKEY_RELEASE_TARBALL is not set (scripts/release --check)"),
    pytest.mark.single_node,
]


@dataclass(frozen=True)
class Release:
    """The extracted tarball: `folder` as this process sees it, `inside` as the binary sees it (in the chroot)."""

    folder: Path
    inside: Path
    version: str
    arch: str

    def path(self, name: str) -> Path:
        return self.folder / name

    def command(self, *args: str) -> list[str]:
        binary = str(self.inside / "latchkey")
        return ["chroot", CHROOT, binary, *args] if CHROOT else [binary, *args]


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Release]:
    tarball = Path(TARBALL or "")
    match = NAME.match(tarball.name)
    assert match, f"{tarball.name} is not named latchkey-VERSION-linux-ARCH.tar.gz"
    if CHROOT:
        base = Path(CHROOT) / "tmp" / f"latchkey-release-{os.getpid()}"
        base.mkdir(parents=True)
    else:
        base = tmp_path_factory.mktemp("release")
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
        top = {name.split("/", 1)[0] for name in names}
        assert top == {tarball.name.removesuffix(".tar.gz")}, f"the tarball should hold one folder, not {top}"
        archive.extractall(base, filter="data")
    folder = base / top.pop()
    inside = Path("/") / folder.relative_to(CHROOT) if CHROOT else folder
    try:
        yield Release(folder, inside, match["version"], match["arch"])
    finally:
        if CHROOT:
            shutil.rmtree(base, ignore_errors=True)


def documented_packages(release: Release) -> set[str]:
    listed = os.environ.get("LATCHKEY_RELEASE_PACKAGES") or release.path("RUNTIME-PACKAGES").read_text()
    return set(listed.split())


def test_the_tarball_holds_the_binary_readme_example_configuration_and_operations_guide(release: Release) -> None:
    for name in [
        "latchkey",
        "README.md",
        "latchkey.example.yaml",
        "examples/latchkey.service",
        "examples/nginx-tls.conf",
        "docs/operations.md",
        "RUNTIME-PACKAGES",
        "VERSION",
    ]:
        assert release.path(name).is_file(), f"{name} is missing from the tarball"
    assert os.access(release.path("latchkey"), os.X_OK)
    version = subprocess.run(release.command("--version"), capture_output=True, text=True, timeout=60, check=True)
    assert version.stdout.startswith(f"latchkey {release.version} (commit "), version.stdout
    assert version.stdout.strip() == release.path("VERSION").read_text().strip()
    sections = subprocess.run(["readelf", "-S", "-W", release.path("latchkey")], capture_output=True, text=True)
    if sections.returncode == 0:
        assert ".symtab" not in sections.stdout, "the binary is not stripped"


def needed_libraries(binary: Path) -> list[str]:
    """The sonames the binary's dynamic section names (what it links directly)."""
    dynamic = subprocess.run(["readelf", "-d", "-W", binary], capture_output=True, text=True, check=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)


def test_the_swift_runtime_is_inside_and_every_library_comes_from_a_documented_package(release: Release) -> None:
    needed = needed_libraries(release.path("latchkey"))
    swift = [name for name in needed if re.match(r"lib(swift|Foundation|_Foundation|dispatch|BlocksRuntime)", name)]
    assert swift == [], f"the Swift runtime should be linked statically, but the binary needs {swift}"
    ldd = subprocess.run(
        ["chroot", CHROOT, "ldd", str(release.inside / "latchkey")] if CHROOT else ["ldd", release.path("latchkey")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ldd.returncode == 0, ldd.stderr
    assert "not found" not in ldd.stdout, f"missing libraries:\n{ldd.stdout}"
    resolved = dict(re.findall(r"^\s*(\S+) => (/\S+)", ldd.stdout, re.MULTILINE))
    packages = documented_packages(release)
    owners: dict[str, str] = {}
    for soname in needed:
        if soname.startswith("ld-linux"):
            owners[soname] = "libc6"
            continue
        path = resolved.get(soname)
        assert path, f"ldd does not say where {soname} comes from:\n{ldd.stdout}"
        owners[soname] = package_of(path)
    undocumented = {soname: owner for soname, owner in owners.items() if owner not in packages}
    assert undocumented == {}, f"libraries from packages missing from the documented list {sorted(packages)}"
    print("linked libraries and their Debian packages:", owners)


def package_of(path: str) -> str:
    """The Debian package that installed a library (`dpkg -S`, inside the chroot when there is one)."""
    root = Path(CHROOT or "/")
    real = "/" + str(Path(os.path.realpath(root / path.lstrip("/"))).relative_to(root))
    candidates: list[str] = []
    for spelling in (path, real):  # merged /usr: dpkg knows one of /lib/... and /usr/lib/...
        candidates += [spelling, spelling.removeprefix("/usr") if spelling.startswith("/usr/") else "/usr" + spelling]
    for candidate in candidates:
        command = ["chroot", CHROOT, "dpkg", "-S", candidate] if CHROOT else ["dpkg", "-S", candidate]
        found = subprocess.run(command, capture_output=True, text=True)
        if found.returncode == 0:
            return found.stdout.split(":", 1)[0].strip()
    raise AssertionError(f"no Debian package owns {path} (tried {candidates})")


class Running:
    """The extracted binary serving on port 0; stdout is drained by a thread."""

    def __init__(self, release: Release, data_dir: Path, *args: str) -> None:
        inside_data = Path("/") / data_dir.relative_to(CHROOT) if CHROOT else data_dir
        command = release.command(
            "serve",
            "--config",
            str(release.inside / "latchkey.example.yaml"),
            "--data-dir",
            str(inside_data),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            *args,
        )
        env = {key: value for key, value in os.environ.items() if not key.startswith(("LATCHKEY_", "AWS_"))}
        env["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin"
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True
        )
        self.lines: list[str] = []
        self.errors: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._drain, daemon=True).start()
        threading.Thread(target=self._drain_errors, daemon=True).start()

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def _drain_errors(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.errors.append(line.rstrip("\n"))

    def wait_listening(self, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                break
            if match := LISTENING.match(line):
                return match["url"]
        self.process.kill()
        raise AssertionError(f"no listening line; stdout {self.lines}, stderr {self.errors[-20:]}")

    def printed(self, name: str) -> str:
        prefix = name + "="
        value = next((line[len(prefix) :] for line in self.lines if line.startswith(prefix)), None)
        assert value, f"the first start printed no {name}: {self.lines}"
        return value

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError("the server did not stop within 30 s of SIGTERM") from None


def test_it_starts_on_a_fresh_data_folder_answers_a_signed_call_and_stops_cleanly(release: Release) -> None:
    data_dir = release.folder.parent / "data"
    server = Running(release, data_dir)
    try:
        url = server.wait_listening()
        account = server.printed("LATCHKEY_ACCOUNT_ID")
        sts = boto3.session.Session().client(
            "sts",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id=server.printed("AWS_ACCESS_KEY_ID"),
            aws_secret_access_key=server.printed("AWS_SECRET_ACCESS_KEY"),
            config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30),
        )
        identity = sts.get_caller_identity()
        assert identity["Account"] == account
        assert identity["Arn"] == f"arn:aws:iam::{account}:root"
    finally:
        status = server.stop()
    assert status == 0, f"exit status {status} after SIGTERM; stderr {server.errors[-20:]}"
    assert (data_dir / "latchkey.sqlite").is_file()
    key = data_dir / "master.key"
    assert key.is_file()
    assert key.stat().st_mode & 0o077 == 0, "master.key should be readable by its owner only"
