"""Block Kit validation, table driven, answering the way Slack does.

Slack rejects the whole payload with ``invalid_blocks`` and a list of human readable
messages that end in a JSON pointer; we produce messages in that same style so a bot's
error logging looks the same against the fake as against the real platform.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

CheckKind = Literal["chars", "items", "required", "max_value"]


@dataclass(frozen=True)
class Check:
    """One limit: ``path`` is dotted; a ``[]`` segment means "each item of this list"."""

    path: str
    kind: CheckKind
    limit: int = 0


def chars(path: str, limit: int) -> Check:
    return Check(path, "chars", limit)


def items(path: str, limit: int) -> Check:
    return Check(path, "items", limit)


def required(path: str) -> Check:
    return Check(path, "required")


MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
ID_LIMIT = 255

BLOCK_RULES: dict[str, tuple[Check, ...]] = {
    "section": (chars("text.text", 3000), items("fields", 10), chars("fields[].text", 2000)),
    "header": (required("text"), chars("text.text", 150)),
    "actions": (required("elements"), items("elements", 25)),
    "context": (required("elements"), items("elements", 10), chars("elements[].text", 3000)),
    "input": (
        required("label"),
        required("element"),
        chars("label.text", 2000),
        chars("hint.text", 2000),
    ),
    "divider": (),
    "image": (chars("alt_text", 2000), chars("image_url", 3000), chars("title.text", 2000)),
    "rich_text": (required("elements"),),
    "markdown": (required("text"), chars("text", 12000)),
    "video": (required("title"), required("video_url"), required("thumbnail_url"), required("alt_text")),
    "file": (required("external_id"),),
    "call": (required("call_id"),),
}

_OPTION_LIST = (items("options", 100), items("option_groups", 100))
ELEMENT_RULES: dict[str, tuple[Check, ...]] = {
    "button": (required("text"), chars("text.text", 75), chars("value", 2000), chars("url", 3000)),
    "static_select": (*_OPTION_LIST, chars("placeholder.text", 150)),
    "multi_static_select": (*_OPTION_LIST, chars("placeholder.text", 150)),
    "external_select": (chars("placeholder.text", 150),),
    "multi_external_select": (chars("placeholder.text", 150),),
    "users_select": (),
    "multi_users_select": (),
    "conversations_select": (),
    "multi_conversations_select": (),
    "channels_select": (),
    "multi_channels_select": (),
    "overflow": (required("options"), items("options", 5)),
    "radio_buttons": (required("options"), items("options", 10)),
    "checkboxes": (required("options"), items("options", 10)),
    "datepicker": (),
    "timepicker": (),
    "datetimepicker": (),
    "plain_text_input": (Check("max_length", "max_value", 3000), chars("initial_value", 3000)),
    "email_text_input": (),
    "url_text_input": (),
    "number_input": (),
    "rich_text_input": (),
    "file_input": (),
    "image": (chars("alt_text", 2000),),
    # Text objects appear as context elements.
    "mrkdwn": (required("text"),),
    "plain_text": (required("text"),),
}
OPTION_RULES: tuple[Check, ...] = (
    required("text"),
    chars("text.text", 75),
    chars("value", 150),
    chars("description.text", 75),
)
CONFIRM_RULES: tuple[Check, ...] = (
    chars("title.text", 100),
    chars("text.text", 300),
    chars("confirm.text", 30),
    chars("deny.text", 30),
)
VIEW_RULES: dict[str, tuple[Check, ...]] = {
    "modal": (
        required("title"),
        chars("title.text", 24),
        chars("submit.text", 24),
        chars("close.text", 24),
        chars("private_metadata", 3000),
        chars("callback_id", ID_LIMIT),
        chars("external_id", ID_LIMIT),
    ),
    "home": (chars("private_metadata", 3000), chars("callback_id", ID_LIMIT), chars("external_id", ID_LIMIT)),
}


def _resolve(obj: Any, path: str, pointer: str) -> Iterator[tuple[str, Any, bool]]:
    """Yield (json pointer, value, present) for every node the dotted path reaches."""
    head, _, rest = path.partition(".")
    each = head.endswith("[]")
    key = head[:-2] if each else head
    if not isinstance(obj, dict):
        yield f"{pointer}/{key}", None, False
        return
    present = key in obj and obj[key] is not None
    value = obj.get(key)
    here = f"{pointer}/{key}"
    if each:
        if isinstance(value, list):
            for index, item in enumerate(value):
                if rest:
                    yield from _resolve(item, rest, f"{here}/{index}")
                else:
                    yield f"{here}/{index}", item, True
        return
    if rest:
        if present:
            yield from _resolve(value, rest, here)
        return
    yield here, value, present


def _apply(obj: dict[str, Any], checks: tuple[Check, ...], pointer: str, errors: list[str]) -> None:
    for check in checks:
        for where, value, present in _resolve(obj, check.path, pointer):
            if check.kind == "required":
                if not present or value in ("", []):
                    errors.append(f"missing required field: {check.path} [json-pointer:{where}]")
            elif not present:
                continue
            elif check.kind == "chars" and isinstance(value, str) and len(value) > check.limit:
                errors.append(f"must be less than {check.limit + 1} characters [json-pointer:{where}]")
            elif check.kind == "items" and isinstance(value, list) and len(value) > check.limit:
                errors.append(f"must be less than {check.limit + 1} items [json-pointer:{where}]")
            elif check.kind == "max_value" and isinstance(value, int) and value > check.limit:
                errors.append(f"must be less than {check.limit + 1} [json-pointer:{where}]")


def _validate_options(element: dict[str, Any], pointer: str, errors: list[str]) -> None:
    for key in ("options", "initial_options"):
        for index, option in enumerate(element.get(key) or []):
            _apply(option, OPTION_RULES, f"{pointer}/{key}/{index}", errors)
    if isinstance(element.get("initial_option"), dict):
        _apply(element["initial_option"], OPTION_RULES, f"{pointer}/initial_option", errors)
    for g_index, group in enumerate(element.get("option_groups") or []):
        group_ptr = f"{pointer}/option_groups/{g_index}"
        _apply(group, (chars("label.text", 75), items("options", 100)), group_ptr, errors)
        for index, option in enumerate(group.get("options") or []):
            _apply(option, OPTION_RULES, f"{group_ptr}/options/{index}", errors)


def validate_element(element: Any, pointer: str, errors: list[str]) -> None:
    if not isinstance(element, dict):
        errors.append(f"expected object [json-pointer:{pointer}]")
        return
    kind = element.get("type")
    if kind not in ELEMENT_RULES:
        errors.append(f"unsupported type: {kind} [json-pointer:{pointer}/type]")
        return
    _apply(element, (chars("action_id", ID_LIMIT), *ELEMENT_RULES[kind]), pointer, errors)
    _validate_options(element, pointer, errors)
    if isinstance(element.get("confirm"), dict):
        _apply(element["confirm"], CONFIRM_RULES, f"{pointer}/confirm", errors)


def validate_block(block: Any, pointer: str, errors: list[str]) -> None:
    if not isinstance(block, dict):
        errors.append(f"expected object [json-pointer:{pointer}]")
        return
    kind = block.get("type")
    if kind not in BLOCK_RULES:
        errors.append(f"unsupported type: {kind} [json-pointer:{pointer}/type]")
        return
    _apply(block, (chars("block_id", ID_LIMIT), *BLOCK_RULES[kind]), pointer, errors)
    if kind == "section" and not block.get("text") and not block.get("fields"):
        errors.append(f"must provide text or fields [json-pointer:{pointer}]")
    if kind == "header" and isinstance(block.get("text"), dict) and block["text"].get("type") != "plain_text":
        errors.append(f"must be plain_text [json-pointer:{pointer}/text/type]")
    children: list[tuple[str, Any]] = []
    if kind in ("actions", "context"):
        children = [(f"{pointer}/elements/{i}", e) for i, e in enumerate(block.get("elements") or [])]
    elif kind == "section" and block.get("accessory") is not None:
        children = [(f"{pointer}/accessory", block["accessory"])]
    elif kind == "input" and block.get("element") is not None:
        children = [(f"{pointer}/element", block["element"])]
    for child_pointer, child in children:
        validate_element(child, child_pointer, errors)


def validate_blocks(blocks: Any, *, limit: int, pointer: str = "/blocks") -> list[str]:
    """Return Slack-style error strings; an empty list means Slack would accept the blocks."""
    if not isinstance(blocks, list):
        return [f"expected array [json-pointer:{pointer}]"]
    errors: list[str] = []
    if len(blocks) > limit:
        errors.append(f"must be less than {limit + 1} items [json-pointer:{pointer}]")
    for index, block in enumerate(blocks):
        validate_block(block, f"{pointer}/{index}", errors)
    return errors


def validate_view(view: Any) -> list[str]:
    if not isinstance(view, dict):
        return ["expected object [json-pointer:/view]"]
    kind = view.get("type")
    if kind not in VIEW_RULES:
        return [f"unsupported type: {kind} [json-pointer:/view/type]"]
    errors: list[str] = []
    _apply(view, VIEW_RULES[kind], "/view", errors)
    blocks = view.get("blocks", [])
    errors.extend(validate_blocks(blocks, limit=MAX_VIEW_BLOCKS, pointer="/view/blocks"))
    has_input = isinstance(blocks, list) and any(
        isinstance(b, dict) and b.get("type") == "input" for b in blocks
    )
    if kind == "modal" and has_input and not view.get("submit"):
        errors.append("must provide submit when view contains input blocks [json-pointer:/view/submit]")
    return errors


def validate_message_blocks(blocks: Any) -> list[str]:
    return validate_blocks(blocks, limit=MAX_MESSAGE_BLOCKS)


def validate_options_response(body: Any) -> list[str]:
    """Check an external-select answer: Slack silently shows nothing when these fail."""
    if not isinstance(body, dict) or not isinstance(body.get("options", body.get("option_groups")), list):
        return ["expected options or option_groups array [json-pointer:/]"]
    errors: list[str] = []
    _apply(body, _OPTION_LIST, "", errors)
    _validate_options(body, "", errors)
    return errors
