"""Declared operations Latchkey validates but does not perform: SimulatePrincipalPolicy through boto3."""

from __future__ import annotations

from latchkey_harness import ACCOUNT_ID, Server, client_error


def test_simulate_principal_policy_is_validated_then_not_offered(server: Server) -> None:
    error = client_error(
        server.iam().simulate_principal_policy,
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT_ID}:root",
        ActionNames=["sts:AssumeRole"],
    )
    assert error.response["Error"]["Code"] == "InvalidAction"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error.response["Error"]["Message"] == (
        "Latchkey does not offer SimulatePrincipalPolicy yet. "
        "The request was authenticated and its parameters are valid."
    )


def test_simulate_principal_policy_parameters_are_validated_first(server: Server) -> None:
    # ActionNames is required by the model: validation answers before "not offered".
    error = client_error(
        server.iam().simulate_principal_policy,
        PolicySourceArn="x" * 3000,
        ActionNames=["sts:AssumeRole"],
    )
    assert error.response["Error"]["Code"] == "ValidationError"
    assert "policySourceArn" in error.response["Error"]["Message"]
