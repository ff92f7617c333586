"""What the order form and the new-customer form say (issue #14): titles, labels, hints,
placeholders, buttons, options, duplicate warnings and the outcome shown in the modal.

Field errors are made below the Slack layer (``bot.orders.drafts``, ``bot.orders.customers``,
``bot.mplus.money``) as marked texts and said here through ``Translator.said``. A form carries the
language it was opened in (``OrderFormMeta.language``), so what is said in its ack matches it.
Mplus's own words (relation names, articles, methods, categories, its refusal messages) fill the
placeholders as Mplus gives them.
"""

from __future__ import annotations

from bot.slack.i18n import N_

# ------------------------------------------------------------------------------ order form
TITLE_NEW = N_("New order")
TITLE_EDIT = N_("Edit order")
SUBMIT_NEW = N_("Create order")
SUBMIT_EDIT = N_("Save changes")
CLOSE_FORM = N_("Cancel")
CLOSE = N_("Close")
LOADING = N_("⏳ Loading …")
EDITING_ORDER = N_("Editing order *{number}*")
EDITING_EXT_ID = N_("ext id {id}")
RELATION = N_("Relation")
RELATION_PLACEHOLDER = N_("Name, e-mail, phone, postcode or number")
RELATION_HINT = N_("Not there? Pick “➕ New customer…” at the end of the list.")
EXT_ORDER_ID = N_("External order id")
EXT_ORDER_ID_HINT = N_("Unique; it can never be used again for another order.")
LINE = N_("Line {n}")
REMOVE_LINE = N_("Remove line")
ADD_LINE = N_("➕ Add line")
ARTICLE = N_("Article")
ARTICLE_PLACEHOLDER = N_("Name, number, PLU or barcode")
ARTICLE_HINT = N_("The catalogue price is shown next to each article.")
ARTICLE_NUMBER = N_("Article #{number}")
QUANTITY = N_("Quantity")
QUANTITY_PLACEHOLDER = N_("e.g. 2 or 1,5")
PRICE = N_("Unit price (€, incl. VAT)")
PRICE_PLACEHOLDER = N_("e.g. 12,50")
PRICE_HINT = N_("Leave empty to use the article's price in Mplus.")
LINE_TEXT = N_("Line text")
LINE_TEXT_HINT = N_("Leave empty to use the article's own text.")
REFERENCE = N_("Reference")
DELIVERY_METHOD = N_("Delivery method")
CATEGORY = N_("Order category")
DELIVERY_DATE = N_("Delivery date")
BRANCH = N_("Branch number")
BRANCH_HINT = N_("Leave empty for the default branch.")

# ------------------------------------------------------------------------------ type-ahead options
NEW_CUSTOMER = N_("➕ New customer…")
NEW_CUSTOMER_TYPED = N_("➕ New customer “{typed}”…")
NEW_CUSTOMER_HINT = N_("Not in the list? Create the customer in Mplus")
UNKNOWN_ARTICLE_HINT = N_("Not in Orderbot's copy of the catalogue")

# ------------------------------------------------------------------------------ after submitting
CREATING = N_("⏳ Creating the order in Mplus …")
SAVING = N_("⏳ Saving the changes in Mplus …")
NOT_REACHED = N_("Mplus could not be reached, so nothing was saved. Check the form and submit it again.")
WITHDRAWN = N_(
    "Mplus was busy for longer than Orderbot may wait, so nothing was sent to it and nothing was saved. "
    "Submit the form again."
)
EXT_ID_BUSY = N_("Another submission with this external id is being processed right now. Wait a moment.")
EDIT_BUSY = N_("Someone is saving changes to this order right now. Wait a moment, then reopen it.")
REFUSED_SEE_FIELDS = N_("Mplus refused: see the marked fields.")
NOT_CREATED = N_("Mplus did not create the order.")
NOT_CREATED_SAYS = N_("Mplus did not create the order: {message}")
NOT_SAVED = N_("Mplus did not save the changes.")
NOT_SAVED_SAYS = N_("Mplus did not save the changes: {message}")
EXT_ID_USED = N_("This external id is already used. External ids can never be reused; choose another.")
EXT_ID_USED_BY = N_(
    "This external id is already used by order {number}. External ids can never be reused; choose another."
)
CARD_POSTED = N_("The order card is posted in {channel}.")
CARD_NOT_POSTED = N_("The order card could not be posted.")
CREATED_ID = N_("✅ The order was created in Mplus (id {id}).")
CREATED = N_("✅ Order *{number}* was created in Mplus.")
CREATED_RECOVERED = N_("(Mplus's answer got lost on the way; Orderbot checked: the order exists, once.)")
SAVED = N_("✅ The changes were saved in Mplus.")
SAVED_ORDER = N_("✅ The changes to order *{number}* were saved in Mplus.")
SENT_UNKNOWN = N_("⚠️ Orderbot sent this to Mplus but could not tell whether it was done.")
MPLUS_ANSWERED = N_("Mplus answered: {outcome}.")
DETAILS_NOT_SHOWN = N_("Orderbot could not show the details here (error id {error_id}).")
PRICES_OFF = N_("💶 Prices that differ from the catalogue:")
NO_CHANGES = N_("No changes: the form matches order *{number}* in Mplus, so nothing was saved.")
CHANGED_MEANWHILE = N_(
    "⚠️ Order *{number}* was changed in Mplus after you opened the form, so your changes were *not* "
    "saved. This is the order as it is now:"
)
GONE = N_("🚫 Order {number} is no longer in Mplus, so nothing was saved.")
CHECK_WITH_FIND = N_("Check with `{command}`.")
EDIT_CURRENT = N_("✏️ Edit the current version")
OPEN_FAILED = N_("Slack did not let Orderbot open the form in time. Please try again.")
ERROR_ID = N_("error id: {error_id}")

# ------------------------------------------------------------------------------ new customer
CUSTOMER_TITLE = N_("New customer")
CUSTOMER_LABELS: dict[str, str] = {
    "name": N_("Name"),
    "company": N_("Company"),
    "contact": N_("Contact person"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "address": N_("Address"),
    "zipcode": N_("Postcode"),
    "city": N_("City"),
    "country": N_("Country"),
}
CUSTOMER_NAME_PLACEHOLDER = N_("A person's name, or the company's")
CUSTOMER_MAY_EXIST = N_("⚠️ *Mplus may already have this customer:*")
CUSTOMER_USE = N_("Use {customer}")
CUSTOMER_CREATE_ANYWAY = N_("No — create a new customer anyway")
CUSTOMER_WHICH = N_("Which customer is it?")
CUSTOMER_CONTINUE = N_("Continue")
CUSTOMER_CREATE = N_("Create customer")
CUSTOMER_BACK = N_("Back")
CUSTOMER_STALE = N_("This form is out of date. Close it and pick “➕ New customer…” again.")
CUSTOMER_UNKNOWN = N_(
    "Mplus did not answer while creating the customer, so it may or may not exist now. Search for it "
    "in the relation field before creating it again."
)
CUSTOMER_USING = N_("Using the existing customer {customer}.")
CUSTOMER_REFUSED = N_("Mplus did not create the customer: {message}")
CUSTOMER_FAILED = N_("{error} The customer was not created.")
CUSTOMER_CREATED = N_("New customer {customer} was created in Mplus and is selected.")
