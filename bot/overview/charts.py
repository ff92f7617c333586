"""Orders and revenue per day, stacked by state: one PNG (matplotlib, headless) and its words.

The summary says in text what the picture shows (totals, per state, the busiest day), for screen
readers and for clients that hide images; it is built from the same numbers as the bars.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # headless: no display, no GUI toolkit, before pyplot is imported anywhere

from matplotlib.figure import Figure

from bot.mirror.overview_queries import DayStates, StateBucket
from bot.slack import channel_messages as said
from bot.slack.i18n import ENGLISH, Translator

STATE_LABELS = {state: said.CHART_STATES[state.value] for state in StateBucket}
"""English; shown through the reader's ``Translator``."""
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


def render_chart(days: Sequence[DayStates], title: str, tr: Translator = ENGLISH) -> bytes:
    """A 1000×600 PNG: orders per day (top) and revenue per day in euros (bottom); words in ``tr``'s
    language (``title`` comes translated)."""
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
            colour, label = STATE_COLOURS[state], tr(STATE_LABELS[state])
            orders_axis.bar(positions, counts, bottom=count_base, color=colour, label=label)
            revenue_axis.bar(positions, euros, bottom=money_base, color=colour)
            count_base = [a + b for a, b in zip(count_base, counts, strict=True)]
            money_base = [a + b for a, b in zip(money_base, euros, strict=True)]
        orders_axis.set_ylabel(tr(said.CHART_ORDERS_AXIS))
        revenue_axis.set_ylabel(tr(said.CHART_REVENUE_AXIS))
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


def chart_summary(days: Sequence[DayStates], what: str, tr: Translator = ENGLISH) -> str:
    """Plain words for the chart in ``tr``'s language: ``what`` is e.g. "the last 7 days, branch 2"."""
    orders = sum(d.orders for d in days)
    revenue = sum(d.revenue for d in days)
    if orders == 0:
        return tr(said.CHART_NONE, what=what)
    per_state = []
    for state in StateBucket:
        count = sum(d.counts.get(state, 0) for d in days)
        if count:
            per_state.append(f"{tr.number(count)} {tr(STATE_LABELS[state])}")
    busiest = max(days, key=lambda d: (d.orders, d.revenue))
    return tr(
        said.CHART_SUMMARY,
        orders=tr.number(orders),
        revenue=tr.money(revenue),
        what=what,
        per_state=", ".join(per_state),
        day=tr.date(busiest.day),
        day_orders=tr.number(busiest.orders),
        day_revenue=tr.money(busiest.revenue),
    )
