"""`/order stats [today|week|month|YYYY-MM-DD..YYYY-MM-DD] [branch N] [public]`: a chart of the mirror.

The PNG is uploaded with Slack's current flow (files.getUploadURLExternal, POST the bytes,
files.completeUploadExternal — what ``files_upload_v2`` does). Ephemeral by default: the file is
uploaded unshared and shown in an ephemeral message's image block; ``public`` shares it in the
channel with the summary as its comment. The summary says in words what the chart shows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.mirror.sync import today_in_mplus
from bot.orders.periods import PeriodError
from bot.overview.charts import chart_summary, render_chart
from bot.overview.stats import StatsRequest, parse_stats_period, stats_days
from bot.slack.i18n import ENGLISH, N_, Said, Translator
from bot.slack.views import stats as stats_views
from handlers.command_parser import Command, Subcommand, UsageError, positive_int
from handlers.context import CommandContext
from handlers.order_cards import channel_reader
from handlers.replies import message

DEFAULT_PERIOD = "week"


class StatsCommand(Command):
    request: StatsRequest


BRANCH_PERIOD = N_("{period}, branch {branch}")

def parse_stats(args: list[str], today: date | None) -> Command:
    rest = [a.lower() for a in args]
    period_text = DEFAULT_PERIOD
    if rest and (rest[0] in ("today", "week", "month") or rest[0][:1].isdigit()):
        period_text = rest.pop(0)
    branch: int | None = None
    public = False
    while rest:
        word = rest.pop(0)
        if word == "branch":
            branch = positive_int(rest.pop(0) if rest else None, "branch", "stats")
        elif word == "public":
            public = True
        else:
            raise UsageError(Said(N_("`{word}` is not a stats option"), word=word[:40]), "stats")
    try:
        period = parse_stats_period(period_text, today or today_in_mplus())
    except PeriodError as err:
        raise UsageError(err.args[0], "stats") from None
    return StatsCommand(request=StatsRequest(period=period, branch=branch, public=public))


def describe(request: StatsRequest, tr: Translator = ENGLISH) -> str:
    """``the last 7 days, branch 2``: a period word in the reader's language, a date range as typed."""
    period = tr.said(request.period.label)
    return tr(BRANCH_PERIOD, period=period, branch=request.branch) if request.branch else period


def answer_stats(command: StatsCommand, ctx: CommandContext) -> dict[str, Any] | None:
    request = command.request
    # A public chart is a channel post: the channel's language; otherwise the asker's.
    tr = channel_reader(ctx.deps, ctx.channel_id) if request.public else ctx.reader()
    what = describe(request, tr)
    days = stats_days(ctx.deps.db, request)
    title = stats_views.stats_title(what, tr)
    summary = chart_summary(days, what, tr)
    png = render_chart(days, title, tr)
    filename = f"orders-{request.period.start:%Y%m%d}-{request.period.end:%Y%m%d}.png"
    if request.public:
        ctx.client.files_upload_v2(
            content=png,
            filename=filename,
            title=title,
            alt_txt=summary[: stats_views.ALT_MAX],
            channel=ctx.channel_id,
            initial_comment=summary,
        )
        return None
    upload = ctx.client.files_upload_v2(
        content=png, filename=filename, title=title, alt_txt=summary[: stats_views.ALT_MAX]
    )
    file_id = (upload.get("file") or {}).get("id")
    return message(stats_views.stats_message(title, summary, file_id), summary)


SUBCOMMANDS = (
    Subcommand(
        "stats",
        "[today|week|month|YYYY-MM-DD..YYYY-MM-DD] [branch N] [public]",
        N_(
            "A chart of orders and revenue per day, stacked by state (default: the last 7 days); "
            "`public` posts it in the channel."
        ),
        parse_stats,
        answer_stats,
    ),
)
