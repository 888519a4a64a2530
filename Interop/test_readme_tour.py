"""README.md's "A tour with the AWS CLI", run as printed against a fresh server, each step's output checked.

The commands are read from the ```sh block under the tour's heading, exactly as the README prints them. The test
sets only what the README tells the reader to have: the root key the first start printed (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY) and LATCHKEY_PORT, which the tour's `E=` line reads. Any change to the tour's commands makes
this test fail until its expectations follow, so the README cannot drift from what Latchkey does.

The MFA step waits for the next 30-second TOTP window, as the README does: the run takes at most about 45 s.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from latchkey_harness import REPO_ROOT, StartServer, cli_command

HEADING = "## A tour with the AWS CLI"
STEP = "@@tour-step {}@@"
STATUS = re.compile(r"@@tour-status (\d+) (\d+)@@")


def tour_commands(readme: str) -> list[str]:
    """The commands of the first ```sh block under the tour's heading: continuation lines joined, comment and blank
    lines dropped (a trailing `# comment` stays; bash ignores it)."""
    section = readme[readme.index(HEADING) :]
    block = re.search(r"^```sh\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)
    assert block, "no ```sh block under the tour's heading"
    commands: list[str] = []
    pending = ""
    for line in block.group(1).splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line + "\n"
            continue
        commands.append(pending + line)
        pending = ""
    assert not pending, "the block ends with a continuation line"
    return commands


def script(commands: list[str]) -> str:
    """One bash script running the commands in order in one shell, each framed by markers on stdout and stderr."""
    lines = []
    for index, command in enumerate(commands):
        marker = STEP.format(index)
        lines.append(f"printf '\\n{marker}\\n'; printf '\\n{marker}\\n' >&2")
        lines.append(command)
        lines.append(f"printf '\\n@@tour-status {index} %s@@\\n' $?")
    return "\n".join(lines) + "\n"


@dataclass
class Step:
    command: str
    status: int
    stdout: str
    stderr: str

    def json(self):
        assert self.status == 0 and self.stderr == "", f"{self.command!r} failed: {self.stderr}"
        return json.loads(self.stdout)


def split(commands: list[str], stdout: str, stderr: str) -> list[Step]:
    statuses = {int(index): int(status) for index, status in STATUS.findall(stdout)}
    stdout = STATUS.sub("", stdout)
    steps = []
    for index, command in enumerate(commands):
        marker = STEP.format(index)
        out = stdout.split(marker, 1)[1].split(STEP.format(index + 1), 1)[0] if marker in stdout else ""
        err = stderr.split(marker, 1)[1].split(STEP.format(index + 1), 1)[0] if marker in stderr else ""
        steps.append(Step(command, statuses.get(index, -1), out.strip(), err.strip()))
    return steps


@dataclass(frozen=True)
class Tour:
    account: str
    directory: Path


def quiet(step: Step, tour: Tour) -> None:
    assert step.status == 0, f"{step.command!r} exited {step.status}: {step.stderr}"
    assert step.stderr == "", step.stderr


def caller_is(arn: Callable[[Tour], str]) -> Callable[[Step, Tour], None]:
    def check(step: Step, tour: Tour) -> None:
        assert step.json()["Arn"] == arn(tour)

    return check


def access_key_info(step: Step, tour: Tour) -> None:
    assert step.json() == {"Account": "123456789012"}


def created_user(step: Step, tour: Tour) -> None:
    user = step.json()["User"]
    assert (user["UserName"], user["Path"]) == ("alice", "/eng/")
    assert user["Arn"] == f"arn:aws:iam::{tour.account}:user/eng/alice"


def session_token(step: Step, tour: Tour) -> None:
    credentials = step.json()["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert credentials["SessionToken"]


def created_role(name: str) -> Callable[[Step, Tour], None]:
    def check(step: Step, tour: Tour) -> None:
        assert step.json()["Role"]["Arn"] == f"arn:aws:iam::{tour.account}:role/{name}"

    return check


def assumed(role: str, session: str) -> Callable[[Step, Tour], None]:
    def check(step: Step, tour: Tour) -> None:
        answer = step.json()
        assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{tour.account}:assumed-role/{role}/{session}"
        assert answer["Credentials"]["AccessKeyId"].startswith("ASIA")

    return check


def refused(step: Step, tour: Tour) -> None:
    # The AssumeRole inside $(...) failed: the assignment's status is the CLI's (254), its output went to $DENIED.
    assert step.status != 0
    assert step.stdout == "" and step.stderr == ""


def shows_denial(step: Step, tour: Tour) -> None:
    quiet(step, tour)
    assert "An error occurred (AccessDenied) when calling the AssumeRole operation" in step.stdout
    assert f"arn:aws:iam::{tour.account}:role/breakglass" in step.stdout
    assert "Encoded authorization failure message: " in step.stdout


def decoded_denial(step: Step, tour: Tour) -> None:
    quiet(step, tour)
    decoded = json.loads(step.stdout)
    assert decoded["allowed"] is False
    assert decoded["context"]["action"] == "sts:AssumeRole"
    assert decoded["context"]["resource"] == f"arn:aws:iam::{tour.account}:role/breakglass"
    assert decoded["context"]["principal"]["arn"] == f"arn:aws:iam::{tour.account}:user/eng/alice"


def created_mfa_device(step: Step, tour: Tour) -> None:
    assert step.json()["VirtualMFADevice"]["SerialNumber"] == f"arn:aws:iam::{tour.account}:mfa/alice-phone"
    seed = (tour.directory / "alice-phone.seed").read_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32,}=*", seed), seed


def two_codes(step: Step, tour: Tour) -> None:
    quiet(step, tour)


def enabled(step: Step, tour: Tour) -> None:
    quiet(step, tour)
    assert step.stdout == ""


# One row per command of the tour, in order: a fragment the command must contain, and the check of its outcome.
EXPECTED: list[tuple[str, Callable[[Step, Tour], None]]] = [
    ("export AWS_DEFAULT_REGION=us-east-1", quiet),
    ("E=--endpoint-url=http://127.0.0.1:${LATCHKEY_PORT:-8080}", quiet),
    ("ACCOUNT=$(aws $E sts get-caller-identity --query Account --output text)", quiet),
    ("aws $E sts get-caller-identity", caller_is(lambda tour: f"arn:aws:iam::{tour.account}:root")),
    ("sts get-access-key-info --access-key-id AKIARZPUZDIKGB2VALC4", access_key_info),
    ("iam create-user --user-name alice --path /eng/", created_user),
    ("iam create-access-key --user-name alice", quiet),
    ("ALICE_KEY=$1 ALICE_SECRET=$2", quiet),
    ("alice() {", quiet),
    ("alice sts get-caller-identity", caller_is(lambda tour: f"arn:aws:iam::{tour.account}:user/eng/alice")),
    ("sts get-session-token --duration-seconds 900", session_token),
    ("iam create-role --role-name deploy", created_role("deploy")),
    ("alice sts assume-role --role-arn arn:aws:iam::$ACCOUNT:role/deploy --role-session-name ci",
     assumed("deploy", "ci")),
    ("iam create-role --role-name breakglass", created_role("breakglass")),
    ("DENIED=$(alice sts assume-role --role-arn arn:aws:iam::$ACCOUNT:role/breakglass", refused),
    ('echo "$DENIED"', shows_denial),
    ("sts decode-authorization-message", decoded_denial),
    ("iam create-virtual-mfa-device --virtual-mfa-device-name alice-phone", created_mfa_device),
    ("MFA=arn:aws:iam::$ACCOUNT:mfa/alice-phone", quiet),
    ('oathtool --totp -b -w 1 -N "now - 30 seconds"', two_codes),
    ("iam enable-mfa-device --user-name alice", enabled),
    ("sleep $((30 - $(date +%s) % 30))", quiet),
    ("alice sts get-session-token --serial-number $MFA", quiet),
    ("aws $E sts assume-role --role-arn arn:aws:iam::$ACCOUNT:role/breakglass --role-session-name ops",
     assumed("breakglass", "ops")),
]


def test_the_tour_extracts_one_expectation_per_command() -> None:
    commands = tour_commands((REPO_ROOT / "README.md").read_text())
    assert len(commands) == len(EXPECTED), "\n".join(commands)
    for command, (fragment, _) in zip(commands, EXPECTED, strict=True):
        assert fragment in command, f"expected a command with {fragment!r}, the README has {command!r}"


@pytest.mark.skipif(
    shutil.which("oathtool") is None and not os.environ.get("CI"),
    reason="oathtool (Debian package oathtool) is not installed; CI installs it and runs this test",
)
def test_readme_tour_runs_as_printed(start_server: StartServer, tmp_path: Path) -> None:
    commands = tour_commands((REPO_ROOT / "README.md").read_text())
    assert len(commands) == len(EXPECTED)
    # A fresh server without a configuration file: the first start creates the account and prints its root key,
    # as in the quick start.
    server = start_server(tmp_path / "data", with_config=False)
    names = ("LATCHKEY_ACCOUNT_ID", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
    account, key, secret = (server.printed(name) for name in names)
    assert account and key and secret, server.describe()
    port = server.endpoint.rsplit(":", 1)[1]

    workdir = tmp_path / "tour"
    workdir.mkdir()
    # The `aws` the README calls: the one the interop suite uses, first on PATH.
    cli = cli_command()
    bin_dir = workdir / ".bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "aws"
    wrapper.write_text("#!/bin/sh\nexec " + " ".join(f"'{part}'" for part in cli) + ' "$@"\n')
    wrapper.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LATCHKEY_"))}
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        AWS_ACCESS_KEY_ID=key,
        AWS_SECRET_ACCESS_KEY=secret,
        LATCHKEY_PORT=port,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_MAX_ATTEMPTS="1",
    )
    done = subprocess.run(
        ["bash", "-c", script(commands)], cwd=workdir, env=env, capture_output=True, text=True, timeout=240
    )
    steps = split(commands, done.stdout, done.stderr)
    tour = Tour(account=account, directory=workdir)
    for step, (_, check) in zip(steps, EXPECTED, strict=True):
        try:
            check(step, tour)
        except AssertionError as error:
            raise AssertionError(f"README tour step failed: {step.command}\n{error}\nstep: {step!r}") from error
