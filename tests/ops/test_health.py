"""/healthz, /readyz and /metrics on the real bot over HTTP, with the emulator and the fake Slack."""

from __future__ import annotations

import json
import math
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.mirror.health import health as mirror_health
from bot.mirror.sync import MirrorConfig, MirrorSync
from bot.ops.health import ReadinessMonitor
from bot.ops.http import OpsServer, ops_app
from bot.ops.instrument import MeteredConfirmedActions
from bot.ops.metrics import REGISTRY, set_mirror_lag
from bot.store.audit import AuditLog
from bot.store.confirmations import ConfirmationStore
from bot.store.mirror_tables import MirrorStateRow
from bot.store.schema import heads
from bot.store.sync_state import SyncStateStore
from tests.slack.conftest import ALICE, CHANNEL, BotRig, wait_for

Body = dict[str, Any]


def get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as err:
        return err.code, err.read(), err.headers.get("Content-Type", "")


def get_json(url: str) -> tuple[int, Body]:
    status, body, _ = get(url)
    return status, json.loads(body)


def sample(metric: str, /, **labels: str) -> float:
    value = REGISTRY.get_sample_value(metric, labels)
    return 0.0 if value is None else value


def scrape(base_url: str) -> dict[str, list[Any]]:
    status, body, content_type = get(f"{base_url}/metrics")
    assert status == 200 and content_type.startswith("text/plain")
    return {family.name: family.samples for family in text_string_to_metric_families(body.decode())}


def mplus_calls(rig: BotRig) -> int:
    return len(rig.emulator.calls())


def readiness(rig: BotRig) -> ReadinessMonitor:
    assert rig.runtime.readiness is not None
    return rig.runtime.readiness


def test_healthz_is_liveness_and_never_asks_mplus(rig: BotRig) -> None:
    rig.emulator.add_fault(operation="*", kind="http_500")
    before = mplus_calls(rig)
    for _ in range(20):
        status, body = get_json(f"{rig.base_url}/healthz")
        assert status == 200 and body["status"] == "alive"
        assert body["mirror"]["first_sync"] == "not started"  # progress from the store, not from Mplus
    assert mplus_calls(rig) == before


def test_readyz_reports_each_check_from_the_cached_result(rig: BotRig) -> None:
    status, body = get_json(f"{rig.base_url}/readyz")
    assert status == 503 and body["reason"].startswith("starting")

    readiness(rig).refresh()
    status, body = get_json(f"{rig.base_url}/readyz")
    assert status == 200 and body["status"] == "ready", body
    assert body["checks"]["mplus"]["ok"] and body["checks"]["store"]["ok"]
    assert body["checks"]["store"]["detail"] == f"reachable, schema {', '.join(heads())}"

    rig.emulator.add_fault(operation="*", kind="http_500")
    status, body = get_json(f"{rig.base_url}/readyz")
    assert status == 200, "answers come from the cache, not from Mplus"
    readiness(rig).refresh()
    status, body = get_json(f"{rig.base_url}/readyz")
    assert status == 503 and body["status"] == "not ready"
    assert (
        body["reason"]
        == "mplus: Unavailable: Mplus answered HTTP 500 to getCurrentSyncMarkers"
    )
    assert not body["checks"]["mplus"]["ok"] and body["checks"]["store"]["ok"]
    assert sample("orderbot_ready", check="mplus") == 0 and sample("orderbot_ready", check="all") == 0

    rig.emulator.clear_faults()
    readiness(rig).refresh()
    assert get_json(f"{rig.base_url}/readyz")[0] == 200
    assert sample("orderbot_ready", check="all") == 1


def _five_changes_behind(rig: BotRig) -> SyncStateStore:
    top = rig.runtime.mplus.get_current_sync_markers().order_sync_marker
    state = SyncStateStore(rig.runtime.deps.db)
    state.init(top - 4, None)  # changes top-4 … top not processed yet
    return state


def test_readyz_shows_the_notifier_lag(rig: BotRig) -> None:
    _five_changes_behind(rig)
    readiness(rig).refresh()
    status, body = get_json(f"{rig.base_url}/readyz")
    # Nobody is subscribed, so no notifier runs: the lag is shown, but is no reason to be unready.
    assert status == 200 and body["notifier_lag"] == 5, body
    assert body["notifier"]["notifier"] == "ok" and body["notifier"]["lease_holder"] is None
    assert sample("orderbot_notifier_lag_markers") == 5


@pytest.mark.bot_settings(notify_channel=CHANNEL, ready_notifier_stale_s=0.001)
def test_readyz_reports_a_stuck_notifier(rig: BotRig) -> None:
    state = _five_changes_behind(rig)
    state.pass_failed("host-1", "slack: channel_not_found")
    readiness(rig).refresh()
    status, body = get_json(f"{rig.base_url}/readyz")
    assert status == 503
    assert body["reason"].startswith("notifier: 5 changes behind, no good pass for")
    assert "ORDERBOT_READY_NOTIFIER_STALE_S" in body["reason"] and "channel_not_found" in body["reason"]


def test_a_failing_readiness_endpoint_is_503_not_500(rig: BotRig, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(readiness(rig), "current", broken)
    status, body = get_json(f"{rig.base_url}/readyz")
    assert status == 503 and body == {"status": "error", "reason": "RuntimeError"}


def test_a_stuck_checker_turns_into_not_ready(rig: BotRig) -> None:
    monitor = readiness(rig)
    monitor.refresh()
    monitor._stale_after = 0.0  # as if the checker hung on Mplus since the last result
    status, body = get_json(f"{rig.base_url}/readyz")
    assert status == 503 and body["reason"].startswith("readiness checks stuck")


@pytest.mark.bot_settings(ready_interval_s=0.5)
def test_a_probe_flood_with_mplus_slow_costs_no_soap_calls_and_no_ack_time(rig: BotRig) -> None:
    readiness(rig).refresh()
    rig.emulator.add_fault(operation="*", kind="latency", latency_ms=1500)
    readiness(rig).start()
    before = mplus_calls(rig)
    started = time.monotonic()
    paths = ["/healthz", "/readyz", "/metrics"]
    ack: dict[str, float] = {}

    def command_during_flood() -> None:
        sent = time.monotonic()
        result = rig.slack.command("/order", "help", user=ALICE, channel=CHANNEL)
        ack["status"], ack["seconds"] = result.status, time.monotonic() - sent

    with ThreadPoolExecutor(max_workers=24) as pool:
        probes = [pool.submit(get, f"{rig.base_url}{paths[i % 3]}") for i in range(300)]
        command = threading.Thread(target=command_during_flood)
        command.start()
        statuses = [probe.result()[0] for probe in probes]
        command.join()
    elapsed = time.monotonic() - started
    soap_calls = mplus_calls(rig) - before
    # Probes are answered from memory; only the background checker talks to Mplus, one slow
    # call at a time (each takes 1.5 s here), however many probes arrive.
    assert soap_calls <= 1 + elapsed / 1.5, (soap_calls, elapsed)
    assert soap_calls <= 10
    assert set(statuses) <= {200, 503} and statuses.count(200) >= 200
    # Slack gives up on an ack after 3 s; the flood must not come close.
    assert ack["status"] == 200 and ack["seconds"] < 3.0, ack


def test_metrics_count_commands_replies_mplus_and_slack_calls(rig: BotRig) -> None:
    before = {
        "acked": sample("orderbot_slack_requests_total", kind="command", name="methods", outcome="acked"),
        "replied": sample("orderbot_replies_total", kind="command", name="methods", outcome="ok"),
        "acks": sample("orderbot_ack_seconds_count", kind="command"),
        "replies": sample("orderbot_reply_seconds_count", kind="command"),
        "mplus": sample("orderbot_mplus_calls_total", operation="getDeliveryMethods", outcome="ok"),
        "unknown": sample("orderbot_slack_requests_total", kind="command", name="unknown", outcome="acked"),
    }
    reply = rig.run("methods")
    assert "Delivery methods" in json.dumps(reply)
    rig.slack.command("/order", "<script>nonsense</script>", user=ALICE, channel=CHANNEL)

    wait_for(
        lambda: (
            sample("orderbot_replies_total", kind="command", name="methods", outcome="ok") > before["replied"]
        ),
        what="the reply to be counted",
    )
    families = scrape(rig.base_url)
    assert "orderbot_slack_requests" in families and "orderbot_mplus_call_seconds" in families
    assert sample("orderbot_slack_requests_total", kind="command", name="methods", outcome="acked") == (
        before["acked"] + 1
    )
    # Free text never becomes a label: an unknown subcommand is counted as "unknown".
    assert sample("orderbot_slack_requests_total", kind="command", name="unknown", outcome="acked") == (
        before["unknown"] + 1
    )
    assert sample("orderbot_ack_seconds_count", kind="command") == before["acks"] + 2
    assert sample("orderbot_reply_seconds_count", kind="command") >= before["replies"] + 1
    assert (
        sample("orderbot_mplus_calls_total", operation="getDeliveryMethods", outcome="ok") > before["mplus"]
    )


def test_metrics_count_failed_replies_and_mplus_errors(rig: BotRig) -> None:
    failed = sample("orderbot_replies_total", kind="command", name="methods", outcome="failed")
    errors = sample("orderbot_mplus_calls_total", operation="getDeliveryMethods", outcome="Unavailable")
    rig.emulator.add_fault(operation="getDeliveryMethods", kind="http_500")
    reply = rig.run("methods")
    assert "error id" in json.dumps(reply)
    wait_for(
        lambda: sample("orderbot_replies_total", kind="command", name="methods", outcome="failed") > failed,
        what="the failed reply to be counted",
    )
    assert (
        sample("orderbot_mplus_calls_total", operation="getDeliveryMethods", outcome="Unavailable") > errors
    )


def test_metrics_count_slack_api_calls_and_429s(rig: BotRig) -> None:
    calls = sample("orderbot_slack_api_calls_total", method="auth.test", outcome="ok")
    limited = sample("orderbot_slack_api_rate_limited_total", method="auth.test")
    rig.fake.rate_limit("auth.test", times=1, retry_after=0)
    assert rig.runtime.slack.auth_test()["ok"]
    assert sample("orderbot_slack_api_calls_total", method="auth.test", outcome="ok") == calls + 1
    assert sample("orderbot_slack_api_rate_limited_total", method="auth.test") == limited + 1


def test_metrics_count_confirmations_by_outcome(rig: BotRig) -> None:
    deps = rig.runtime.deps
    assert isinstance(deps.confirmed, MeteredConfirmedActions)
    order = rig.runtime.mplus.get_orders()[0]
    store = ConfirmationStore(deps.db)
    expired = store.create(
        action="deliver",
        order_id=order.order_id,
        user_id=ALICE,
        channel_id=CHANNEL,
        params={},
        order_sync_marker=order.sync_marker,
        ttl=timedelta(seconds=-1),
    )
    before = sample("orderbot_confirmations_total", action="deliver", outcome="expired")
    assert deps.confirmed.confirm(expired.token, ALICE).outcome == "expired"
    assert sample("orderbot_confirmations_total", action="deliver", outcome="expired") == before + 1
    assert AuditLog(deps.db).for_order(order.order_id) == []


def _mirror_lag(base_url: str) -> tuple[float, float]:
    families = scrape(base_url)
    return families["orderbot_mirror_lag_markers"][0].value, families["orderbot_mirror_lag_seconds"][0].value


def test_metrics_show_the_mirror_lag_after_a_pass_set_by_the_background_round(rig: BotRig) -> None:
    set_mirror_lag(None)  # the gauges are process-wide: forget what an earlier test left
    readiness(rig).refresh()
    markers, seconds = _mirror_lag(rig.base_url)
    assert math.isnan(markers) and math.isnan(seconds)  # no mirror pass yet: unknown, not 0

    report = MirrorSync(MirrorConfig(), rig.runtime.mplus, rig.runtime.deps.db).run_until_level()
    assert report.error is None, report.error
    assert math.isnan(_mirror_lag(rig.base_url)[0])  # a scrape alone reads nothing from the store

    readiness(rig).refresh()
    markers, seconds = _mirror_lag(rig.base_url)
    assert markers == mirror_health(rig.runtime.deps.db)["behind"] == 0
    assert 0 <= seconds < 600


def test_mirror_lag_counts_changes_the_last_pass_saw_but_did_not_store(rig: BotRig) -> None:
    db = rig.runtime.deps.db
    MirrorSync(MirrorConfig(), rig.runtime.mplus, db).run_until_level()
    with db.transaction() as session:  # as if the last pass had stopped 3 orders short of level
        session.get_one(MirrorStateRow, "orders").next_marker -= 3
    behind = mirror_health(db)["behind"]
    assert behind is not None and behind >= 3
    readiness(rig).refresh()
    assert _mirror_lag(rig.base_url)[0] == behind


def test_ops_server_serves_the_routes_on_its_own_port(rig: BotRig) -> None:
    """What Socket Mode runs on PORT, since it has no HTTP server for Slack."""
    server = OpsServer(ops_app(readiness(rig)), "127.0.0.1", 0).start()
    try:
        base = f"http://127.0.0.1:{server.port}"
        assert get_json(f"{base}/healthz") == (200, {"status": "alive"})
        assert get_json(f"{base}/readyz")[0] in (200, 503)
        assert get(f"{base}/metrics")[0] == 200
        assert get(f"{base}/slack/events")[0] == 404
    finally:
        server.stop()
