"""Ids that travel through Slack, as enums, and the small typed values carried in buttons.

Every button value and private_metadata is one of these models, serialised here and only here, so
a handler never parses an ad-hoc string and a stale or forged value fails validation loudly.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class ActionId(StrEnum):
    REFRESH = "order_refresh"
    PAY = "order_pay"
    DELIVER = "order_deliver"
    CANCEL = "order_cancel"
    EDIT = "order_edit"
    NEW_ORDER = "order_new"
    LIST_NEXT = "order_list_next"
    CONFIRM = "order_confirm"
    BACK = "order_back"


class CallbackId(StrEnum):
    ORDER_FORM = "order_form"
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


class ListPage(SlackValue):
    """Re-runs a list query from an offset (the Next button)."""

    period: str = Field("", alias="p", max_length=40)
    branch: int | None = Field(None, alias="b")
    relation: int | None = Field(None, alias="r")
    offset: int = Field(0, alias="x", ge=0)
