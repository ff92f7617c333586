"""Orders and revenue per day, stacked by state: one PNG (matplotlib, headless) and its words.

The summary says in text what the picture shows (totals, per state, the busiest day), for screen
readers and for clients that hide images; it is built from the same numbers as the bars.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from datetime import date
from typing import Protocol

import matplotlib

matplotlib.use("Agg")  # headless: no display, no GUI toolkit, before pyplot is imported anywhere

from matplotlib.figure import Figure

from bot.marks import N_
from bot.mirror.overview_queries import DayStates, StateBucket
from bot.mplus.money import format_cents

STATE_LABELS = {
    StateBucket.OPEN: N_("open"),
    StateBucket.PAID: N_("paid, not delivered"),
    StateBucket.DELIVERED: N_("delivered, not paid"),
    StateBucket.COMPLETE: N_("complete"),
    StateBucket.CANCELLED: N_("cancelled"),
}
ORDERS_AXIS = N_("orders")
REVENUE_AXIS = N_("revenue (€)")
# Colour-blind friendly (Okabe–Ito), one per state, the same in both panels.
STATE_COLOURS = {
    StateBucket.OPEN: "#E69F00",
    StateBucket.PAID: "#56B4E9",
    StateBucket.DELIVERED: "#D55E00",
    StateBucket.COMPLETE: "#009E73",
    StateBucket.CANCELLED: "#999999",
}
WIDTH_IN, HEIGHT_IN, DPI = 10.0, 6.0, 100
_LOCK = threading.Lock()
"""FreeType in matplotlib is not thread safe; charts are rare, so one at a time."""


def render_chart(days: Sequence[DayStates], title: str, words: Words | None = None) -> bytes:
    """A 1000×600 PNG: orders per day (top) and revenue per day in euros (bottom); the legend and the
    axes in the reader's ``words`` (``title`` comes in them already)."""
    words = words or AS_WRITTEN
    labels = [f"{d.day:%d-%m}" for d in days]
    positions = list(range(len(days)))
    with _LOCK:
        figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
        orders_axis, revenue_axis = figure.subplots(2, 1, sharex=True)
        count_base = [0.0] * len(days)
        money_base = [0.0] * len(days)
        for state in StateBucket:
            counts = [d.counts.get(state, 0) for d in days]
            euros = [d.revenue_cents.get(state, 0) / 100 for d in days]
            colour, label = STATE_COLOURS[state], words(STATE_LABELS[state])
            orders_axis.bar(positions, counts, bottom=count_base, color=colour, label=label)
            revenue_axis.bar(positions, euros, bottom=money_base, color=colour)
            count_base = [a + b for a, b in zip(count_base, counts, strict=True)]
            money_base = [a + b for a, b in zip(money_base, euros, strict=True)]
        orders_axis.set_ylabel(words(ORDERS_AXIS))
        revenue_axis.set_ylabel(words(REVENUE_AXIS))
        orders_axis.set_title(title)
        orders_axis.legend(loc="upper left", fontsize="small", ncols=5)
        orders_axis.set_ylim(top=max([*count_base, 1]) * 1.3)  # room for the legend
        step = max(1, len(days) // 15)
        revenue_axis.set_xticks(positions[::step], labels[::step], rotation=45, ha="right")
        for axis in (orders_axis, revenue_axis):
            axis.grid(axis="y", alpha=0.3)
            axis.set_axisbelow(True)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
    return out.getvalue()


class Words(Protocol):
    """How a reader is told things: ``bot.slack.i18n.Translator`` is one (the Slack layer passes it)."""

    def __call__(self, message: str, **values: object) -> str: ...
    def money(self, cents: int) -> str: ...
    def number(self, value: int) -> str: ...
    def date(self, value: date) -> str: ...


class AsWritten:
    """The marked English texts as they are, amounts and dates as the shop writes them."""

    def __call__(self, message: str, **values: object) -> str:
        return message.format(**values) if values else message

    def money(self, cents: int) -> str:
        return format_cents(cents)

    def number(self, value: int) -> str:
        return str(value)

    def date(self, value: date) -> str:
        return f"{value:%d-%m-%Y}"


AS_WRITTEN = AsWritten()
NO_ORDERS = N_("No orders in {what}.")
SUMMARY = N_(
    "{orders} orders, revenue {revenue} in {what} ({states}). Busiest day: {day} with {busiest} orders, "
    "{busiest_revenue}."
)
STATE_COUNTS = {
    StateBucket.OPEN: N_("{n} open"),
    StateBucket.PAID: N_("{n} paid, not delivered"),
    StateBucket.DELIVERED: N_("{n} delivered, not paid"),
    StateBucket.COMPLETE: N_("{n} complete"),
    StateBucket.CANCELLED: N_("{n} cancelled"),
}


def chart_summary(days: Sequence[DayStates], what: str, words: Words = AS_WRITTEN) -> str:
    """Plain words for the chart: ``what`` is e.g. "the last 7 days, branch 2"; in the reader's
    ``words`` (English as written for a channel's digest)."""
    orders = sum(d.orders for d in days)
    revenue = sum(d.revenue for d in days)
    if orders == 0:
        return words(NO_ORDERS, what=what)
    per_state = []
    for state in StateBucket:
        count = sum(d.counts.get(state, 0) for d in days)
        if count:
            per_state.append(words(STATE_COUNTS[state], n=words.number(count)))
    busiest = max(days, key=lambda d: (d.orders, d.revenue))
    return words(
        SUMMARY,
        orders=words.number(orders),
        revenue=words.money(revenue),
        what=what,
        states=", ".join(per_state),
        day=words.date(busiest.day),
        busiest=words.number(busiest.orders),
        busiest_revenue=words.money(busiest.revenue),
    )
