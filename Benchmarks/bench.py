"""Helpers for Benchmarks/run.sh, startup.sh and soak.sh.

bench.py prepare ENDPOINT OUT_DIR   sign GetCallerIdentity requests and write wrk Lua scripts and curl configs
bench.py populated ENDPOINT OUT_DIR N
                                    create N users and N roles (besides the AssumeRole scenario's user and role) and
                                    write the AssumeRole request for that large store into OUT_DIR
bench.py issuer DIR                 run an HTTPS OIDC issuer on loopback (CA in DIR/ca.pem, URL and a token in
                                    DIR/issuer.json) until killed, for the AssumeRoleWithWebIdentity scenario
bench.py report RESULTS             print the per-round ratios and the summary with the issue's targets (RESULTS:
                                    lines "round scenario connections WRK_RESULT ..."; exits 0 whatever the targets)
bench.py table RESULTS              the same as report (kept for the older name)
bench.py resign ENDPOINT OUT_DIR    sign the requests of an earlier `prepare` or `populated` in OUT_DIR again (for
                                    runs longer than the 15 minutes a SigV4 signature replays), creating nothing
bench.py mixed OUT_DIR [close]      write OUT_DIR/mixed.lua: the prepared requests in turn, one per wrk request
                                    (with `close`, each on a new connection)
bench.py startup BINARY RUNS SETTLE
                                    start `BINARY serve` RUNS times on a fresh data dir and report the time from exec
                                    to the first 200 answer and the idle RSS SETTLE seconds later (see startup.sh)
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


def populate(endpoint: str, root: Credentials, count: int, threads: int = 8) -> None:
    """`count` extra users and `count` extra roles, so AssumeRole can be measured against a large store.

    boto3 costs a few milliseconds of Python per call, so these requests are signed with botocore's SigV4Auth and
    sent on one keep-alive connection per thread (http.client); each must answer 200."""
    import http.client
    import threading
    from concurrent.futures import ThreadPoolExecutor

    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]})
    netloc = urllib.parse.urlsplit(endpoint).netloc
    local = threading.local()

    def send(parameters: dict[str, str]) -> None:
        body = urllib.parse.urlencode({**parameters, "Version": "2010-05-08"})
        request = AWSRequest(method="POST", url=endpoint + "/", data=body, headers={"Content-Type": CONTENT_TYPE})
        SigV4Auth(root, "iam", REGION).add_auth(request)
        for attempt in range(2):
            if not hasattr(local, "connection"):
                local.connection = http.client.HTTPConnection(netloc, timeout=30)
            try:
                local.connection.request("POST", "/", body=body, headers=dict(request.headers.items()))
                response = local.connection.getresponse()
                answer = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                del local.connection  # the server closed an idle connection: open another and send again
                if attempt:
                    raise
        if response.status != 200:
            raise RuntimeError(f"{parameters['Action']} answered {response.status}: {answer[:300]!r}")

    def create(index: int) -> None:
        send({"Action": "CreateUser", "UserName": f"filler-user-{index}"})
        send({"Action": "CreateRole", "RoleName": f"filler-role-{index}", "AssumeRolePolicyDocument": trust})

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(create, range(count)))


def prepare_assume_role(endpoint: str, root: Credentials, out: Path, population: int = 0) -> None:
    """An AssumeRole request signed by an IAM user that the role's trust policy names directly; with `population`,
    that many more users and roles are created first."""
    import time

    iam = iam_client(endpoint, root)
    try:
        user = iam.create_user(UserName="bench-user")["User"]
    except Exception as error:  # noqa: BLE001 - a server without the roles API gets no AssumeRole scenario
        print(f"no AssumeRole scenario: {error}", file=sys.stderr)
        return
    if population:
        started = time.monotonic()
        populate(endpoint, root, population)
        elapsed = time.monotonic() - started
        print(f"created {population} users and {population} roles in {elapsed:.1f} s "
              f"({2 * population / elapsed:.0f} per second)")
    key = iam.create_access_key(UserName="bench-user")["AccessKey"]
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": user["Arn"]}, "Action": "sts:AssumeRole"}]})
    role = iam.create_role(RoleName="bench-role", AssumeRolePolicyDocument=trust)["Role"]
    body = f"Action=AssumeRole&Version=2011-06-15&RoleArn={role['Arn'].replace(':', '%3A').replace('/', '%2F')}&RoleSessionName=bench"
    headers = signed_headers(endpoint, Credentials(key["AccessKeyId"], key["SecretAccessKey"]), body)
    out.mkdir(parents=True, exist_ok=True)
    state = json.loads((out / "state.json").read_text()) if (out / "state.json").exists() else {}
    state["assume-role"] = [key["AccessKeyId"], key["SecretAccessKey"], body]
    (out / "state.json").write_text(json.dumps(state))
    (out / "assume-role.lua").write_text(lua(headers, body))
    (out / "assume-role.curl").write_text(curl_config(headers, body))


def populated(endpoint: str, out: Path, count: int) -> None:
    """The AssumeRole scenario on a store holding `count` more users and `count` more roles."""
    prepare_assume_role(endpoint, Credentials(ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY), out, count)
    if not (out / "assume-role.lua").exists():
        raise SystemExit("the populated server has no AssumeRole scenario")


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
    """Signs the long-term, temporary and AssumeRole requests of an earlier `prepare` (or the AssumeRole request of
    `populated`) again, with the same keys."""
    state = json.loads((out / "state.json").read_text())
    signed = []
    if "temporary" in state:
        signed.append(("long-term", Credentials(ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY), BODY))
        signed.append(("temporary", Credentials(*state["temporary"]), BODY))
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


# The targets of issue 12 at 64 connections: the median ratio to the ceiling, and p99 no worse than 3x the ceiling's.
RATIO_TARGETS = {
    "latchkey-long-term": 0.75,
    "latchkey-temporary": 0.75,
    "latchkey-assume-role": 0.55,
    "latchkey-web-identity": 0.45,
}
TARGET_CONNECTIONS = 64
P99_TARGET = 3.0
POPULATION_TARGET = 0.90  # AssumeRole on the large store keeps at least 90% of its ratio on the small one
STORE_TARGET = 0.90  # issue 13: each scenario on the PostgreSQL store keeps at least 90% of its rate on SQLite


def parse(line: str) -> tuple[int, str, int, dict[str, float]]:
    """A results line: "round scenario connections WRK_RESULT k=v ..." (or, from an older run.sh, without the round,
    which is then round 1)."""
    fields = line.split()
    if fields[2] == "WRK_RESULT":
        fields = ["1", *fields]
    round_, scenario, connections, marker, *values = fields
    assert marker == "WRK_RESULT", line
    parsed = {key: float(value) for key, value in (field.split("=", 1) for field in values)}
    parsed["rate"] = parsed["requests"] / (parsed["duration_us"] / 1e6)
    return int(round_), scenario, int(connections), parsed


def spread(values: list[float]) -> tuple[float, float, float, float, float]:
    """Median, minimum, maximum, first and third quartile (inclusive method; with one value all five are it)."""
    import statistics

    if len(values) == 1:
        return (values[0],) * 5
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return statistics.median(values), min(values), max(values), q1, q3


def report(results: Path) -> None:
    import re
    import statistics

    rows = [parse(line) for line in results.read_text().splitlines() if line.strip()]
    runs = {(r, s, c): v for r, s, c, v in rows}
    rounds = sorted({r for r, _, _, _ in rows})
    connection_counts = sorted({c for _, _, c, _ in rows})
    scenarios = list(dict.fromkeys(s for _, s, _, _ in rows if s != "baseline"))

    def order(scenario: str) -> tuple:
        # SQLite's and PostgreSQL's run of one scenario next to each other (postgres-X after latchkey-X).
        sqlite_name = "latchkey-" + scenario.removeprefix("postgres-") if scenario.startswith("postgres-") else scenario
        return (re.fullmatch(r"latchkey-assume-role-\d+", scenario) is not None,
                list(RATIO_TARGETS).index(sqlite_name) if sqlite_name in RATIO_TARGETS else len(RATIO_TARGETS),
                sqlite_name, scenario.startswith("postgres-"))
    scenarios.sort(key=order)

    def per_round(scenario: str, connections: int, field: str, divide_by_baseline: bool) -> list[float]:
        values = []
        for round_ in rounds:
            run, base = runs.get((round_, scenario, connections)), runs.get((round_, "baseline", connections))
            if run is None or (divide_by_baseline and base is None):
                continue
            values.append(run[field] / base[field] if divide_by_baseline else run[field])
        return values

    print(f"Per-round ratios to the baseline (scenario req/s / baseline req/s of the same round), {len(rounds)} rounds")
    for connections in connection_counts:
        header = " ".join(f"{'round ' + str(r):>8}" for r in rounds)
        print(f"{'scenario':<28} {'conns':>5} {header}")
        baseline = [f"{runs[(r, 'baseline', connections)]['rate']:>8.0f}" if (r, "baseline", connections) in runs
                    else f"{'-':>8}" for r in rounds]
        print(f"{'baseline (req/s)':<28} {connections:>5} {' '.join(baseline)}")
        for scenario in scenarios:
            cells = []
            for r in rounds:
                run, base = runs.get((r, scenario, connections)), runs.get((r, "baseline", connections))
                cells.append(f"{run['rate'] / base['rate']:>8.3f}" if run and base else f"{'-':>8}")
            print(f"{scenario:<28} {connections:>5} {' '.join(cells)}")
        print()

    print(f"Medians over the rounds (ratio: median of the per-round ratios [min-max] and interquartile range; p99x: "
          f"median of the per-round p99 / baseline p99; targets of issue 12 at {TARGET_CONNECTIONS} connections)")
    print(f"{'scenario':<28} {'conns':>5} {'ratio':>6} {'[min-max]':>13} {'IQR':>11} {'req/s':>8} {'p50 ms':>7} "
          f"{'p99 ms':>7} {'p99x':>5}  {'target':<16} {'p99 target':<14} {'errors':>6}")
    for connections in connection_counts:
        for scenario in ["baseline", *scenarios]:
            rates = per_round(scenario, connections, "rate", False)
            if not rates:
                continue
            p50 = statistics.median(per_round(scenario, connections, "p50_us", False)) / 1000
            p99 = statistics.median(per_round(scenario, connections, "p99_us", False)) / 1000
            errors = sum(int(run["non2xx"] + run["socket_errors"])
                         for r in rounds if (run := runs.get((r, scenario, connections))))
            ratio_cells = f"{'-':>6} {'':>13} {'':>11}"
            p99_cell, target, p99_target = f"{'-':>5}", "", ""
            if scenario != "baseline":
                median, low, high, q1, q3 = spread(per_round(scenario, connections, "rate", True))
                ratio_cells = f"{median:>6.3f} {f'[{low:.3f}-{high:.3f}]':>13} {f'{q1:.3f}-{q3:.3f}':>11}"
                p99_ratio = statistics.median(per_round(scenario, connections, "p99_us", True))
                p99_cell = f"{p99_ratio:>5.2f}"
                goal = RATIO_TARGETS.get(re.sub(r"-\d+$", "", scenario))
                if connections == TARGET_CONNECTIONS:
                    if goal is not None:
                        target = f">={goal:.2f} {'met' if median >= goal else 'not met'}"
                    p99_target = f"<={P99_TARGET:.0f}x {'met' if p99_ratio <= P99_TARGET else 'not met'}"
            print(f"{scenario:<28} {connections:>5} {ratio_cells} {statistics.median(rates):>8.0f} {p50:>7.2f} "
                  f"{p99:>7.2f} {p99_cell}  {target:<16} {p99_target:<14} {errors:>6}")
    print()

    for scenario in scenarios:
        match = re.fullmatch(r"latchkey-assume-role-(\d+)", scenario)
        if not match:
            continue
        print(f"Population: AssumeRole with {match[1]} more users and roles / AssumeRole on the small store (ratios to "
              f"the baseline of the same round; target of issue 12: >= {POPULATION_TARGET:.2f}, within 10%)")
        for connections in connection_counts:
            large = {r: runs[(r, scenario, connections)]["rate"] / runs[(r, "baseline", connections)]["rate"]
                     for r in rounds if (r, scenario, connections) in runs and (r, "baseline", connections) in runs}
            small = {r: runs[(r, "latchkey-assume-role", connections)]["rate"]
                     / runs[(r, "baseline", connections)]["rate"]
                     for r in rounds if (r, "latchkey-assume-role", connections) in runs and r in large}
            common = [r for r in rounds if r in large and r in small]
            if not common:
                print(f"  {connections} connections: no small-store AssumeRole runs to compare with")
                continue
            each = [large[r] / small[r] for r in common]
            median, low, high, _, _ = spread(each)
            of_medians = statistics.median(large.values()) / statistics.median(small.values())
            verdict = "met" if median >= POPULATION_TARGET else "not met"
            print(f"  {connections} connections: per round {' '.join(f'{v:.3f}' for v in each)}; median {median:.3f} "
                  f"[{low:.3f}-{high:.3f}]; ratio of the medians {of_medians:.3f}; target {verdict}")
        print()


    pairs = [(s, "latchkey-" + s.removeprefix("postgres-")) for s in scenarios if s.startswith("postgres-")]
    if pairs:
        print(f"Stores: PostgreSQL / SQLite, each as its ratio to the baseline of the same round (goal of issue 13: "
              f">= {STORE_TARGET:.2f}, the PostgreSQL store within 10% of SQLite)")
        for connections in connection_counts:
            for postgres, sqlite in pairs:
                each = [runs[(r, postgres, connections)]["rate"] / runs[(r, sqlite, connections)]["rate"]
                        for r in rounds if (r, postgres, connections) in runs and (r, sqlite, connections) in runs]
                if not each:
                    continue
                median, low, high, _, _ = spread(each)
                verdict = "met" if median >= STORE_TARGET else "not met"
                print(f"  {postgres.removeprefix('postgres-'):<14} {connections:>3} conns: per round "
                      f"{' '.join(f'{v:.3f}' for v in each)}; median {median:.3f} [{low:.3f}-{high:.3f}]; "
                      f"goal {verdict}")
        print()


def startup(binary: str, runs: int, settle: float) -> int:
    """Starts `binary serve` on a fresh data dir (no configuration file: the default settings, so the server creates
    the master key, the database and an account and prints the account's root key) `runs` times. For each run it
    measures the time from just before the exec (subprocess.Popen) to the end of the first 200 answer to a
    GetCallerIdentity signed with that root key, then the RSS after `settle` seconds of idling."""
    import re
    import select
    import signal
    import statistics
    import subprocess
    import tempfile
    import time
    from http.client import HTTPConnection

    measured = []
    print(f"{'run':>3} {'listening ms':>12} {'first 200 ms':>12} {'signing ms':>10} {'attempts':>8} "
          f"{'idle RSS MB':>11} {'peak RSS MB':>11}")
    for run in range(1, runs + 1):
        with tempfile.TemporaryDirectory(prefix="latchkey-startup-") as directory:
            stderr = open(Path(directory) / "stderr.log", "wb")  # noqa: SIM115 - closed below
            command = [binary, "serve", "--data-dir", f"{directory}/data", "--host", "127.0.0.1", "--port", "0"]
            started = time.perf_counter()
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr)
            try:
                output = b""
                fd = process.stdout.fileno()
                while b"latchkey listening on" not in output or not output.endswith(b"\n"):
                    # select wakes as soon as the server writes: no poll interval in the measurement.
                    ready, _, _ = select.select([fd], [], [], 10)
                    chunk = os.read(fd, 65536) if ready else b""
                    if not chunk:
                        raise SystemExit(f"the server wrote no listening line: {output.decode(errors='replace')}")
                    output += chunk
                listening = time.perf_counter()
                text = output.decode()
                port = re.search(r"latchkey listening on http://[^:]+:(\d+)", text)[1]
                key = re.search(r"AWS_ACCESS_KEY_ID=(\S+)", text)
                secret = re.search(r"AWS_SECRET_ACCESS_KEY=(\S+)", text)
                if not key or not secret:
                    raise SystemExit(f"the server printed no root key: {text}")
                endpoint = f"http://127.0.0.1:{port}"
                headers = signed_headers(endpoint, Credentials(key[1], secret[1]))
                signed = time.perf_counter()
                attempts = 0
                while True:  # a tight loop: the listening line is written once the socket is bound
                    attempts += 1
                    connection = HTTPConnection("127.0.0.1", int(port), timeout=10)
                    try:
                        connection.request("POST", "/", body=BODY, headers=headers)
                        response = connection.getresponse()
                        body = response.read()
                    except ConnectionError:
                        if time.perf_counter() - started > 10:
                            raise
                        continue
                    finally:
                        connection.close()
                    if response.status == 200:
                        break
                    if time.perf_counter() - started > 10:
                        raise SystemExit(f"GetCallerIdentity answered {response.status}: {body[:300]!r}")
                answered = time.perf_counter()
                time.sleep(settle)
                status = Path(f"/proc/{process.pid}/status").read_text()
                rss = int(re.search(r"VmRSS:\s+(\d+)", status)[1]) / 1024
                peak = int(re.search(r"VmHWM:\s+(\d+)", status)[1]) / 1024
            finally:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                stderr.close()
        row = ((listening - started) * 1000, (answered - started) * 1000, (signed - listening) * 1000, rss, peak)
        measured.append(row)
        print(f"{run:>3} {row[0]:>12.1f} {row[1]:>12.1f} {row[2]:>10.2f} {attempts:>8} {row[3]:>11.1f} {row[4]:>11.1f}")

    def summary(index: int) -> str:
        values = [row[index] for row in measured]
        return f"median {statistics.median(values):.1f} [{min(values):.1f}-{max(values):.1f}]"

    first = statistics.median(row[1] for row in measured)
    rss = statistics.median(row[3] for row in measured)
    print(f"exec to listening line, ms: {summary(0)}")
    print(f"exec to first 200, ms:      {summary(1)}   target <= 60 ms: {'met' if first <= 60 else 'not met'}")
    print(f"idle RSS after {settle:g} s, MB:  {summary(3)}   target <= 40 MB: {'met' if rss <= 40 else 'not met'}")
    print(f"peak RSS (VmHWM), MB:       {summary(4)}")
    return 0


def main(arguments: list[str]) -> int:
    match arguments:
        case ["prepare", endpoint, out]:
            prepare(endpoint, Path(out))
        case ["issuer", directory]:
            run_issuer(Path(directory))
        case ["table" | "report", results]:
            report(Path(results))
        case ["populated", endpoint, out, count]:
            populated(endpoint, Path(out), int(count))
        case ["startup", binary, runs, settle]:
            return startup(binary, int(runs), float(settle))
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
