"""CloudTrail LookupEvents on Latchkey's endpoint: boto3's `cloudtrail.lookup_events` and the AWS CLI's
`aws cloudtrail lookup-events` find the events of calls the test made (written to the store by the audit trail's
writer within a moment: polled with a deadline), filter by each lookup attribute, page, and get CloudTrail's errors.
Every test uses the shared `server` fixture, so the suite also runs against three nodes on PostgreSQL (an event
recorded by one node is looked up through another)."""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Callable

import pytest
from botocore.config import Config

from latchkey_harness import (
    ACCOUNT_ID,
    BOTO_CONFIG,
    REGION,
    ROOT_KEYS,
    Keys,
    Server,
    User,
    boto_session,
    client_error,
    create_user_with_key,
    error_code,
    send,
    unique,
)

TARGET = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"
DEADLINE = 60.0


def cloudtrail(server: Server, keys: Keys = ROOT_KEYS):
    return server.client("cloudtrail", keys)


def unvalidated(server: Server, keys: Keys = ROOT_KEYS):
    """A client that sends what it is given (botocore checks MaxResults and the like before sending otherwise)."""
    return boto_session().client(
        "cloudtrail",
        endpoint_url=server.endpoint,
        region_name=REGION,
        aws_access_key_id=keys.access_key_id,
        aws_secret_access_key=keys.secret_access_key,
        aws_session_token=keys.session_token,
        config=BOTO_CONFIG.merge(Config(parameter_validation=False)),
    )


def attribute(key: str, value: str) -> list[dict[str, str]]:
    return [{"AttributeKey": key, "AttributeValue": value}]


def all_events(client, **kwargs) -> list[dict]:
    """Every event of a lookup, through boto3's paginator."""
    events: list[dict] = []
    for page in client.get_paginator("lookup_events").paginate(**kwargs):
        events += page["Events"]
    return events


def wait_for(lookup: Callable[[], list[dict]], count: int) -> list[dict]:
    """The events `lookup` finds once it finds at least `count` (the writer flushes every 100 ms)."""
    deadline = time.monotonic() + DEADLINE
    events: list[dict] = []
    while time.monotonic() < deadline:
        events = lookup()
        if len(events) >= count:
            return events
        time.sleep(0.1)
    raise AssertionError(f"LookupEvents found {len(events)} of {count} events within {DEADLINE} s: {events}")


def recent() -> datetime.datetime:
    """A start time a little before now: lookups of this test's events skip the rest of the session's."""
    return datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)


def test_finds_the_calls_of_a_user_by_username_and_access_key_and_pages(server: Server, user: User) -> None:
    sts = server.sts(user.keys)
    for _ in range(3):
        sts.get_caller_identity()
    root = cloudtrail(server)
    events = wait_for(
        lambda: all_events(root, LookupAttributes=attribute("Username", user.name), StartTime=recent()), 3
    )
    assert [event["EventName"] for event in events] == ["GetCallerIdentity"] * 3
    for event in events:
        assert event["Username"] == user.name
        assert event["AccessKeyId"] == user.keys.access_key_id
        assert event["EventSource"] == "sts.amazonaws.com"
        assert event["ReadOnly"] == "true"
        assert isinstance(event["EventTime"], datetime.datetime)
        record = json.loads(event["CloudTrailEvent"])
        assert record["eventID"] == event["EventId"]
        assert record["recipientAccountId"] == ACCOUNT_ID
        assert record["userIdentity"]["userName"] == user.name
    times = [event["EventTime"] for event in events]
    assert times == sorted(times, reverse=True)
    by_key = all_events(root, LookupAttributes=attribute("AccessKeyId", user.keys.access_key_id))
    assert {event["EventId"] for event in by_key} == {event["EventId"] for event in events}
    # Paging one event at a time: the same events, in the same order, each once.
    pages = list(
        root.get_paginator("lookup_events").paginate(
            LookupAttributes=attribute("Username", user.name), PaginationConfig={"PageSize": 1}
        )
    )
    paged = [event["EventId"] for page in pages for event in page["Events"]]
    assert paged == [event["EventId"] for event in events]
    assert len(pages) >= 3
    # By event ID: exactly that event.
    one = root.lookup_events(LookupAttributes=attribute("EventId", events[1]["EventId"]))["Events"]
    assert [event["EventId"] for event in one] == [events[1]["EventId"]]


def test_iam_writes_by_event_name_resource_name_and_read_only(server: Server) -> None:
    iam = server.iam()
    name = unique("audited")
    iam.create_user(UserName=name)
    iam.tag_user(UserName=name, Tags=[{"Key": "team", "Value": "blue"}])
    root = cloudtrail(server)

    def created() -> list[dict]:
        events = all_events(root, LookupAttributes=attribute("EventName", "CreateUser"), StartTime=recent())
        return [e for e in events if json.loads(e["CloudTrailEvent"])["requestParameters"].get("userName") == name]

    event = wait_for(created, 1)[0]
    assert event["EventSource"] == "iam.amazonaws.com"
    assert event["ReadOnly"] == "false"
    assert event["AccessKeyId"] == ROOT_KEYS.access_key_id
    writes = all_events(root, LookupAttributes=attribute("ReadOnly", "false"), StartTime=recent())
    assert event["EventId"] in {e["EventId"] for e in writes}
    reads = all_events(root, LookupAttributes=attribute("ReadOnly", "true"), StartTime=recent())
    assert event["EventId"] not in {e["EventId"] for e in reads}
    assert all(e["ReadOnly"] == "true" for e in reads)
    # Every resource an event names finds it again by ResourceName.
    for resource in event.get("Resources", []):
        found = all_events(root, LookupAttributes=attribute("ResourceName", resource["ResourceName"]))
        assert event["EventId"] in {e["EventId"] for e in found}
    by_source = all_events(root, LookupAttributes=attribute("EventSource", "iam.amazonaws.com"), StartTime=recent())
    assert event["EventId"] in {e["EventId"] for e in by_source}


def test_the_aws_cli_looks_up_assume_role_events_and_pages_with_max_items(server: Server, user: User) -> None:
    iam = server.iam()
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": user.arn}, "Action": "sts:AssumeRole"}],
    }
    role = iam.create_role(RoleName=unique("role"), AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    sts = server.sts(user.keys)
    for index in range(2):
        sts.assume_role(RoleArn=role["Arn"], RoleSessionName=f"cli-{index}")
    start = recent().strftime("%Y-%m-%dT%H:%M:%SZ")

    def mine() -> list[dict]:
        result = server.cli(
            "cloudtrail",
            "lookup-events",
            "--lookup-attributes",
            "AttributeKey=EventName,AttributeValue=AssumeRole",
            "--start-time",
            start,
        )
        assert result.returncode == 0, result.stderr
        return [e for e in result.json()["Events"] if e.get("Username") == user.name]

    events = wait_for(mine, 2)
    assert {event["EventName"] for event in events} == {"AssumeRole"}
    for event in events:
        assert event["AccessKeyId"] == user.keys.access_key_id
        record = json.loads(event["CloudTrailEvent"])
        assert record["eventName"] == "AssumeRole"
        assert record["requestParameters"]["roleArn"] == role["Arn"]
    # --max-items 1: one event and a token; --starting-token goes on with the next, never the same one.
    first = server.cli(
        "cloudtrail",
        "lookup-events",
        "--lookup-attributes",
        f"AttributeKey=Username,AttributeValue={user.name}",
        "--max-items",
        "1",
    )
    assert first.returncode == 0, first.stderr
    page = first.json()
    assert len(page["Events"]) == 1
    token = page["NextToken"]
    second = server.cli(
        "cloudtrail",
        "lookup-events",
        "--lookup-attributes",
        f"AttributeKey=Username,AttributeValue={user.name}",
        "--max-items",
        "1",
        "--starting-token",
        token,
    )
    assert second.returncode == 0, second.stderr
    following = second.json()["Events"]
    assert len(following) == 1
    assert following[0]["EventId"] != page["Events"][0]["EventId"]
    assert following[0]["EventTime"] <= page["Events"][0]["EventTime"]


def test_permissions_and_accounts(server: Server) -> None:
    user = create_user_with_key(server)
    denied = client_error(cloudtrail(server, user.keys).lookup_events)
    assert error_code(denied) == ("AccessDeniedException", 400)
    assert "cloudtrail:LookupEvents" in denied.response["Error"]["Message"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "cloudtrail:LookupEvents", "Resource": "*"}],
    }
    server.iam().put_user_policy(UserName=user.name, PolicyName="audit", PolicyDocument=json.dumps(policy))

    def allowed() -> list[dict]:
        try:
            return cloudtrail(server, user.keys).lookup_events(MaxResults=5)["Events"]
        except Exception:  # the policy reaches every node within a second (multinode)
            return []

    events = wait_for(allowed, 1)
    assert all(json.loads(e["CloudTrailEvent"]).get("recipientAccountId") == ACCOUNT_ID for e in events)


def test_bad_requests_get_cloudtrails_errors(server: Server) -> None:
    client = unvalidated(server)
    two = attribute("EventName", "AssumeRole") + attribute("Username", "alice")
    cases = [
        ({"LookupAttributes": two}, "InvalidLookupAttributesException"),
        ({"LookupAttributes": attribute("ReadOnly", "maybe")}, "InvalidLookupAttributesException"),
        ({"MaxResults": 51}, "InvalidMaxResultsException"),
        ({"MaxResults": 0}, "InvalidMaxResultsException"),
        (
            {
                "StartTime": datetime.datetime(2026, 1, 2, tzinfo=datetime.timezone.utc),
                "EndTime": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
            },
            "InvalidTimeRangeException",
        ),
        ({"NextToken": "bm90IGEgdG9rZW4="}, "InvalidNextTokenException"),
        ({"EventCategory": "management"}, "InvalidEventCategoryException"),
    ]
    for arguments, expected in cases:
        error = client_error(client.lookup_events, **arguments)
        assert error_code(error) == (expected, 400), arguments
    assert client.lookup_events(EventCategory="insight")["Events"] == []
    stranger = Keys("AKIAI44QH8DHBEXAMPLE", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY")
    assert error_code(client_error(cloudtrail(server, stranger).lookup_events))[0] == "UnrecognizedClientException"
    wrong = Keys(ROOT_KEYS.access_key_id, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ")
    assert error_code(client_error(cloudtrail(server, wrong).lookup_events))[0] == "InvalidSignatureException"
    unknown = send(
        "POST",
        server.endpoint + "/",
        b"{}",
        {"X-Amz-Target": "CloudTrail_20131101.DescribeTrails", "Content-Type": "application/x-amz-json-1.1"},
    )
    assert unknown.status == 400
    assert json.loads(unknown.body)["__type"] == "UnknownOperationException"
    unsigned = send(
        "POST", server.endpoint + "/", b"{}", {"X-Amz-Target": TARGET, "Content-Type": "application/x-amz-json-1.1"}
    )
    assert unsigned.status == 403
    assert json.loads(unsigned.body)["__type"] == "MissingAuthenticationTokenException"


@pytest.mark.parametrize("key", ["EventName", "Username", "AccessKeyId", "EventId", "ResourceName", "ResourceType"])
def test_each_lookup_attribute_is_accepted(server: Server, key: str) -> None:
    result = cloudtrail(server).lookup_events(LookupAttributes=attribute(key, "nothing-" + key), MaxResults=1)
    assert result["Events"] == []
