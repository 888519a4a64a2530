"""Lifecycle: state survives a restart; the first start without a config prints a root key once."""

from __future__ import annotations

import re
from pathlib import Path

from latchkey_harness import ACCOUNT_ID, Keys, StartServer, create_user_with_key, stop_cleanly


def test_users_and_keys_survive_a_restart(start_server: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = start_server(data_dir)
    user = create_user_with_key(first)
    stop_cleanly(first)

    second = start_server(data_dir)
    identity = second.sts(user.keys).get_caller_identity()
    assert identity["Arn"] == user.arn
    assert identity["Account"] == ACCOUNT_ID
    assert user.name in [listed["UserName"] for listed in second.iam().list_users()["Users"]]
    assert second.sts().get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"


def test_first_start_without_config_prints_a_working_root_key_once(start_server: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh"
    first = start_server(data_dir, with_config=False)
    access_key_id = first.printed("AWS_ACCESS_KEY_ID")
    secret = first.printed("AWS_SECRET_ACCESS_KEY")
    account = first.printed("LATCHKEY_ACCOUNT_ID")
    assert access_key_id is not None, first.lines
    assert access_key_id.startswith("AKIA"), first.lines
    assert secret, first.lines
    assert account is not None, first.lines
    assert re.fullmatch(r"\d{12}", account), first.lines
    keys = Keys(access_key_id, secret)
    assert first.sts(keys).get_caller_identity()["Arn"] == f"arn:aws:iam::{account}:root"
    stop_cleanly(first)

    second = start_server(data_dir, with_config=False)
    assert second.printed("AWS_SECRET_ACCESS_KEY") is None, second.lines
    assert second.sts(keys).get_caller_identity()["Account"] == account
