"""The order of the shutdown steps, and what happens when the grace period runs out."""

from __future__ import annotations

import threading

import pytest

from bot.ops.shutdown import Steps, shut_down
from bot.slack.work import InFlight


def steps(in_flight: InFlight, log: list[str]) -> Steps:
    return Steps(
        stop_intake=lambda: log.append("stop intake"),
        wait_idle=lambda timeout: log.append("wait") or in_flight.wait_idle(timeout),
        in_flight=lambda: in_flight.count,
        stop_background=lambda _timeout: log.append("stop notifier"),
        close=lambda: log.append("close store"),
    )


def test_requests_in_flight_finish_before_the_notifier_stops_and_the_store_closes() -> None:
    in_flight, log = InFlight(), []
    work = in_flight.track()
    work.__enter__()
    finisher = threading.Timer(0.2, lambda: (log.append("work done"), work.__exit__(None, None, None)))
    finisher.start()
    assert shut_down(steps(in_flight, log), grace_s=30) is True
    assert log == ["stop intake", "wait", "work done", "stop notifier", "close store"]


def test_when_the_grace_runs_out_it_still_closes_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    in_flight, log = InFlight(), []
    stuck = in_flight.track()
    stuck.__enter__()
    try:
        assert shut_down(steps(in_flight, log), grace_s=0.2) is False
    finally:
        stuck.__exit__(None, None, None)
    assert log == ["stop intake", "wait", "stop notifier", "close store"]
    assert "1 request(s) still running" in caplog.text
