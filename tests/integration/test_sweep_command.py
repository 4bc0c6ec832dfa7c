"""`make sweep` beside a running gateway and on its own; workflow changes survive kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from portal_infra.embedded_dynamodb import EmbeddedDynamoDB, StateInUse

from tests.conftest import REPOSITORY, complaint_payload
from tests.gateway_process import free_port, request, start_gateway

pytestmark = pytest.mark.slow


def run_sweep(state: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "portal_infra.sweep", "--state", str(state)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_second_process_cannot_open_the_state_the_gateway_holds(tmp_path: Path) -> None:
    holder = EmbeddedDynamoDB(tmp_path)
    holder.start()
    try:
        with pytest.raises(StateInUse, match="in use"):
            EmbeddedDynamoDB(tmp_path).start()
    finally:
        holder.stop()


def test_a_transition_acknowledged_with_200_survives_kill_9_and_the_sweep_runs_with_or_without_the_gateway(
    tmp_path: Path,
) -> None:
    # Given a running gateway with an accepted complaint
    port = free_port()
    gateway = start_gateway(tmp_path, port)
    try:
        token = {"Authorization": f"Bearer {(tmp_path / 'admin-token').read_text().strip()}"}
        _, created = request(port, "POST", "/api/complaints", complaint_payload())
        number = created["tracking_no"]
        accepted = request(port, "POST", f"/api/admin/complaints/{number}/transitions", {"action": "accept"}, token)
        assert accepted[0] == 200

        # When `make sweep` runs while the gateway holds the state, it asks the gateway to sweep
        beside = run_sweep(tmp_path)
        assert beside.returncode == 0, beside.stderr
        assert "open cases 1" in beside.stdout

        # And the gateway is then killed right after acknowledging the transition
        os.kill(gateway.pid, signal.SIGKILL)
        gateway.wait(timeout=10)
    finally:
        gateway.kill()

    # Then the sweep runs on its own against the state left behind
    alone = run_sweep(tmp_path)
    assert alone.returncode == 0, alone.stderr
    assert "open cases 1" in alone.stdout

    # And after a restart the case is still accepted
    port = free_port()
    restarted = start_gateway(tmp_path, port)
    try:
        status, body = request(
            port, "GET", f"/api/complaints/{number}", headers={"X-Access-Code": created["access_code"]}
        )
        assert status == 200
        assert body["status"] == "accepted"
    finally:
        restarted.send_signal(signal.SIGINT)
        restarted.wait(timeout=20)
