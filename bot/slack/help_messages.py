"""What Orderbot says about its commands: "did you mean", `/order help` (list and per command, with
examples) and `/order language`. gettext msgids, like ``bot.slack.messages``; ``{command}`` is the
slash command.
"""

from __future__ import annotations

from bot.slack.i18n import N_

# ------------------------------------------------------------------------------ commands
DID_YOU_MEAN = N_("`{word}` is not an order command. Did you mean `{suggestion}`?")
NOT_A_COMMAND = N_("`{word}` is not an order command. The commands are: {names}.")
HELP_ONE = N_("`{command} help <command>` explains one of them, with examples.")
HELP_HEADER = N_("Orderbot help")
HELP_ALIASES = N_("Dutch command words work too: {words}.")
NEW_ORDER_BUTTON = N_("➕ New order")
HELP_EXAMPLES_TITLE = N_("Examples")
HELP_TITLE = N_("Orderbot help: {name}")
# Longer explanations and examples for `/order help <command>`; {command} is the slash command.
HELP_DETAILS: dict[str, str] = {
    "show": N_(
        "Shows one order: number, customer, what is open, its lines, and the buttons that apply now. "
        "Only you see it; it says when it was made, so press Refresh for the latest."
    ),
    "find": N_(
        "Finds orders by who and what: a customer's name (accents and case do not matter, the "
        "start of each word is enough), phone number in any format, postcode, e-mail, the order reference, "
        "an order number (42 means this year's) or the external id. One order shows its card; several "
        "show a list with a Show button on each row."
    ),
    "list": N_(
        "Lists orders newest first, with a Show button on each row and Previous/Next pages. Filter "
        "by state (open, unpaid, undelivered, cancelled), customer, article, period, branch or relation."
    ),
    "pay": N_(
        "Records a payment. A form asks how much (it starts at what is open), how the customer paid "
        "and whether it is a deposit (the order is not delivered yet) or the full payment (Mplus also "
        "delivers the order and creates the invoice). On a delivered order you pay the rest, which creates "
        "the invoice. Nothing happens until you press Confirm."
    ),
    "deliver": N_(
        "Marks the order delivered; Mplus creates a packing slip. Payment is not touched. "
        "Nothing happens until you press Confirm."
    ),
    "cancel": N_(
        "Cancels the order in Mplus. A deposit already paid is not refunded by Orderbot: "
        "that is done in Mplus. Nothing happens until you press Confirm."
    ),
    "edit": N_(
        "Opens the order form filled in with the order. Saving updates the order's cards."
    ),
    "new": N_(
        "Opens the order form for a new order; the card is posted in this channel."
    ),
    "audit": N_(
        "Shows what was done to the order through Orderbot: who, what, when, amounts, "
        "packing slips and invoices, and what was refused and why."
    ),
    "subscribe": N_(
        "This channel follows matching order changes: a card per order, kept current, with "
        "a note in its thread for each change; or one daily digest."
    ),
}
HELP_EXAMPLES: dict[str, tuple[str, ...]] = {
    "show": ("{command} show 2026-42",),
    "find": ("{command} find Pieter Bakker", "{command} find 06 12345678", "{command} find 3511ab"),
    "list": ("{command} list", "{command} list unpaid", "{command} list open customer bakker",
             "{command} list 2026-01-01..2026-01-31 branch 2"),
    "pay": ("{command} pay 2026-42",),
    "deliver": ("{command} deliver 2026-42",),
    "cancel": ("{command} cancel 2026-42",),
    "edit": ("{command} edit 2026-42",),
    "new": ("{command} new",),
    "audit": ("{command} audit 2026-42",),
    "subscribe": ("{command} subscribe", "{command} subscribe branch 1 events new,paid min 50"),
}

# ------------------------------------------------------------------------------ language (issue #14)
LANGUAGE_NOW = N_("Orderbot now speaks English to you. `{command} language nl` switches to Dutch.")
LANGUAGE_IS = N_(
    "Orderbot speaks English to you. Choose with `{command} language nl` or `{command} language en`."
)
LANGUAGE_UNKNOWN = N_("`{word}` is not a language Orderbot speaks: choose nl (Nederlands) or en (English).")
