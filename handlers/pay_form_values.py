"""The pay form's values and field errors: what was typed, read once, and the money guards on it.

Pure functions of the submitted view, so the ack can answer field errors without any I/O.
"""

from __future__ import annotations

from typing import Any

from bot.mplus.money import MoneyError, parse_cents
from bot.slack import confirm_messages as said_to
from bot.slack.i18n import ENGLISH, Translator
from bot.slack.views import prompts


def pay_values(view: dict[str, Any]) -> dict[str, Any]:
    state = (view.get("state") or {}).get("values") or {}
    amount = (state.get(prompts.BLOCK_PAY_AMOUNT) or {}).get(prompts.ACTION_PAY_AMOUNT) or {}
    method = (state.get(prompts.BLOCK_PAY_METHOD) or {}).get(prompts.ACTION_PAY_METHOD) or {}
    kind = (state.get(prompts.BLOCK_PAY_KIND) or {}).get(prompts.ACTION_PAY_KIND) or {}
    over = (state.get(prompts.BLOCK_PAY_OVER) or {}).get(prompts.ACTION_PAY_OVER) or {}
    return {
        "amount": amount.get("value") or "",
        "method": (method.get("selected_option") or {}).get("value"),
        "method_description": ((method.get("selected_option") or {}).get("text") or {}).get("text"),
        "kind": (kind.get("selected_option") or {}).get("value"),
        "over": any(o.get("value") == prompts.OVER_CHOSEN for o in over.get("selected_options") or []),
    }


TYPO_FACTOR = 10
"""An amount this many times the outstanding balance is refused as a probable typo."""


def pay_form_errors(
    values: dict[str, Any], outstanding_cents: int, tr: Translator = ENGLISH
) -> dict[str, str]:
    """Field errors for the pay modal, keyed by block id; empty when the form is fine."""
    errors: dict[str, str] = {}
    try:
        cents = parse_cents(values["amount"])
        outstanding = tr.money(outstanding_cents)
        if cents <= 0:
            errors[prompts.BLOCK_PAY_AMOUNT] = tr(said_to.PAY_NOT_POSITIVE, zero=tr.money(0))
        elif outstanding_cents > 0 and cents >= TYPO_FACTOR * outstanding_cents:
            # 2990 typed for € 29,90: far more likely a missing comma than a real payment.
            errors[prompts.BLOCK_PAY_AMOUNT] = tr(
                said_to.PAY_TYPO, amount=tr.money(cents), times=cents // outstanding_cents, open=outstanding
            )
        elif cents > outstanding_cents and not values.get("over"):
            errors[prompts.BLOCK_PAY_AMOUNT] = tr(
                said_to.PAY_OVER_NOT_TICKED, amount=tr.money(cents), open=outstanding
            )
        elif values["kind"] == prompts.KIND_FULL and cents < outstanding_cents:
            errors[prompts.BLOCK_PAY_AMOUNT] = tr(said_to.PAY_FULL_TOO_LITTLE, open=outstanding)
    except MoneyError as err:
        errors[prompts.BLOCK_PAY_AMOUNT] = tr.error(err)  # the money parser's own explanation, translated
    if not values["method"]:
        errors[prompts.BLOCK_PAY_METHOD] = tr(said_to.PAY_CHOOSE_METHOD)
    if values["kind"] not in prompts.KIND_LABELS:
        errors[prompts.BLOCK_PAY_KIND] = tr(said_to.PAY_CHOOSE_KIND)
    return errors
