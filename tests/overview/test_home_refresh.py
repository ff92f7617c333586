"""HomeRefresher on a test clock: who gets their App Home republished, how often, and how far apart.

The refresher's background thread is given a tick far in the future, so every pass here is one the
test runs itself (``run_once``) at a clock time the test chose.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from bot.overview.refresh import HomeRefresher

INTERVAL_S = 60.0
WATCH_S = 3600.0
PACE_S = 1.0
MIN_GAP_S = 3.0


class Shop:
    """The clock, the store's version, and every views.publish as (person, clock time)."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.version = 0
        self.published: list[tuple[str, float]] = []
        self.pauses: list[float] = []
        self.failing: set[str] = set()

    def clock(self) -> float:
        return self.now

    def publish(self, user: str) -> None:
        if user in self.failing:
            raise RuntimeError("Slack said no")
        self.published.append((user, self.now))

    def pause(self, seconds: float) -> None:
        """Pacing on the test clock: time passes, nobody waits."""
        self.pauses.append(seconds)
        self.now += seconds

    def change(self) -> None:
        """An order changed: the Home's version moves on."""
        self.version += 1

    def who(self) -> list[str]:
        return [user for user, _ in self.published]


@pytest.fixture
def shop() -> Shop:
    return Shop()


@pytest.fixture
def refresher(shop: Shop) -> Iterator[HomeRefresher]:
    made = HomeRefresher(
        shop.publish,
        lambda: shop.version,
        interval_s=INTERVAL_S,
        watch_s=WATCH_S,
        tick_s=10 * WATCH_S,  # the thread never ticks during a test
        pace_s=PACE_S,
        min_gap_s=MIN_GAP_S,
        monotonic=shop.clock,
        pause=shop.pause,
    )
    yield made
    made.stop()


def test_opening_the_home_publishes_it_at_once_but_a_redelivered_event_does_not(
    shop: Shop, refresher: HomeRefresher
) -> None:
    assert refresher.opened("U_ALICE") is True
    assert shop.published == [("U_ALICE", 1_000.0)]
    shop.now += MIN_GAP_S - 0.5  # Slack redelivers the same app_home_opened
    assert refresher.opened("U_ALICE") is False
    shop.now += 1.0
    assert refresher.opened("U_ALICE") is True
    assert shop.who() == ["U_ALICE", "U_ALICE"]


def test_nothing_changed_means_no_publish(shop: Shop, refresher: HomeRefresher) -> None:
    refresher.opened("U_ALICE")
    shop.now += 10 * INTERVAL_S
    assert refresher.run_once() == 0
    assert shop.who() == ["U_ALICE"]


def test_at_most_once_per_interval_per_person_while_changes_arrive(
    shop: Shop, refresher: HomeRefresher
) -> None:
    refresher.opened("U_ALICE")
    opened_at = shop.now
    # Changes every few seconds during the first minute: the Home waits for the interval.
    for _ in range(10):
        shop.now += 5.0
        shop.change()
        assert refresher.run_once() == 0
    shop.now = opened_at + INTERVAL_S - 0.1
    assert refresher.run_once() == 0
    shop.now = opened_at + INTERVAL_S
    assert refresher.run_once() == 1
    assert shop.published[-1] == ("U_ALICE", opened_at + INTERVAL_S)
    # Up to date now; another change straight after waits for the next interval again.
    shop.change()
    assert refresher.run_once() == 0
    shop.now += INTERVAL_S
    assert refresher.run_once() == 1
    times = [at for _, at in shop.published]
    assert all(b - a >= INTERVAL_S for a, b in itertools.pairwise(times)), times


def test_only_people_who_opened_the_home_within_the_watch_window_are_refreshed(
    shop: Shop, refresher: HomeRefresher
) -> None:
    refresher.opened("U_ALICE")
    shop.now += WATCH_S - 100.0
    refresher.opened("U_BOB")
    shop.now += 101.0  # Alice opened it more than watch_s ago, Bob 101 s ago
    shop.change()
    assert refresher.run_once() == 1
    assert shop.who() == ["U_ALICE", "U_BOB", "U_BOB"]
    # Alice is forgotten: later changes do not reach her Home until she opens it again.
    shop.now += 2 * INTERVAL_S
    shop.change()
    assert refresher.run_once() == 1
    assert shop.who()[-1] == "U_BOB"
    refresher.opened("U_ALICE")
    shop.now += INTERVAL_S
    shop.change()
    refresher.run_once()
    assert sorted(shop.who()[-2:]) == ["U_ALICE", "U_BOB"]


def test_one_pass_paces_its_publishes(shop: Shop, refresher: HomeRefresher) -> None:
    people = ["U_ALICE", "U_BOB", "U_CAROL", "U_DAAN"]
    for person in people:
        refresher.opened(person)
        shop.now += MIN_GAP_S
    shop.now += INTERVAL_S
    shop.change()
    before = len(shop.published)
    assert refresher.run_once() == len(people)
    batch = shop.published[before:]
    assert sorted(user for user, _ in batch) == sorted(people)
    # The first goes at once; each next one pace_s after the one before.
    assert shop.pauses == [PACE_S] * (len(people) - 1)
    times = [at for _, at in batch]
    assert all(b - a >= PACE_S for a, b in itertools.pairwise(times)), times


def test_a_failed_publish_is_tried_again_on_a_later_pass(shop: Shop, refresher: HomeRefresher) -> None:
    refresher.opened("U_ALICE")
    shop.failing.add("U_ALICE")
    shop.now += INTERVAL_S
    shop.change()
    assert refresher.run_once() == 1  # tried, and Slack refused
    assert shop.who() == ["U_ALICE"]
    shop.failing.clear()
    shop.now += 5.0
    assert refresher.run_once() == 1, "not marked as published: still due"
    assert shop.who() == ["U_ALICE", "U_ALICE"]
