"""JSON test hooks under /_emulator/ (same ident/secret query parameters as SOAP)."""

from __future__ import annotations

import json
from typing import Any

from .app import Emulator
from .seed import SEEDS

PREFIX = "/_emulator/"


class HookError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _json_body(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HookError(400, f"invalid JSON body: {exc}") from None
    if not isinstance(data, dict):
        raise HookError(400, "the JSON body must be an object")
    return data


def _int(data: dict[str, Any], key: str, default: int | None) -> int | None:
    value = data.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise HookError(400, f"{key} must be an integer")
    return value


def handle(emu: Emulator, method: str, path: str, query: dict[str, list[str]],
           body: bytes) -> tuple[int, dict[str, Any]]:
    """Return (HTTP status, JSON object) for one hook request."""
    if not emu.authorised(query):
        return 403, {"error": "invalid or missing ident/secret"}
    try:
        return _route(emu, method, path[len(PREFIX):].strip("/"), body)
    except HookError as exc:
        return exc.status, {"error": exc.message}
    except ValueError as exc:
        return 400, {"error": str(exc)}


def _route(emu: Emulator, method: str, name: str, body: bytes) -> tuple[int, dict[str, Any]]:
    if name == "calls" and method == "GET":
        return 200, {"calls": emu.calls.list()}
    if name == "calls" and method == "DELETE":
        emu.calls.clear()
        return 200, {"cleared": True}
    if name == "state" and method == "GET":
        return 200, emu.store.summary()
    if name == "reset" and method == "POST":
        seed = _json_body(body).get("seed") or emu.store.seed
        if seed not in SEEDS:
            raise HookError(400, f"unknown seed {seed!r}; choose one of {', '.join(SEEDS)}")
        emu.reset(seed)
        return 200, {"reset": True, **emu.store.summary()}
    if name == "faults" and method == "GET":
        return 200, {"faults": emu.faults.rules()}
    if name == "faults" and method == "POST":
        data = _json_body(body)
        rule = emu.faults.add(str(data.get("operation") or ""), str(data.get("kind") or ""),
                              _int(data, "latency_ms", 0) or 0, _int(data, "times", None))
        return 200, {"added": rule.__dict__, "faults": emu.faults.rules()}
    if name == "faults" and method == "DELETE":
        emu.faults.clear()
        return 200, {"cleared": True}
    if name == "generate" and method == "POST":
        data = _json_body(body)
        counts = {key: _int(data, key, 0) or 0 for key in ("orders", "relations", "articles")}
        if not any(key in data for key in counts):
            raise HookError(400, "give at least one of orders, relations, articles")
        mixed = data.get("mixed", False)
        if not isinstance(mixed, bool):
            raise HookError(400, "mixed must be true or false")
        return 200, emu.generate(counts["orders"], _int(data, "lines", 3) or 3,
                                 _int(data, "relationNumber", None), relations=counts["relations"],
                                 articles=counts["articles"], days=_int(data, "days", 0) or 0, mixed=mixed)
    kind, _, key = name.partition("/")
    if kind in ("relations", "articles") and key:
        return _edit(emu, method, kind, key, body)
    known = {"calls", "state", "reset", "faults", "generate"}
    if name in known:
        raise HookError(405, f"{method} is not allowed on {PREFIX}{name}")
    raise HookError(404, f"unknown hook {PREFIX}{name}")


def _edit(emu: Emulator, method: str, kind: str, key: str, body: bytes) -> tuple[int, dict[str, Any]]:
    """POST /_emulator/relations/N {"fields": {...}, "active": b}; DELETE /_emulator/relations/N;
    POST /_emulator/articles/N {"text", "price", "active", "plu", "barcodes"}."""
    try:
        number = int(key)
    except ValueError:
        raise HookError(404, f"{key!r} is not a number") from None
    if kind == "relations" and method == "DELETE":
        emu.delete_relation(number)
        return 200, {"deleted": number}
    if method != "POST":
        raise HookError(405, f"{method} is not allowed on {PREFIX}{kind}/{number}")
    data = _json_body(body)
    if kind == "articles":
        return 200, emu.edit_article(number, data)
    fields = data.get("fields", {})
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        raise HookError(400, "fields must be an object of strings")
    active = data.get("active")
    if active is not None and not isinstance(active, bool):
        raise HookError(400, "active must be true or false")
    unknown = set(data) - {"fields", "active"}
    if unknown:
        raise HookError(400, f"unknown key(s): {', '.join(sorted(unknown))}")
    return 200, emu.edit_relation(number, fields, active)
