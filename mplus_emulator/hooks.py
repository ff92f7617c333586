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
        orders = _int(data, "orders", None)
        if orders is None:
            raise HookError(400, "orders is required")
        return 200, emu.generate(orders, _int(data, "lines", 3) or 3, _int(data, "relationNumber", None))
    known = {"calls", "state", "reset", "faults", "generate"}
    if name in known:
        raise HookError(405, f"{method} is not allowed on {PREFIX}{name}")
    raise HookError(404, f"unknown hook {PREFIX}{name}")
