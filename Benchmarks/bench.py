"""Helpers for Benchmarks/run.sh.

bench.py prepare ENDPOINT OUT_DIR   sign GetCallerIdentity requests and write wrk Lua scripts and curl configs
bench.py issuer DIR                 run an HTTPS OIDC issuer on loopback (CA in DIR/ca.pem, URL and a token in
                                    DIR/issuer.json) until killed, for the AssumeRoleWithWebIdentity scenario
bench.py table RESULTS              print the results table (RESULTS: lines "scenario connections WRK_RESULT ...")
bench.py resign ENDPOINT OUT_DIR    sign the requests of an earlier `prepare` in OUT_DIR again (for runs longer than
                                    the 15 minutes a SigV4 signature replays), without creating anything
bench.py mixed OUT_DIR [close]      write OUT_DIR/mixed.lua: the prepared requests in turn, one per wrk request
                                    (with `close`, each on a new connection)
"""

from __future__ import annotations

import json
import os
import sys
import urllib.parse
from pathlib import Path

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

REGION = "us-east-1"
ROOT_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
ROOT_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
BODY = "Action=GetCallerIdentity&Version=2011-06-15"
ACCOUNT = "111122223333"
CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"

DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%.0f duration_us=%.0f p50_us=%.0f p99_us=%.0f non2xx=%.0f socket_errors=%.0f\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def signed_headers(endpoint: str, credentials: Credentials, body: str = BODY) -> dict[str, str]:
    """Headers of a POST (GetCallerIdentity by default) signed now (SigV4, header form); it replays for 15 minutes."""
    request = AWSRequest(method="POST", url=endpoint + "/", data=body, headers={"Content-Type": CONTENT_TYPE})
    SigV4Auth(credentials, "sts", REGION).add_auth(request)
    headers = {"Host": urllib.parse.urlsplit(endpoint).netloc}
    headers.update(request.headers.items())
    return headers


def lua(headers: dict[str, str], body: str = BODY) -> str:
    # json.dumps of an ASCII string is a valid Lua string literal.
    lines = ['wrk.method = "POST"', f"wrk.body = {json.dumps(body)}"]
    lines += [f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}" for name, value in headers.items()]
    return "\n".join(lines) + "\n" + DONE


def curl_config(headers: dict[str, str], body: str = BODY) -> str:
    lines = ['request = "POST"', f"data = {json.dumps(body)}"]
    lines += [f"header = {json.dumps(f'{name}: {value}')}" for name, value in headers.items()]
    return "\n".join(lines) + "\n"


def prepare(endpoint: str, out: Path) -> None:
    root = Credentials(ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    sts = boto3.session.Session().client(
        "sts",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=root.access_key,
        aws_secret_access_key=root.secret_key,
        config=Config(retries={"total_max_attempts": 1}),
    )
    session = sts.get_session_token()["Credentials"]
    temporary = Credentials(session["AccessKeyId"], session["SecretAccessKey"], session["SessionToken"])
    out.mkdir(parents=True, exist_ok=True)
    (out / "state.json").write_text(json.dumps({"temporary": [temporary.access_key, temporary.secret_key, temporary.token]}))
    for name, credentials in (("long-term", root), ("temporary", temporary)):
        headers = signed_headers(endpoint, credentials)
        (out / f"{name}.lua").write_text(lua(headers))
        (out / f"{name}.curl").write_text(curl_config(headers))
    prepare_assume_role(endpoint, root, out)
    issuer_directory = os.environ.get("BENCH_ISSUER_DIR")
    if issuer_directory:
        prepare_web_identity(endpoint, root, out, Path(issuer_directory) / "issuer.json")


def iam_client(endpoint: str, credentials: Credentials):
    return boto3.session.Session().client(
        "iam", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=credentials.access_key,
        aws_secret_access_key=credentials.secret_key, config=Config(retries={"total_max_attempts": 1}),
    )


def populate(endpoint: str, root: Credentials, count: int) -> None:
    """`count` extra users and roles, so AssumeRole can be measured against a large store."""
    from concurrent.futures import ThreadPoolExecutor

    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]})

    import threading

    local = threading.local()

    def create(index: int) -> None:
        if not hasattr(local, "iam"):
            local.iam = iam_client(endpoint, root)  # a boto3 client per thread: creating one costs milliseconds
        iam = local.iam
        iam.create_user(UserName=f"filler-user-{index}")
        iam.create_role(RoleName=f"filler-role-{index}", AssumeRolePolicyDocument=trust)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(create, range(count)))


def prepare_assume_role(endpoint: str, root: Credentials, out: Path) -> None:
    """An AssumeRole request signed by an IAM user that the role's trust policy names directly."""
    import os

    iam = iam_client(endpoint, root)
    try:
        user = iam.create_user(UserName="bench-user")["User"]
    except Exception as error:  # noqa: BLE001 - a server without the roles API gets no AssumeRole scenario
        print(f"no AssumeRole scenario: {error}", file=sys.stderr)
        return
    population = int(os.environ.get("BENCH_POPULATION", "0"))
    if population:
        populate(endpoint, root, population)
    key = iam.create_access_key(UserName="bench-user")["AccessKey"]
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": user["Arn"]}, "Action": "sts:AssumeRole"}]})
    role = iam.create_role(RoleName="bench-role", AssumeRolePolicyDocument=trust)["Role"]
    body = f"Action=AssumeRole&Version=2011-06-15&RoleArn={role['Arn'].replace(':', '%3A').replace('/', '%2F')}&RoleSessionName=bench"
    headers = signed_headers(endpoint, Credentials(key["AccessKeyId"], key["SecretAccessKey"]), body)
    state = json.loads((out / "state.json").read_text()) if (out / "state.json").exists() else {}
    state["assume-role"] = [key["AccessKeyId"], key["SecretAccessKey"], body]
    (out / "state.json").write_text(json.dumps(state))
    (out / "assume-role.lua").write_text(lua(headers, body))
    (out / "assume-role.curl").write_text(curl_config(headers, body))


def run_issuer(directory: Path) -> None:
    """An HTTPS OIDC issuer (the interop suite's) serving until killed; writes its URL and an RS256 token."""
    import time

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "Interop"))
    from federation_support import CertificateAuthority, OIDCIssuer

    directory.mkdir(parents=True, exist_ok=True)
    issuer = OIDCIssuer(CertificateAuthority(directory))
    token = issuer.token(exp=int(time.time()) + 3 * 3600)
    state = {"url": issuer.url, "identity": issuer.identity, "token": token, "audience": "client-1"}
    (directory / "issuer.json.tmp").write_text(json.dumps(state))
    (directory / "issuer.json.tmp").rename(directory / "issuer.json")
    while True:
        time.sleep(3600)


def prepare_web_identity(endpoint: str, root: Credentials, out: Path, issuer_state: Path) -> None:
    """An unsigned AssumeRoleWithWebIdentity request with an RS256 token of the loopback issuer (keys cached)."""
    state = json.loads(issuer_state.read_text())
    iam = iam_client(endpoint, root)
    provider = iam.create_open_id_connect_provider(Url=state["url"], ClientIDList=[state["audience"]])
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": provider["OpenIDConnectProviderArn"]},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{state['identity']}:aud": state["audience"]}}}]})
    role = iam.create_role(RoleName="bench-web-identity", AssumeRolePolicyDocument=trust)["Role"]
    body = urllib.parse.urlencode({
        "Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", "RoleArn": role["Arn"],
        "RoleSessionName": "bench", "WebIdentityToken": state["token"]})
    headers = {"Host": urllib.parse.urlsplit(endpoint).netloc, "Content-Type": CONTENT_TYPE}
    (out / "web-identity.lua").write_text(lua(headers, body))
    (out / "web-identity.curl").write_text(curl_config(headers, body))


def resign(endpoint: str, out: Path) -> None:
    """Signs the long-term, temporary and AssumeRole requests of an earlier `prepare` again, with the same keys."""
    state = json.loads((out / "state.json").read_text())
    signed = [
        ("long-term", Credentials(ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY), BODY),
        ("temporary", Credentials(*state["temporary"]), BODY),
    ]
    if "assume-role" in state:
        access_key, secret_key, body = state["assume-role"]
        signed.append(("assume-role", Credentials(access_key, secret_key), body))
    for name, credentials, body in signed:
        headers = signed_headers(endpoint, credentials, body)
        (out / f"{name}.lua").write_text(lua(headers, body))
        (out / f"{name}.curl").write_text(curl_config(headers, body))


def mixed(out: Path, close: bool = False) -> None:
    """A wrk script that sends the prepared requests in turn (GetCallerIdentity with a long-term key and with a
    session, AssumeRole), each with its own headers and body; with `close`, each on a new connection
    (`Connection: close`)."""
    requests = []
    for name in ("long-term", "temporary", "assume-role"):
        path = out / f"{name}.lua"
        if not path.exists():
            continue
        body = None
        headers = {}
        for line in path.read_text().splitlines():
            if line.startswith("wrk.body = "):
                body = json.loads(line[len("wrk.body = "):])
            elif line.startswith("wrk.headers["):
                name_part, value_part = line[len("wrk.headers["):].split("] = ", 1)
                headers[json.loads(name_part)] = json.loads(value_part)
        if close:
            headers["Connection"] = "close"
        requests.append((headers, body))
    lines = ["local requests = {}"]
    for index, (headers, body) in enumerate(requests, start=1):
        table = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
        lines.append(f'requests[{index}] = wrk.format("POST", "/", {{{table}}}, {json.dumps(body)})')
    lines += [
        "local counter = 0",
        "request = function()",
        "  counter = counter + 1",
        f"  return requests[(counter % {len(requests)}) + 1]",
        "end",
    ]
    (out / "mixed.lua").write_text("\n".join(lines) + "\n" + DONE)


def parse(line: str) -> tuple[str, int, dict[str, float]]:
    scenario, connections, marker, *fields = line.split()
    assert marker == "WRK_RESULT", line
    values = {key: float(value) for key, value in (field.split("=", 1) for field in fields)}
    return scenario, int(connections), values


def table(results: Path) -> None:
    rows = [parse(line) for line in results.read_text().splitlines() if line.strip()]
    rate = {(s, c): v["requests"] / (v["duration_us"] / 1e6) for s, c, v in rows}
    print(f"{'scenario':<22} {'conns':>5} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'vs baseline':>11} {'errors':>6}")
    for scenario, connections, values in rows:
        baseline = rate.get(("baseline", connections))
        ratio = f"{rate[(scenario, connections)] / baseline:.2f}" if baseline else "-"
        errors = int(values["non2xx"] + values["socket_errors"])
        print(
            f"{scenario:<22} {connections:>5} {rate[(scenario, connections)]:>10.0f} "
            f"{values['p50_us'] / 1000:>8.2f} {values['p99_us'] / 1000:>8.2f} {ratio:>11} {errors:>6}"
        )


def main(arguments: list[str]) -> int:
    match arguments:
        case ["prepare", endpoint, out]:
            prepare(endpoint, Path(out))
        case ["issuer", directory]:
            run_issuer(Path(directory))
        case ["table", results]:
            table(Path(results))
        case ["resign", endpoint, out]:
            resign(endpoint, Path(out))
        case ["mixed", out]:
            mixed(Path(out))
        case ["mixed", out, "close"]:
            mixed(Path(out), close=True)
        case _:
            print(__doc__, file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
