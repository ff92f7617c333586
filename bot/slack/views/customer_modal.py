"""The new-customer modal, pushed over the order form, and its state reader.

When the bot finds customers that are probably the same person (same e-mail, phone or name and
postcode), the modal shows them with a required choice: use one of them, or create a new one anyway.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.mirror.models import MirrorRelation
from bot.orders.customers import MAX_LENGTH, CustomerDraft, CustomerField
from bot.orders.drafts import relation_label
from bot.slack import form_messages as say
from bot.slack import text
from bot.slack.i18n import ENGLISH, Translator
from bot.slack.ids import CallbackId, NewCustomerMeta
from bot.slack.views.form_options import option

TITLE = say.CUSTOMER_TITLE
CHOICE_BLOCK = "nc_choice"
CHOICE_ACTION = "choice"
CREATE_NEW = "new"
USE_PREFIX = "rel:"
NOTE_MAX = 500

# (optional, placeholder): the placeholders are Dutch examples of the shop's own data, not sentences.
_FIELDS: dict[CustomerField, tuple[bool, str | None]] = {
    CustomerField.NAME: (False, None),
    CustomerField.COMPANY: (True, None),
    CustomerField.CONTACT: (True, None),
    CustomerField.EMAIL: (True, "naam@example.nl"),
    CustomerField.PHONE: (True, "06-12345678"),
    CustomerField.ADDRESS: (True, "Straat 1"),
    CustomerField.ZIPCODE: (True, "1234 AB"),
    CustomerField.CITY: (True, None),
    CustomerField.COUNTRY: (True, "NL"),
}


def block_id(field: CustomerField) -> str:
    return f"nc_{field.value}"


def _duplicate_line(relation: MirrorRelation) -> str:
    details = [relation.email, relation.telephone or relation.mobile, relation.zipcode, relation.city]
    shown = " · ".join(text.safe(" ".join(d.split()), 60) for d in details if d)
    name = text.safe(relation_label(relation.name, relation.relation_number), 80)
    return f"• *{name}*" + (f" — {shown}" if shown else "")


def new_customer_modal(
    meta: NewCustomerMeta,
    draft: CustomerDraft,
    *,
    duplicates: Sequence[MirrorRelation] = (),
    banner: str | None = None,
    tr: Translator = ENGLISH,
) -> dict[str, Any]:
    """The modal in the reader's language (the order form's); ``banner`` a marked text."""
    blocks: list[Block] = []
    if banner:
        blocks.append(SectionBlock(block_id="nc_banner", text=MarkdownTextObject(
            text=f"⚠️ {text.safe(tr.said(banner), NOTE_MAX)}")))
    if duplicates:
        listing = "\n".join(_duplicate_line(r) for r in duplicates)
        blocks.append(SectionBlock(block_id="nc_duplicates", text=MarkdownTextObject(
            text=f"{tr(say.CUSTOMER_MAY_EXIST)}\n{listing}"[:3000])))
        choices = [
            option(tr(say.CUSTOMER_USE, customer=relation_label(r.name, r.relation_number)),
                   f"{USE_PREFIX}{r.relation_number}", r.email or r.city)
            for r in duplicates
        ]
        choices.append(option(tr(say.CUSTOMER_CREATE_ANYWAY), CREATE_NEW))
        blocks.append(InputBlock(
            block_id=CHOICE_BLOCK, label=tr(say.CUSTOMER_WHICH),
            element=RadioButtonsElement(action_id=CHOICE_ACTION, options=choices),
        ))
    for field in CustomerField:
        optional, placeholder = _FIELDS[field]
        if field is CustomerField.NAME:
            placeholder = tr(say.CUSTOMER_NAME_PLACEHOLDER)
        element = PlainTextInputElement(
            action_id=field.value, initial_value=getattr(draft, field.value) or None,
            max_length=MAX_LENGTH[field], placeholder=placeholder,
        )
        label = tr(say.CUSTOMER_LABELS[field.value])
        blocks.append(InputBlock(block_id=block_id(field), label=label, element=element, optional=optional))
    view = View(
        type="modal",
        callback_id=CallbackId.NEW_CUSTOMER.value,
        title=tr(TITLE)[:24],
        submit=tr(say.CUSTOMER_CONTINUE if duplicates else say.CUSTOMER_CREATE)[:24],
        close=tr(say.CUSTOMER_BACK)[:24],
        private_metadata=meta.encode(),
        blocks=blocks,
    )
    return view.to_dict()


def read_customer(values: Mapping[str, Any]) -> tuple[CustomerDraft, str | None]:
    """(the typed customer, the duplicate choice: ``rel:N`` / ``new`` / None when none was asked)."""
    typed: dict[str, str] = {}
    for field in CustomerField:
        entry = (values.get(block_id(field)) or {}).get(field.value) or {}
        typed[field.value] = str(entry.get("value") or "") if isinstance(entry, dict) else ""
    chosen = ((values.get(CHOICE_BLOCK) or {}).get(CHOICE_ACTION) or {}).get("selected_option")
    choice = str(chosen.get("value")) if isinstance(chosen, dict) and chosen.get("value") else None
    return CustomerDraft(**typed), choice


def field_errors(errors: Mapping[CustomerField, str], tr: Translator = ENGLISH) -> dict[str, str]:
    return {block_id(field): text.safe(tr.said(message), NOTE_MAX) for field, message in errors.items()}


def chosen_relation(choice: str | None) -> int | None:
    if choice and choice.startswith(USE_PREFIX) and choice[len(USE_PREFIX):].isdigit():
        return int(choice[len(USE_PREFIX):])
    return None


__all__ = ["CREATE_NEW", "chosen_relation", "field_errors", "new_customer_modal", "read_customer"]
