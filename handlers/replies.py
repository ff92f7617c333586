"""Shared reply plumbing: failures become a clear ephemeral message with an error id."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from slack_bolt.context.respond import Respond

from bot.mplus.errors import MplusError
from bot.slack import views
from bot.slack.deps import Deps
from bot.slack.i18n import Translator
from bot.slack.messages import UNEXPECTED, describe_failure, for_mplus_error, is_real_failure
from bot.slack.text import escape

log = logging.getLogger(__name__)


@contextmanager
def reply_on_failure(
    respond: Respond | Callable[..., Any],
    context: str,
    reader: Callable[[], Translator] | None = None,
) -> Iterator[None]:
    """Any exception in the block becomes a plain message plus an error id, sent with ``respond``
    (Bolt's respond, or anything taking the same keyword arguments); in the language ``reader`` gives
    (asked only when something failed), else English."""
    try:
        yield
    except Exception as err:  # the user must hear about every failure, whatever it is
        message, error_id = describe_failure(err, context)
        shown_id = error_id if is_real_failure(err) else None  # "no such order" is an answer, not a failure
        tr = None
        if reader is not None:
            try:
                tr = reader()
            except Exception:  # the failure is still told, in English
                log.warning("error_id=%s no language for the reply", error_id, exc_info=True)
        if tr is not None:
            message = for_mplus_error(err, tr) if isinstance(err, MplusError) else tr(UNEXPECTED)
        try:
            respond(
                text=escape(message),
                blocks=views.error_view(message, shown_id, tr),
                response_type="ephemeral",
                replace_original=False,
            )
        except Exception:
            log.exception("error_id=%s could not tell the user about the failure", error_id)


def catalogue(deps: Deps) -> views.Catalogue:
    """Descriptions for cards; if Mplus can't give them now, cards fall back to codes."""
    try:
        return views.Catalogue(
            delivery_methods=deps.orders.delivery_methods(), categories=deps.orders.categories()
        )
    except Exception as err:
        log.warning("catalogue unavailable, showing codes: %s", type(err).__name__)
        return views.Catalogue()


def message(blocks: list[dict[str, Any]], text: str) -> dict[str, Any]:
    return {"blocks": blocks, "text": text}
