"""Persistence (--state), concurrency, and the command line."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml.builder import ElementMaker

from mplus_emulator import cli
from mplus_emulator.server import EmulatorServer

NS = "urn:mplusqapi"
E = ElementMaker(namespace=NS, nsmap={"ns1": NS})
REPO_ROOT = Path(__file__).resolve().parents[2]
API_VERSION = (
    b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
    b'<getApiVersion xmlns="urn:mplusqapi"/></s:Body></s:Envelope>'
)


def test_state_survives_a_restart(make_server: Any, raw_client: Any, tmp_path: Path) -> None:
    path = tmp_path / "state" / "mplus.json"
    first = make_server(seed="empty", state_path=path)
    assert path.exists()
    raw = raw_client(first)
    order_id = raw.create_ok("PERSIST-1")
    raw.pay(order_id, True, ("CASH", 500))
    raw.call(E.createRelation(E.relation(E.name("Blijft Bestaan"))))
    top = first.state()["orderSyncMarker"]
    first.stop()
    assert json.loads(path.read_text())["orders"][order_id]["ext_order_id"] == "PERSIST-1"
    assert [p.name for p in path.parent.iterdir()] == ["mplus.json"]  # no temp files left behind

    second = make_server(seed="demo", state_path=path)  # an existing file wins over the seed
    raw = raw_client(second)
    assert second.state()["orders"] == 1 and second.state()["orderSyncMarker"] == top
    order = raw.get(order_id)
    assert raw.text(order, "prepaidAmount") == "500"
    assert raw.text(raw.call(E.getRelation(E.relationNumber("16"))), "relation/name") == "Blijft Bestaan"
    other = raw.create_ok("PERSIST-2")
    assert int(raw.text(raw.get(other), "syncMarker")) == top + 1
    number = int(raw.text(raw.get(other), "orderNumber/number"))
    assert number == int(raw.text(order, "orderNumber/number")) + 1
    second.reset("empty")
    assert json.loads(path.read_text())["orders"] == {}


def test_every_change_is_persisted_immediately(make_server: Any, raw_client: Any, tmp_path: Path) -> None:
    path = tmp_path / "mplus.json"
    s = make_server(seed="empty", state_path=path)
    raw = raw_client(s)
    order_id = raw.create_ok("P-1")
    assert order_id in json.loads(path.read_text())["orders"]
    raw.deliver(order_id)
    stored = json.loads(path.read_text())["orders"][order_id]
    assert stored["delivery_state"] == "ORDER-DELIVERY-STATE-COMPLETE"
    mtime = path.stat().st_mtime_ns
    raw.orders()  # reads do not rewrite the file
    assert path.stat().st_mtime_ns == mtime


def test_concurrent_creates_get_distinct_markers(srv: EmulatorServer, soap: Any, raw_client: Any) -> None:
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        try:
            raw = raw_client(srv)
            order_id = raw.create_ok(f"CONC-{i}")
            raw.pay(order_id, True, ("CASH", 100))
            with lock:
                results.append(order_id)
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    top = srv.state()["orderSyncMarker"]
    threads = [threading.Thread(target=work, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert len(set(results)) == 20
    orders = soap.orders(E.syncMarker(str(top + 1)))
    markers = [int(soap.text(o, "syncMarker")) for o in orders]
    assert len(orders) == 20 and len(set(markers)) == 20
    assert srv.state()["orderSyncMarker"] == top + 40
    numbers = {soap.text(o, "orderNumber/number") for o in orders}
    assert len(numbers) == 20


def test_cli_runs_as_a_subprocess_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mplus_emulator",
            "--port",
            "0",
            "--seed",
            "empty",
            "--ident",
            "cli",
            "--secret",
            "pw",
            "--state",
            str(tmp_path / "s.json"),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        match = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        assert match, line + (proc.stderr.read() if proc.poll() is not None and proc.stderr else "")
        url = match.group(1)
        assert requests.get(url + "?wsdl", timeout=5).status_code == 200
        assert requests.get(url, timeout=5).status_code == 405
        resp = requests.post(url + "?ident=cli&secret=pw", data=API_VERSION, timeout=5)
        assert resp.status_code == 200 and b"getApiVersionResponse" in resp.content
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)


def test_cli_rejects_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["--seed", "galaxy"])
    assert exc.value.code == 2
    assert cli.main(["--latency-ms", "-1"]) == 2


def test_cli_main_reports_a_busy_port(make_server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    busy = make_server(seed="empty")
    port = busy.url.rsplit(":", 1)[1].strip("/")
    assert cli.main(["--port", port, "--seed", "empty"]) == 1
    assert "cannot start" in capsys.readouterr().err


def test_server_start_stop_are_idempotent() -> None:
    s = EmulatorServer(port=0, seed="empty")
    with pytest.raises(RuntimeError):
        _ = s.url
    with s:
        url = s.url
        s.start()
        assert requests.get(url, timeout=5).status_code == 405
    s.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=2)
