"""`/order stats` end to end: the chart is uploaded once, decodes as a real picture, and its words
agree with the mirror."""

from __future__ import annotations

import io
from datetime import timedelta

import numpy
import pytest
from matplotlib import image as mpimg
from sqlalchemy import func, select

from bot.mirror.sync import today_in_mplus
from bot.slack.i18n import ENGLISH
from bot.store.mirror_tables import MirrorOrderRow
from tests.overview.conftest import place_order, sync
from tests.slack.conftest import ALICE, CHANNEL, BotRig, wait_for


def mirror_totals(rig: BotRig, days: int, branch: int | None = None) -> tuple[int, int]:
    """Orders and revenue (not cancelled) with a financial date in the last ``days`` days, by SQL."""
    today = today_in_mplus()
    o = MirrorOrderRow
    where = [o.financial_date >= today - timedelta(days=days - 1), o.financial_date <= today]
    if branch is not None:
        where.append(o.branch == branch)
    with rig.runtime.deps.db.transaction() as session:
        count = session.scalar(select(func.count()).select_from(o).where(*where)) or 0
        revenue = (
            session.scalar(
                select(func.sum(o.total_cents)).where(*where, o.cancel_state != "ORDER-CANCEL-STATE-COMPLETE")
            )
            or 0
        )
    return count, revenue


def decoded(png: bytes) -> numpy.ndarray:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return mpimg.imread(io.BytesIO(png), format="png")


def not_blank(picture: numpy.ndarray) -> bool:
    """More than a background: many distinct colours and some dark pixels (axes, text)."""
    pixels = picture[..., :3].reshape(-1, 3)
    return len(numpy.unique((pixels * 255).astype(int), axis=0)) > 10 and pixels.min() < 0.3


def test_stats_uploads_one_png_with_a_summary_that_matches_the_mirror(rig: BotRig) -> None:
    place_order(rig.runtime.mplus, price_cents=12345)
    sync(rig)
    reply = rig.run("stats week")

    files = rig.fake.files()
    assert len(files) == 1
    chart = files[0]
    picture = decoded(chart["content"])
    assert picture.shape[:2] == (600, 1000)
    assert not_blank(picture)
    assert [c["method"] for c in rig.fake.calls() if c["method"].startswith("files.")] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]
    assert chart["channels"] == []  # ephemeral: shared with nobody, shown in the reply only

    image = next(b for b in reply["blocks"] if b["type"] == "image")
    assert image["slack_file"] == {"id": chart["id"]}
    count, revenue = mirror_totals(rig, 7)
    summary = reply["text"]
    assert summary.startswith(f"{count} orders, revenue {ENGLISH.money(revenue)} in the last 7 days")
    assert image["alt_text"] == summary == chart["alt_txt"]


def test_stats_public_posts_the_chart_in_the_channel(rig: BotRig) -> None:
    sync(rig)
    before = len(rig.fake.messages(CHANNEL))
    result = rig.slack.command("/order", "stats month branch 1 public", user=ALICE, channel=CHANNEL)
    assert result.status == 200
    post = wait_for(lambda: rig.fake.messages(CHANNEL)[before:], what="the chart in the channel")[0]
    count, revenue = mirror_totals(rig, 30, branch=1)
    expected = "in the last 30 days, branch 1"
    assert post["text"].startswith(f"{count} orders, revenue {ENGLISH.money(revenue)} {expected}") or (
        count == 0 and post["text"] == f"No orders {expected}."
    )
    (shared,) = post["files"]
    assert shared["mimetype"] == "image/png" and shared["channels"] == [CHANNEL]
    assert not_blank(decoded(rig.fake.files()[0]["content"]))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("stats fortnight", "`fortnight` is not a stats option"),
        ("stats 2026-01-01..2026-12-31", "at most 92 days"),
        ("stats week branch x", "`branch` needs a positive number"),
    ],
)
def test_stats_bad_input_is_answered_at_once(rig: BotRig, text: str, problem: str) -> None:
    reply = rig.run(text)
    assert problem in reply["text"] and "Usage: /order stats" in reply["text"]
    assert rig.fake.files() == []
