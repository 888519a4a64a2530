"""`GET /metrics` read the way Prometheus reads it: boto3 and the AWS CLI make calls against a real `latchkey serve`,
the exposition is parsed with prometheus_client's own text-format parser, and the counters must have moved by
exactly what the calls did. Each test starts a single server of its own (a cluster's nodes count separately)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from latchkey_harness import (
    ACCOUNT_ID,
    ROOT_KEYS,
    Keys,
    Server,
    binary_path,
    bootstrap_config,
    client_error,
    create_user_with_key,
    error_code,
    send,
    stop_cleanly,
    unique,
)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def scrape(server: Server) -> dict[tuple[str, frozenset], float]:
    """Every sample of `/metrics`, by name and labels, parsed by prometheus_client (which rejects a malformed line)."""
    response = send("GET", server.endpoint + "/metrics")
    assert response.status == 200, response.text
    assert response.headers["content-type"] == CONTENT_TYPE
    samples: dict[tuple[str, frozenset], float] = {}
    for family in text_string_to_metric_families(response.text):
        assert family.name.startswith("latchkey_"), family.name
        assert family.type in {"counter", "gauge", "histogram"}, (family.name, family.type)
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples: dict, name: str, **labels: str) -> float:
    """The sum over the series of `name` whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, series), v in samples.items() if n == name and wanted <= series)


def test_boto3_calls_move_exactly_their_counters(start_server, tmp_path: Path) -> None:
    server = start_server(tmp_path / "data")
    alice = create_user_with_key(server)
    role = unique("deploy")
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}],
    }
    server.iam().create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))
    role_arn = f"arn:aws:iam::{ACCOUNT_ID}:role/{role}"
    before = scrape(server)

    bob = create_user_with_key(server)  # CreateUser and CreateAccessKey
    session = Keys.from_response(
        server.sts(alice.keys).assume_role(RoleArn=role_arn, RoleSessionName="metrics")["Credentials"]
    )
    server.sts(session).get_caller_identity()
    denied = client_error(server.sts(bob.keys).assume_role, RoleArn=role_arn, RoleSessionName="metrics")
    assert error_code(denied) == ("AccessDenied", 403)
    forged = Keys(ROOT_KEYS.access_key_id, "not-the-secret-access-key-0000000000000000")
    assert error_code(client_error(server.sts(forged).get_caller_identity)) == ("SignatureDoesNotMatch", 403)
    missing = client_error(server.iam().get_user, UserName=unique("ghost"))
    assert error_code(missing) == ("NoSuchEntity", 404)

    after = scrape(server)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    def delta_total(name: str, **labels: str) -> float:
        return total(after, name, **labels) - total(before, name, **labels)

    requests = "latchkey_requests_total"
    assert delta(requests, api="iam", action="CreateUser", outcome="ok") == 1
    assert delta(requests, api="iam", action="CreateAccessKey", outcome="ok") == 1
    assert delta(requests, api="iam", action="GetUser", outcome="NoSuchEntity") == 1
    assert delta(requests, api="sts", action="AssumeRole", outcome="ok") == 1
    assert delta(requests, api="sts", action="AssumeRole", outcome="AccessDenied") == 1
    assert delta(requests, api="sts", action="GetCallerIdentity", outcome="ok") == 1
    assert delta(requests, api="sts", action="GetCallerIdentity", outcome="SignatureDoesNotMatch") == 1
    assert delta_total(requests) == 7

    assert delta("latchkey_request_duration_seconds_count", api="sts", action="AssumeRole") == 2
    assert delta_total("latchkey_request_duration_seconds_count") == 7
    assert delta("latchkey_credentials_issued_total", kind="AssumeRole") == 1
    assert delta("latchkey_credentials_issued_total", kind="CreateAccessKey") == 1
    assert delta_total("latchkey_credentials_issued_total") == 2
    assert delta("latchkey_authentication_failures_total", reason="SignatureDoesNotMatch") == 1
    assert delta_total("latchkey_authentication_failures_total") == 1
    assert delta("latchkey_authorization_denials_total", api="sts", action="AssumeRole") == 1
    assert delta_total("latchkey_authorization_denials_total") == 1
    # Long-term keys looked up once per signed call (CreateUser, CreateAccessKey, 2 AssumeRole, forged, GetUser).
    assert (
        delta("latchkey_cache_hits_total", cache="access_keys")
        + delta("latchkey_cache_misses_total", cache="access_keys")
        == 6
    )
    assert delta("latchkey_cache_misses_total", cache="session_tokens") == 1
    assert delta("latchkey_store_operation_duration_seconds_count", store="sqlite", kind="write") >= 2
    assert value(after, "latchkey_session_revocations") == 0

    text = send("GET", server.endpoint + "/metrics").text
    for secret in (
        ROOT_KEYS.access_key_id,
        alice.keys.access_key_id,
        alice.keys.secret_access_key,
        bob.keys.access_key_id,
        session.access_key_id,
        session.session_token,
        alice.name,
        role,
        "arn:aws",
    ):
        assert secret not in text, f"/metrics shows {secret!r}"


def test_the_aws_cli_call_is_counted(start_server, tmp_path: Path) -> None:
    server = start_server(tmp_path / "data")
    before = scrape(server)
    result = server.cli("sts", "get-caller-identity")
    assert result.returncode == 0, result.stderr
    after = scrape(server)
    labels = {"api": "sts", "action": "GetCallerIdentity", "outcome": "ok"}
    assert value(after, "latchkey_requests_total", **labels) - value(before, "latchkey_requests_total", **labels) == 1


def test_metrics_off_by_flag_and_by_environment(start_server, tmp_path: Path) -> None:
    server = start_server(tmp_path / "flag", args=["--metrics", "off"])
    response = send("GET", server.endpoint + "/metrics")
    assert response.status == 400
    assert response.xml_error()["Code"] == "MissingAction"
    assert "latchkey_" not in response.text
    assert server.sts().get_caller_identity()["Account"] == ACCOUNT_ID

    from_env = Server(
        tmp_path / "env", bootstrap_config(tmp_path), tmp_path / "env.log", env={"LATCHKEY_METRICS": "off"}
    ).start()
    try:
        assert send("GET", from_env.endpoint + "/metrics").status == 400
    finally:
        stop_cleanly(from_env)


def test_a_bad_metrics_value_stops_the_start(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("LATCHKEY_")}
    result = subprocess.run(
        [str(binary_path()), "serve", "--data-dir", str(tmp_path / "data"), "--port", "0", "--metrics", "sometimes"],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode != 0
    assert "--metrics must be on or off, not 'sometimes'" in result.stderr
    assert not (tmp_path / "data").exists()
