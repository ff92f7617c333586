"""Ids that travel through Slack, as enums, and the small typed values carried in buttons.

Every button value and private_metadata is one of these models, serialised here and only here, so
a handler never parses an ad-hoc string and a stale or forged value fails validation loudly.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.orders.drafts import MAX_FORM_LINES  # the orders layer's rule; the form follows it


class ActionId(StrEnum):
    REFRESH = "order_refresh"
    PAY = "order_pay"
    DELIVER = "order_deliver"
    CANCEL = "order_cancel"
    EDIT = "order_edit"
    NEW_ORDER = "order_new"
    LIST_NEXT = "order_list_next"
    LIST_PREVIOUS = "order_list_previous"
    LIST_SHOW = "order_list_show"
    LIST_ROW_MENU = "order_list_row_menu"
    CONFIRM = "order_confirm"
    BACK = "order_back"
    FORM_RELATION = "order_form_relation"
    FORM_ADD_LINE = "order_form_add_line"
    FORM_REMOVE_LINE = "order_form_remove_line"
    FORM_EDIT_CURRENT = "order_form_edit_current"
    FORM_ARTICLE = "order_form_article"
    NEW_ORDER_FOR = "order_new_for"
    """"New order for this customer": the order form with the relation chosen."""
    SHOW = "order_show"
    MORE = "order_more"
    HOME_SHOW_ALL = "home_show_all"
    """App Home, "Show all" under one kind of "needs action": every such order in a modal."""


class CallbackId(StrEnum):
    ORDER_FORM = "order_form"
    NEW_CUSTOMER = "new_customer"
    PAY_FORM = "pay_form"


class InvalidValue(ValueError):
    """A button value or metadata string that is not what this bot wrote."""


class SlackValue(BaseModel):
    """Base for values the bot writes into Slack and reads back; compact JSON, validated on read."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    def encode(self) -> str:
        return self.model_dump_json(by_alias=True, exclude_defaults=True)

    @classmethod
    def decode(cls, raw: str | None) -> Self:
        try:
            return cls.model_validate_json(raw or "")
        except ValidationError:
            raise InvalidValue(f"not a {cls.__name__} value") from None


class OrderRef(SlackValue):
    """Identifies one order in a card's buttons."""

    order_id: str = Field(alias="o", min_length=1, max_length=64)


class RelationRef(SlackValue):
    """Identifies one relation (customer) in a button."""

    relation_number: int = Field(alias="r", ge=1)
    name: str = Field("", alias="n", max_length=120)
    """Shown in the form's relation select until the person picks another."""


class OrderListQuery(SlackValue):
    """A mirror list (filters, resolved dates) and, on Next/Previous, the keyset position to page from.

    Dates are stored resolved, so a page pressed after midnight still shows the same list.
    """

    label: str = Field("", alias="p", max_length=60)
    start: date | None = Field(None, alias="s")
    end: date | None = Field(None, alias="e")
    open: bool = Field(False, alias="op")
    unpaid: bool = Field(False, alias="up")
    undelivered: bool = Field(False, alias="ud")
    cancelled: bool = Field(False, alias="cx")
    customer: str | None = Field(None, alias="cu", max_length=100)
    article: str | None = Field(None, alias="ar", max_length=100)
    branch: int | None = Field(None, alias="b")
    relation: int | None = Field(None, alias="r")
    cursor_year: int | None = Field(None, alias="cy")
    cursor_number: int | None = Field(None, alias="cn")
    cursor_id: int | None = Field(None, alias="ci")
    before: bool = Field(False, alias="cb")


class ListRowRef(SlackValue):
    """One row of a list: Show, and the row's overflow menu (``action`` is pay or deliver)."""

    order_id: str = Field(alias="o", min_length=1, max_length=64)
    action: str = Field("show", alias="a", pattern=r"^(show|pay|deliver)$")


class NeedRef(SlackValue):
    """Which "needs action" list an App Home "Show all" button opens."""

    kind: str = Field(alias="k", min_length=1, max_length=40)


class CardLocation(SlackValue):
    """Where the order card a person acted on lives, so it can be updated in place afterwards."""

    channel: str = Field(alias="c", max_length=32)
    ts: str | None = Field(None, alias="t", max_length=32)
    ephemeral: bool = Field(False, alias="e")
    response_url: str | None = Field(None, alias="u", max_length=500)


class ConfirmRef(SlackValue):
    """A confirmation prompt's Confirm / Back buttons: the single-use token, nothing else."""

    token: str = Field(alias="k", min_length=8, max_length=64)


class PayFormMeta(SlackValue):
    """private_metadata of the pay modal."""

    order_id: str = Field(alias="o", min_length=1, max_length=64)
    outstanding_cents: int = Field(alias="a", ge=0)
    card: CardLocation = Field(alias="l")
    language: str = Field("en", alias="g", pattern=r"^[a-z]{2}$")
    """The language the form was opened in: its field errors are said in it, on the ack path."""


class OrderFormMeta(SlackValue):
    """private_metadata of the order form and the views that follow it (new order and edit).

    ``lines`` are stable keys of the line slots in display order: block ids are built from them, so
    removing a line does not shift the others (Slack keeps typed values per block id).
    For an edit, the lock fields are the order as it was when the form opened.
    """

    channel: str = Field("", alias="c", pattern=r"^([CGD][A-Z0-9]{2,30})?$")
    order_id: str | None = Field(None, alias="o", max_length=64)
    number: str | None = Field(None, alias="n", max_length=40)
    ext_order_id: str | None = Field(None, alias="e", max_length=100)
    change_counter: int | None = Field(None, alias="cc")
    version_number: int | None = Field(None, alias="vn")
    sync_marker: int | None = Field(None, alias="sm")
    lines: tuple[int, ...] = Field((0,), alias="l", min_length=1, max_length=MAX_FORM_LINES)
    next_line: int = Field(1, alias="x", ge=0)
    relation_rev: int = Field(0, alias="rr", ge=0, le=1000)
    """Bumped when Orderbot sets the relation itself (a new customer): a new block id, because Slack
    keeps a select's typed state over a changed initial option for the same block id."""
    card: CardLocation | None = Field(None, alias="k")
    """For an edit from a card's button: that card, updated in place after the save."""
    language: str = Field("en", alias="g", pattern=r"^[a-z]{2}$")
    """The language the form was opened in: its field errors are said in it, on the ack path."""

    @property
    def editing(self) -> bool:
        return self.order_id is not None


class FormLineRef(SlackValue):
    """The Remove button of one line slot in the order form."""

    key: int = Field(alias="k", ge=0)


class NewCustomerMeta(SlackValue):
    """private_metadata of the new-customer modal pushed over the order form."""

    parent_view: str = Field(alias="v", min_length=1, max_length=64)
    form: str = Field(alias="f", max_length=600)
    """The order form's own ``OrderFormMeta``, encoded."""
    draft: str | None = Field(None, alias="d", max_length=2200)
    """The order form as typed when the modal was pushed (JSON), when it fits; else Slack's kept state."""
    checked: bool = Field(False, alias="k")
    """Likely duplicates were shown; the next submission decides (use one, or create anyway)."""
