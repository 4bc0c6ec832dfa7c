"""The scheduled sweep (EventBridge Scheduler on AWS, a timer or `make sweep` in embedded mode)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from portal.bootstrap import container
from portal.handlers.http import logger
from portal.services.sweeper import sweep


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:  # noqa: ARG001
    deps = container()
    report = sweep(
        policy=deps.complaint_policy,
        repository=deps.complaints,
        outbox=deps.outbox,
        notifier=deps.notifier,
        clock=deps.clock,
    )
    logger.info("sweep finished", extra=asdict(report))
    return asdict(report)
