"""The order form modal (new and edit), its state reader, and the views shown around it.

Block ids are the form's contract with Slack: Slack keeps what someone typed per block id across a
``views.update``, and ``response_action: errors`` is keyed by block id. Line blocks carry the line
slot's stable key (``form_line_3_quantity``), so removing a line never shifts typed values into the
wrong line; the form also always sets each input's initial value from the draft, so it shows the
same values whether or not Slack kept the typed state.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any, NamedTuple

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.mplus.models import Order, Relation
from bot.orders.drafts import (
    BRANCH_MAX,
    EXT_ID_MAX,
    LINE_TEXT_MAX,
    REFERENCE_MAX,
    FieldErrors,
    FieldRef,
    FormField,
    LineDraft,
    OrderDraft,
    RelationChoice,
    relation_label,
)
from bot.slack import text
from bot.slack.ids import MAX_FORM_LINES, ActionId, CallbackId, FormLineRef, OrderFormMeta, OrderRef
from bot.slack.views.order import Catalogue, order_card

OPTION_TEXT_MAX = 75
NOTE_MAX = 1000
MAX_MODAL_BLOCKS = 100
TITLE_NEW = "New order"
TITLE_EDIT = "Edit order"


class FormBlock(StrEnum):
    INTRO = "form_intro"
    BANNER = "form_banner"
    RELATION = "form_relation"
    EXT_ORDER_ID = "form_ext_id"
    LINES_ACTIONS = "form_lines_actions"
    DELIVERY_METHOD = "form_delivery_method"
    CATEGORY = "form_category"
    DELIVERY_DATE = "form_delivery_date"
    REFERENCE = "form_reference"
    BRANCH = "form_branch"
    NOTICE = "form_notice"
    NOTICE_ACTIONS = "form_notice_actions"


_FIXED = {
    FormField.RELATION: FormBlock.RELATION,
    FormField.EXT_ORDER_ID: FormBlock.EXT_ORDER_ID,
    FormField.DELIVERY_METHOD: FormBlock.DELIVERY_METHOD,
    FormField.CATEGORY: FormBlock.CATEGORY,
    FormField.DELIVERY_DATE: FormBlock.DELIVERY_DATE,
    FormField.REFERENCE: FormBlock.REFERENCE,
    FormField.BRANCH: FormBlock.BRANCH,
}


def block_id(ref: FieldRef) -> str:
    """The input block of one form field (per line for the line fields)."""
    if ref.line is not None:
        return f"form_line_{ref.line}_{ref.field.value}"
    return _FIXED[ref.field].value


def _action_id(field: FormField) -> str:
    # The relation select is the one input with a listener (type-ahead), so it has an ActionId.
    return ActionId.FORM_RELATION.value if field is FormField.RELATION else field.value


# ------------------------------------------------------------------------------ state


def _unescape(value: str) -> str:
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _entry(values: dict[str, Any], ref: FieldRef) -> dict[str, Any]:
    entry = (values.get(block_id(ref)) or {}).get(_action_id(ref.field))
    return entry if isinstance(entry, dict) else {}


def _typed(values: dict[str, Any], ref: FieldRef) -> str:
    return str(_entry(values, ref).get("value") or "")


def _chosen(values: dict[str, Any], ref: FieldRef) -> dict[str, Any] | None:
    option = _entry(values, ref).get("selected_option")
    return option if isinstance(option, dict) else None


def draft_from_state(values: dict[str, Any], meta: OrderFormMeta) -> OrderDraft:
    """The draft as typed, from ``view.state.values`` of a submission or a button press in the form."""
    relation, relation_value = None, None
    option = _chosen(values, FieldRef(FormField.RELATION))
    if option is not None:
        raw = str(option.get("value") or "")
        label = option.get("text") or {}
        shown = _unescape(str(label.get("text") or "")) if isinstance(label, dict) else ""
        if raw.isascii() and raw.isdigit() and 0 < len(raw) <= 12:
            relation = RelationChoice(number=int(raw), label=shown or f"#{raw}")
        else:
            relation_value = raw or "?"
    method = _chosen(values, FieldRef(FormField.DELIVERY_METHOD))
    category = _chosen(values, FieldRef(FormField.CATEGORY))
    lines = tuple(
        LineDraft(
            key=key,
            article=_typed(values, FieldRef(FormField.ARTICLE, key)),
            quantity=_typed(values, FieldRef(FormField.QUANTITY, key)),
            price=_typed(values, FieldRef(FormField.PRICE, key)),
            text=_typed(values, FieldRef(FormField.TEXT, key)),
        )
        for key in meta.lines
    )
    return OrderDraft(
        relation=relation,
        relation_value=relation_value,
        # An edit cannot change the external id; it comes from the order, not from the form.
        ext_order_id=(meta.ext_order_id or "")
        if meta.editing
        else _typed(values, FieldRef(FormField.EXT_ORDER_ID)),
        lines=lines,
        delivery_method=str(method.get("value")) if method else None,
        category=str(category.get("value")) if category else None,
        delivery_date=_entry(values, FieldRef(FormField.DELIVERY_DATE)).get("selected_date") or None,
        reference=_typed(values, FieldRef(FormField.REFERENCE)),
        branch=_typed(values, FieldRef(FormField.BRANCH)),
    )


def add_line(draft: OrderDraft, meta: OrderFormMeta) -> tuple[OrderDraft, OrderFormMeta]:
    if len(meta.lines) >= MAX_FORM_LINES:
        return draft, meta
    key = meta.next_line
    new_meta = meta.model_copy(update={"lines": (*meta.lines, key), "next_line": key + 1})
    return draft.model_copy(update={"lines": (*draft.lines, LineDraft(key=key))}), new_meta


def remove_line(draft: OrderDraft, meta: OrderFormMeta, key: int) -> tuple[OrderDraft, OrderFormMeta]:
    if key not in meta.lines or len(meta.lines) <= 1:
        return draft, meta  # the last line stays: an order needs one
    lines = tuple(k for k in meta.lines if k != key)
    kept = tuple(line for line in draft.lines if line.key != key)
    return draft.model_copy(update={"lines": kept}), meta.model_copy(update={"lines": lines})


def error_map(errors: FieldErrors, blocks: Sequence[dict[str, Any]]) -> dict[str, str]:
    """``response_action: errors`` payload: block id → escaped message, only for inputs in the view."""
    inputs = {b.get("block_id") for b in blocks if isinstance(b, dict) and b.get("type") == "input"}
    found: dict[str, str] = {}
    for ref, message in errors.items():
        target = block_id(ref)
        if target in inputs and target not in found:
            found[target] = text.safe(message, NOTE_MAX)
    return found


# ------------------------------------------------------------------------------- form


def _option(label: str, value: str, description: str | None = None) -> Option:
    desc = text.safe(" ".join(description.split()), OPTION_TEXT_MAX) if description else None
    return Option(value=value, text=text.safe(label, OPTION_TEXT_MAX) or "?", description=desc or None)


def relation_option(relation: Relation) -> dict[str, Any]:
    """One type-ahead option: ``Name (#12)``, the city underneath."""
    option = _option(
        relation_label(relation.name, relation.relation_number), str(relation.relation_number), relation.city
    )
    return option.to_dict()


def _note(ref: FieldRef, message: str) -> ContextBlock:
    # After the ack, errors can no longer be put on a field; this line under it does the same job.
    return ContextBlock(
        block_id=f"{block_id(ref)}_note",
        elements=[MarkdownTextObject(text=f"⚠️ {text.safe(message, NOTE_MAX)}")],
    )


class _Spec(NamedTuple):
    label: str
    optional: bool = False
    max_length: int = 100
    placeholder: str | None = None
    hint: str | None = None


_TEXT_INPUTS: dict[FormField, _Spec] = {
    FormField.EXT_ORDER_ID: _Spec(
        "External order id",
        max_length=EXT_ID_MAX,
        hint="Unique; it can never be used again for another order.",
    ),
    FormField.ARTICLE: _Spec("Article number", max_length=20, placeholder="e.g. 1001"),
    FormField.QUANTITY: _Spec("Quantity", max_length=30, placeholder="e.g. 2 or 1,5"),
    FormField.PRICE: _Spec(
        "Unit price (€, incl. VAT)",
        True,
        30,
        "e.g. 12,50",
        "Leave empty to use the article's price in Mplus.",
    ),
    FormField.TEXT: _Spec(
        "Line text", True, LINE_TEXT_MAX, hint="Leave empty to use the article's own text."
    ),
    FormField.REFERENCE: _Spec("Reference", True, REFERENCE_MAX),
}


def _input(ref: FieldRef, element: Any, spec: _Spec) -> InputBlock:
    return InputBlock(
        block_id=block_id(ref), label=spec.label, element=element, optional=spec.optional, hint=spec.hint
    )


def _text_input(ref: FieldRef, value: str) -> InputBlock:
    spec = _TEXT_INPUTS[ref.field]
    element = PlainTextInputElement(
        action_id=_action_id(ref.field),
        initial_value=value or None,
        max_length=spec.max_length,
        placeholder=spec.placeholder,
    )
    return _input(ref, element, spec)


def _line_blocks(line: LineDraft, position: int, removable: bool) -> list[tuple[Block, FieldRef | None]]:
    head = SectionBlock(
        block_id=f"form_line_{line.key}_head", text=MarkdownTextObject(text=f"*Line {position}*")
    )
    if removable:
        head.accessory = ButtonElement(
            text="Remove line",
            action_id=ActionId.FORM_REMOVE_LINE.value,
            value=FormLineRef(key=line.key).encode(),
        )
    typed = {
        FormField.ARTICLE: line.article,
        FormField.QUANTITY: line.quantity,
        FormField.PRICE: line.price,
        FormField.TEXT: line.text,
    }
    refs = [FieldRef(field, line.key) for field in typed]
    return [(head, None), *((_text_input(ref, typed[ref.field]), ref) for ref in refs)]


def _select(ref: FieldRef, label: str, options: list[Option], current: str | None) -> InputBlock | None:
    if not options:
        return None  # Mplus gave nothing to choose from; Slack refuses a select without options
    initial = next((o for o in options if o.value == current), None)
    element = StaticSelectElement(
        action_id=_action_id(ref.field), options=options[:100], initial_option=initial
    )
    return _input(ref, element, _Spec(label, optional=True))


def _method_options(catalogue: Catalogue, current: str | None) -> list[Option]:
    methods = [m for m in catalogue.delivery_methods if m.enabled or m.code == current]
    options = [_option(m.description or m.code, m.code) for m in methods]
    if current and not any(o.value == current for o in options):
        options.append(_option(current, current))  # keep an order's method even if Mplus no longer lists it
    return options


def _category_options(catalogue: Catalogue, current: str | None) -> list[Option]:
    options = [_option(c.description or f"#{c.number}", str(c.number)) for c in catalogue.categories]
    if current and not any(o.value == current for o in options):
        options.append(_option(f"#{current}", current))
    return options


def _intro(meta: OrderFormMeta) -> ContextBlock:
    intro = f"Editing order *{text.safe(meta.number or meta.order_id, 40)}*"
    if meta.ext_order_id:
        intro += f" · ext id {text.safe(meta.ext_order_id, EXT_ID_MAX)}"
    return ContextBlock(block_id=FormBlock.INTRO, elements=[MarkdownTextObject(text=intro)])


def order_form(
    draft: OrderDraft,
    meta: OrderFormMeta,
    catalogue: Catalogue,
    *,
    notes: FieldErrors | None = None,
    banner: str | None = None,
) -> dict[str, Any]:
    """The form, filled with ``draft``; ``notes`` are shown under their fields, ``banner`` on top."""
    notes = notes or {}
    editing = meta.editing
    blocks: list[Block] = [_intro(meta)] if editing else []
    if banner:
        warning = MarkdownTextObject(text=f"⚠️ {text.safe(banner, 2500)}")
        blocks.append(SectionBlock(block_id=FormBlock.BANNER, text=warning))

    def add(block: Block | None, ref: FieldRef | None = None) -> None:
        if block is not None:
            blocks.append(block)
            if ref is not None and ref in notes:
                blocks.append(_note(ref, notes[ref]))

    relation = FieldRef(FormField.RELATION)
    relation_select = ExternalDataSelectElement(
        action_id=ActionId.FORM_RELATION.value,
        placeholder="Type a name or number",
        initial_option=_option(draft.relation.label, str(draft.relation.number)) if draft.relation else None,
        min_query_length=1,
    )
    add(_input(relation, relation_select, _Spec("Relation")), relation)
    if not editing:
        ext = FieldRef(FormField.EXT_ORDER_ID)
        add(_text_input(ext, draft.ext_order_id), ext)
    blocks.append(DividerBlock())
    for position, line in enumerate(draft.lines, start=1):
        for block, ref in _line_blocks(line, position, removable=len(draft.lines) > 1):
            add(block, ref)
    if len(draft.lines) < MAX_FORM_LINES:
        more = ButtonElement(text="➕ Add line", action_id=ActionId.FORM_ADD_LINE.value, value="add")
        blocks.append(ActionsBlock(block_id=FormBlock.LINES_ACTIONS, elements=[more]))
    blocks.append(DividerBlock())
    method, category = FieldRef(FormField.DELIVERY_METHOD), FieldRef(FormField.CATEGORY)
    methods = _method_options(catalogue, draft.delivery_method)
    add(_select(method, "Delivery method", methods, draft.delivery_method), method)
    categories = _category_options(catalogue, draft.category)
    add(_select(category, "Order category", categories, draft.category), category)
    day = FieldRef(FormField.DELIVERY_DATE)
    picker = DatePickerElement(action_id=_action_id(day.field), initial_date=draft.delivery_date)
    add(_input(day, picker, _Spec("Delivery date", optional=True)), day)
    reference = FieldRef(FormField.REFERENCE)
    add(_text_input(reference, draft.reference), reference)
    branch = FieldRef(FormField.BRANCH)
    number = NumberInputElement(
        action_id=_action_id(branch.field),
        is_decimal_allowed=False,
        min_value=1,
        max_value=BRANCH_MAX,
        initial_value=draft.branch or None,
    )
    add(
        _input(branch, number, _Spec("Branch number", True, hint="Leave empty for the default branch.")),
        branch,
    )
    view = View(
        type="modal",
        callback_id=CallbackId.ORDER_FORM.value,
        title=TITLE_EDIT if editing else TITLE_NEW,
        submit="Save changes" if editing else "Create order",
        close="Cancel",
        private_metadata=meta.encode(),
        blocks=blocks[:MAX_MODAL_BLOCKS],
    )
    return view.to_dict()


# ---------------------------------------------------------------------------- notices


def loading_view(title: str, message: str = "⏳ Loading …") -> dict[str, Any]:
    """Opened at once with the trigger id (valid for 3 s); replaced when the data is there."""
    return notice_view(title, message, close="Cancel")


def notice_view(
    title: str,
    message: str,
    *,
    order: Order | None = None,
    catalogue: Catalogue | None = None,
    meta: OrderFormMeta | None = None,
    edit_again: bool = False,
    close: str = "Close",
) -> dict[str, Any]:
    """A message in the modal, optionally with the order's card (no buttons: a modal has no respond).

    ``message`` is mrkdwn made by the caller with every untrusted part escaped.
    """
    blocks: list[dict[str, Any]] = [
        SectionBlock(block_id=FormBlock.NOTICE, text=MarkdownTextObject(text=message[:3000])).to_dict()
    ]
    if order is not None:
        blocks.extend(order_card(order, catalogue or Catalogue(), with_actions=False))
    if edit_again and order is not None:
        button = ButtonElement(
            text="✏️ Edit the current version",
            action_id=ActionId.FORM_EDIT_CURRENT.value,
            value=OrderRef(order_id=order.order_id).encode(),
            style="primary",
        )
        blocks.append(ActionsBlock(block_id=FormBlock.NOTICE_ACTIONS, elements=[button]).to_dict())
    view = View(
        type="modal",
        title=title[:24],
        close=close,
        private_metadata=meta.encode() if meta else None,
        blocks=blocks,
    )
    return view.to_dict()
