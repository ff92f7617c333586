"""Socket Mode has no HTTP server for Slack, yet /healthz, /readyz and /metrics are served on PORT;
SIGTERM closes the socket, drains and exits 0 there too."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

from mplus_emulator.server import EmulatorServer
from slack_sandbox.fake_slack import FakeSlack
from tests.conftest import EMULATOR_IDENT, EMULATOR_SECRET, free_port
from tests.test_cli import ORDERBOT, _env, _wait_http


def test_socket_mode_serves_the_ops_routes_on_port_and_stops_cleanly(
    tmp_path: Path, process_cleanup: list
) -> None:
    emulator = EmulatorServer(port=0, seed="demo", ident=EMULATOR_IDENT, secret=EMULATOR_SECRET).start()
    fake = FakeSlack(port=0, bot_token="xoxb-socket-test").start()
    try:
        port = free_port()
        env = _env(
            SLACK_BOT_TOKEN="xoxb-socket-test",
            SLACK_APP_TOKEN=fake.app_token,  # the fake opens no WebSocket: the bot keeps reconnecting
            SLACK_API_URL=fake.api_url,
            MPLUS_URL=emulator.url,
            MPLUS_IDENT=EMULATOR_IDENT,
            MPLUS_SECRET=EMULATOR_SECRET,
            MPLUS_WSDL_CACHE=str(tmp_path / "wsdl.sqlite"),
            HOST="127.0.0.1",
            PORT=str(port),
        )
        log = (tmp_path / "orderbot.log").open("wb")
        proc = subprocess.Popen([*ORDERBOT, "run"], cwd=tmp_path, env=env, stdout=log, stderr=log)
        process_cleanup.append(proc)
        assert json.loads(_wait_http(f"http://127.0.0.1:{port}/healthz"))["status"] == "alive"
        ready = json.loads(_wait_http(f"http://127.0.0.1:{port}/readyz"))
        assert ready["status"] == "ready" and ready["checks"]["mplus"]["ok"], ready
        metrics = _wait_http(f"http://127.0.0.1:{port}/metrics").decode()
        assert 'orderbot_ready{check="all"} 1.0' in metrics
        assert proc.poll() is None

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 0  # socket closed, background work stopped, store closed
        said = (tmp_path / "orderbot.log").read_text()
        assert "Traceback" not in said, said
    finally:
        fake.stop()
        emulator.stop()
