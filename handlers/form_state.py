"""A submitted view's ``state.values``, checked for shape before anything reads it.

Slack always sends ``{block_id: {action_id: {"type": …, "value": str | None, …}}}``; a forged
request can send anything. Anything else is refused as a whole with one clear message instead of
failing somewhere deep in the parsing with an HTTP 500.
"""

from __future__ import annotations

from typing import Any

from bot.slack.i18n import N_

FORGED_FORM = N_("This form sent values Orderbot cannot read. Close it and open it again.")

_SHAPES: dict[str, tuple[type, ...]] = {
    "type": (str,),
    "value": (str, type(None)),
    "selected_option": (dict, type(None)),
    "selected_options": (list,),
    "selected_date": (str, type(None)),
    "selected_time": (str, type(None)),
    "selected_user": (str, type(None)),
    "selected_channel": (str, type(None)),
    "selected_conversation": (str, type(None)),
}


def _option_ok(option: Any) -> bool:
    return isinstance(option, dict) and isinstance(option.get("value", ""), str)


def state_values(view: dict[str, Any]) -> dict[str, Any] | None:
    """The view's state values, or None when they are not shaped as Slack sends them."""
    state = view.get("state") or {}
    if not isinstance(state, dict):
        return None
    values = state.get("values") or {}
    if not isinstance(values, dict):
        return None
    for actions in values.values():
        if not isinstance(actions, dict):
            return None
        for element in actions.values():
            if not isinstance(element, dict):
                return None
            for key, kinds in _SHAPES.items():
                if key in element and not isinstance(element[key], kinds):
                    return None
            option = element.get("selected_option")
            if option is not None and not _option_ok(option):
                return None
            if not all(_option_ok(o) for o in element.get("selected_options") or []):
                return None
    return values
