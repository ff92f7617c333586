"""A daily digest carries the 7-day chart for its filter, shared in the channel after the digest."""

from __future__ import annotations

import io
from datetime import timedelta

from matplotlib import image as mpimg

from bot.mplus.models import MPLUS_TZ
from tests.notifier.conftest import GENERAL, NotifierRig, notify_rig  # noqa: F401 - fixture


def test_the_daily_digest_carries_the_chart_of_its_branch(notify_rig: NotifierRig) -> None:  # noqa: F811
    rig = notify_rig
    rig.subscribe(GENERAL, digest_at="08:00", branch=1)
    rig.run()
    rig.shop.create()
    rig.run()
    assert rig.fake.files() == []

    tomorrow = (rig.clock() + timedelta(days=1)).astimezone(MPLUS_TZ)
    rig.clock.fixed = tomorrow.replace(hour=8, minute=1)
    rig.run()
    rig.run()  # a second pass the same morning shares nothing again
    (digest,) = rig.digests(GENERAL)
    (shared,) = [m for m in rig.fake.messages(GENERAL) if m.get("files")]
    assert float(shared["ts"]) > float(digest["ts"])
    assert "in the last 7 days, branch 1" in shared["text"]
    (chart,) = rig.fake.files()
    picture = mpimg.imread(io.BytesIO(chart["content"]), format="png")
    assert picture.shape[:2] == (600, 1000) and picture[..., :3].min() < 0.3
    assert chart["channels"] == [GENERAL] and chart["alt_txt"] == shared["text"][:1000]


def test_the_digest_chart_counts_only_what_the_subscription_follows(notify_rig: NotifierRig) -> None:  # noqa: F811
    rig = notify_rig
    rig.subscribe(GENERAL, digest_at="08:00", branch=1, method="dhl")
    rig.run()
    rig.shop.create(method="DHL")
    rig.shop.create(method="POSTNL")  # same branch, same day: not what this channel follows
    rig.run()

    tomorrow = (rig.clock() + timedelta(days=1)).astimezone(MPLUS_TZ)
    rig.clock.fixed = tomorrow.replace(hour=8, minute=1)
    rig.run()
    (shared,) = [m for m in rig.fake.messages(GENERAL) if m.get("files")]
    assert shared["text"].startswith("1 orders, revenue"), shared["text"]
    assert "in the last 7 days, branch 1, method DHL" in shared["text"]
