"""Each function in template.yaml gets, from its own environment, every adapter its handler uses."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from moto import mock_aws
from portal.bootstrap import Container
from portal.config import Settings
from portal_infra.template import Template

TEMPLATE = Template()
# What each handler touches when it runs (beyond settings); a missing variable fails the build here,
# not on the first request after a deploy.
NEEDS = {
    "ComplaintsFunction": ["complaints", "idempotency_store", "access_log", "self_service", "evidence_store"],
    "AdminFunction": ["complaints", "idempotency_store", "desk", "outbox", "evidence", "evidence_store"],
    "SweeperFunction": ["complaints", "outbox", "notifier"],
}


@pytest.fixture
def aws() -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update({"AWS_DEFAULT_REGION": "cn-north-1", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"})
    with mock_aws():
        yield
    os.environ.clear()
    os.environ.update(saved)


def test_every_function_in_the_template_is_covered() -> None:
    assert set(TEMPLATE.functions()) == set(NEEDS)


@pytest.mark.parametrize("function", sorted(NEEDS))
def test_a_function_builds_what_its_handler_uses_from_its_own_environment(aws: None, function: str) -> None:
    # Given only that function's variables, with a KMS key ARN as CloudFormation would pass it
    environment = TEMPLATE.function_environment(function)
    if "PII_KMS_KEY_ID" in environment:
        environment["PII_KMS_KEY_ID"] = (
            "arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        )
    for name in ("COMPLAINTS_TABLE", "IDEMPOTENCY_TABLE", "PII_KMS_KEY_ID", "PII_KEY_FILE", "NOTICES_TOPIC_ARN"):
        os.environ.pop(name, None)
    os.environ.update(environment)

    # When the composition root builds each adapter the handler uses, then none is missing a setting
    deps = Container(Settings.from_env())
    for adapter in NEEDS[function]:
        assert getattr(deps, adapter) is not None
