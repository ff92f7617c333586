"""Reading Block Kit surfaces the way the Slack client does: find elements, build state values."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

JsonDict = dict[str, Any]

# Which key of ``state.values[block][action]`` (and of a block_actions action) holds the choice.
STATE_KEYS: dict[str, str] = {
    "plain_text_input": "value",
    "email_text_input": "value",
    "url_text_input": "value",
    "number_input": "value",
    "rich_text_input": "rich_text_value",
    "static_select": "selected_option",
    "external_select": "selected_option",
    "radio_buttons": "selected_option",
    "overflow": "selected_option",
    "multi_static_select": "selected_options",
    "multi_external_select": "selected_options",
    "checkboxes": "selected_options",
    "users_select": "selected_user",
    "multi_users_select": "selected_users",
    "conversations_select": "selected_conversation",
    "multi_conversations_select": "selected_conversations",
    "channels_select": "selected_channel",
    "multi_channels_select": "selected_channels",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "datetimepicker": "selected_date_time",
}
INITIAL_KEYS: dict[str, str] = {
    "value": "initial_value",
    "selected_option": "initial_option",
    "selected_options": "initial_options",
    "selected_user": "initial_user",
    "selected_users": "initial_users",
    "selected_conversation": "initial_conversation",
    "selected_conversations": "initial_conversations",
    "selected_channel": "initial_channel",
    "selected_channels": "initial_channels",
    "selected_date": "initial_date",
    "selected_time": "initial_time",
    "selected_date_time": "initial_date_time",
}
_OPTION_KEYS = {"selected_option", "selected_options"}


class ClientSideError(Exception):
    """The Slack client itself would refuse this input; nothing is sent to the app."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def iter_elements(blocks: list[Any]) -> Iterator[tuple[JsonDict, JsonDict]]:
    """(block, element) for every element a user can act on, in display order."""
    for block in blocks or []:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "actions":
            candidates = block.get("elements") or []
        elif block.get("type") == "section":
            candidates = [block["accessory"]] if isinstance(block.get("accessory"), dict) else []
        elif block.get("type") == "input":
            candidates = [block["element"]] if isinstance(block.get("element"), dict) else []
        else:
            candidates = []
        for element in candidates:
            if isinstance(element, dict) and (
                element.get("type") == "button" or element.get("type") in STATE_KEYS
            ):
                yield block, element


def element_text(element: JsonDict) -> str:
    text = element.get("text")
    return str(text.get("text", "")) if isinstance(text, dict) else str(text or "")


def find_element(
    blocks: list[Any],
    *,
    types: set[str] | None = None,
    action_id: str | None = None,
    text: str | None = None,
    value: str | None = None,
    block_id: str | None = None,
) -> tuple[JsonDict, JsonDict]:
    """Exactly one element matching every given criterion, else a LookupError listing the candidates."""
    matches = [
        (block, element)
        for block, element in iter_elements(blocks)
        if (types is None or element.get("type") in types)
        and action_id in (None, element.get("action_id"))
        and block_id in (None, block.get("block_id"))
        and text in (None, element_text(element))
        and value in (None, element.get("value"))
    ]
    if len(matches) == 1:
        return matches[0]
    seen = [
        f"{e.get('type')} action_id={e.get('action_id')!r} text={element_text(e)!r} value={e.get('value')!r}"
        for _, e in iter_elements(blocks)
        if types is None or e.get("type") in types
    ]
    problem = "no element matches" if not matches else f"{len(matches)} elements match"
    raise LookupError(f"{problem} action_id={action_id!r} text={text!r} value={value!r}; candidates: {seen}")


def all_options(element: JsonDict) -> list[JsonDict]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    return options


def find_option(element: JsonDict, choice: Any) -> JsonDict:
    """Pick an option by value, then by visible text; a dict is taken as the option itself."""
    if isinstance(choice, dict):
        return copy.deepcopy(choice)
    options = all_options(element)
    if not options and element.get("type", "").endswith("external_select"):
        # External options come from the app at runtime; the caller names one directly.
        return {"text": {"type": "plain_text", "text": str(choice)}, "value": str(choice)}
    for key in ("value", "text"):
        for option in options:
            current = option.get("value") if key == "value" else element_text(option)
            if current == choice:
                return copy.deepcopy(option)
    raise LookupError(
        f"option {choice!r} not offered by {element.get('action_id')!r}; "
        f"choices: {[o.get('value') for o in options]}"
    )


def convert_choice(element: JsonDict, raw: Any) -> Any:
    """Turn a test-friendly raw value into what Slack puts in state/actions for this element."""
    key = STATE_KEYS.get(str(element.get("type")))
    if raw is None or key is None:
        return raw
    if key == "selected_option":
        return find_option(element, raw)
    if key == "selected_options":
        return [find_option(element, item) for item in (raw if isinstance(raw, list) else [raw])]
    if key == "selected_date_time":
        return int(raw)
    if key.endswith("s") and not isinstance(raw, list):  # the multi-selects of users/channels
        return [raw]
    return raw if isinstance(raw, (list, dict)) else str(raw)


def state_entry(element: JsonDict, raw: Any = None, *, use_initial: bool = True) -> JsonDict:
    kind = str(element.get("type"))
    key = STATE_KEYS[kind]
    if raw is None and use_initial:
        initial = element.get(INITIAL_KEYS.get(key, ""))
        value = copy.deepcopy(initial)
    else:
        value = convert_choice(element, raw)
    if value is None and key in (
        "selected_options",
        "selected_users",
        "selected_conversations",
        "selected_channels",
    ):
        value = []
    return {"type": kind, key: value}


def _flatten_values(blocks: list[Any], values: JsonDict | None) -> dict[tuple[str, str], Any]:
    """Accept ``{block_id: {action_id: v}}`` or the shorter ``{action_id: v}``."""
    by_pair: dict[tuple[str, str], Any] = {}
    pairs = [(b.get("block_id", ""), e.get("action_id", "")) for b, e in iter_elements(blocks)]
    block_ids = {b for b, _ in pairs}
    for key, raw in (values or {}).items():
        if key in block_ids and isinstance(raw, dict) and all((key, a) in pairs for a in raw):
            by_pair.update({(key, action): value for action, value in raw.items()})
            continue
        owners = [pair for pair in pairs if pair[1] == key]
        if len(owners) != 1:
            raise LookupError(f"{key!r} names {len(owners)} inputs; use {{block_id: {{action_id: value}}}}")
        by_pair[owners[0]] = raw
    return by_pair


def build_state(blocks: list[Any], values: JsonDict | None = None, base: JsonDict | None = None) -> JsonDict:
    """``state.values`` as Slack sends it: every input block, plus anything else given a value."""
    state: JsonDict = copy.deepcopy(base or {})
    given = _flatten_values(blocks, values)
    for block, element in iter_elements(blocks):
        if element.get("type") == "button":
            continue
        pair = (block.get("block_id", ""), element.get("action_id", ""))
        already = state.get(pair[0], {}).get(pair[1])
        if pair in given:
            entry = state_entry(element, given[pair], use_initial=False)
        elif already is not None:
            continue
        elif block.get("type") == "input" or any(k in element for k in INITIAL_KEYS.values()):
            entry = state_entry(element)
        else:
            continue
        state.setdefault(pair[0], {})[pair[1]] = entry
    return state


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def client_side_errors(blocks: list[Any], state: JsonDict) -> dict[str, str]:
    """Checks the Slack client makes before it will send a view_submission at all."""
    errors: dict[str, str] = {}
    for block, element in iter_elements(blocks):
        if block.get("type") != "input":
            continue
        entry = state.get(block.get("block_id", ""), {}).get(element.get("action_id", ""), {})
        value = entry.get(STATE_KEYS[str(element.get("type"))])
        problem = _input_problem(element, value, optional=bool(block.get("optional")))
        if problem:
            errors[str(block.get("block_id"))] = problem
    return errors


def _input_problem(element: JsonDict, value: Any, *, optional: bool) -> str | None:
    if value in (None, "", []):
        return None if optional else "Please complete this required field."
    kind = element.get("type")
    if kind == "plain_text_input" and isinstance(value, str):
        if len(value) < int(element.get("min_length", 0)):
            return f"Must be at least {element['min_length']} characters."
        if len(value) > int(element.get("max_length", 3000)):
            return f"Must be at most {element.get('max_length', 3000)} characters."
    if kind == "email_text_input" and not _EMAIL.match(str(value)):
        return "Please enter a valid email address."
    if kind == "url_text_input" and not str(value).startswith(("http://", "https://")):
        return "Please enter a valid URL."
    if kind == "number_input":
        return _number_problem(element, str(value))
    return None


def _number_problem(element: JsonDict, value: str) -> str | None:
    try:
        number = float(value)
    except ValueError:
        return "Please enter a number."
    if not element.get("is_decimal_allowed") and not value.lstrip("-").isdigit():
        return "Please enter a whole number."
    if "min_value" in element and number < float(element["min_value"]):
        return f"Must be at least {element['min_value']}."
    if "max_value" in element and number > float(element["max_value"]):
        return f"Must be at most {element['max_value']}."
    return None
