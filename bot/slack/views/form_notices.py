"""The views shown around the order form: loading, and a message (optionally with the order's card)."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.mplus.models import Order
from bot.slack import form_messages as say
from bot.slack.i18n import ENGLISH, Translator
from bot.slack.ids import ActionId, OrderFormMeta, OrderRef
from bot.slack.views.order import Catalogue, order_card

NOTICE_BLOCK = "form_notice"
NOTICE_ACTIONS_BLOCK = "form_notice_actions"


def loading_view(title: str, tr: Translator = ENGLISH) -> dict[str, Any]:
    """Opened at once with the trigger id (valid for 3 s); replaced when the data is there."""
    return notice_view(title, tr(say.LOADING), close=say.CLOSE_FORM, tr=tr)


def notice_view(
    title: str,
    message: str,
    *,
    order: Order | None = None,
    catalogue: Catalogue | None = None,
    meta: OrderFormMeta | None = None,
    edit_again: bool = False,
    close: str = say.CLOSE,
    tr: Translator = ENGLISH,
) -> dict[str, Any]:
    """A message in the modal, optionally with the order's card (no buttons: a modal has no respond).

    ``message`` is mrkdwn made by the caller, in the reader's language, with every untrusted part
    escaped; ``title`` and ``close`` are marked msgids, said here in the reader's language.
    """
    blocks: list[dict[str, Any]] = [
        SectionBlock(block_id=NOTICE_BLOCK, text=MarkdownTextObject(text=message[:3000])).to_dict()
    ]
    if order is not None:
        blocks.extend(order_card(order, catalogue or Catalogue(), with_actions=False, tr=tr))
    if edit_again and order is not None:
        button = ButtonElement(
            text=tr(say.EDIT_CURRENT),
            action_id=ActionId.FORM_EDIT_CURRENT.value,
            value=OrderRef(order_id=order.order_id).encode(),
            style="primary",
        )
        blocks.append(ActionsBlock(block_id=NOTICE_ACTIONS_BLOCK, elements=[button]).to_dict())
    view = View(
        type="modal",
        title=tr(title)[:24],
        close=tr(close)[:24],
        private_metadata=meta.encode() if meta else None,
        blocks=blocks,
    )
    return view.to_dict()
