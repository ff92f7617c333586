"""The one gate in front of every mutation: check the allow list, audit a refusal, say why."""

from __future__ import annotations

from collections.abc import Callable

from bot.orders.permissions import Action
from bot.slack import views
from bot.slack.deps import Deps
from bot.slack.messages import not_allowed


def authorised(
    deps: Deps,
    user_id: str,
    action: Action,
    tell: Callable[[str, list[dict]], object],
    *,
    order_id: str | None = None,
    order_number: str | None = None,
    channel_id: str | None = None,
) -> bool:
    """True if ``user_id`` may do ``action``; otherwise audits the refusal and tells the user why.

    ``tell(text, blocks)`` delivers the refusal (an ephemeral reply, or modal field errors).
    """
    if deps.permissions.allows(user_id, action):
        return True
    deps.audit.record(
        user_id=user_id,
        action=action.value,
        result="refused",
        error="not authorised",
        order_id=order_id,
        order_number=order_number,
        channel_id=channel_id,
    )
    # No Web API call here (the chosen language, else what is known of the person, else the default).
    tr = deps.languages.for_user(user_id, None)
    text = not_allowed(action.value, action.setting, deps.permissions.configured(action), tr)
    tell(text, views.error_view(text))
    return False
