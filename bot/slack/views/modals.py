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
)
from bot.slack import form_messages as say
from bot.slack import text
from bot.slack.i18n import Translator, translator
from bot.slack.ids import MAX_FORM_LINES, ActionId, CallbackId, FormLineRef, OrderFormMeta
from bot.slack.views.form_notices import loading_view, notice_view
from bot.slack.views.form_options import option
from bot.slack.views.order import Catalogue

NOTE_MAX = 1000
MAX_MODAL_BLOCKS = 100
TITLE_NEW = say.TITLE_NEW
TITLE_EDIT = say.TITLE_EDIT


def reader_of(meta: OrderFormMeta | None) -> Translator:
    """The language the form was opened in (known without asking anyone: fit for the ack path)."""
    return translator(meta.language if meta is not None else None)


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


_FIXED = {
    FormField.RELATION: FormBlock.RELATION,
    FormField.EXT_ORDER_ID: FormBlock.EXT_ORDER_ID,
    FormField.DELIVERY_METHOD: FormBlock.DELIVERY_METHOD,
    FormField.CATEGORY: FormBlock.CATEGORY,
    FormField.DELIVERY_DATE: FormBlock.DELIVERY_DATE,
    FormField.REFERENCE: FormBlock.REFERENCE,
    FormField.BRANCH: FormBlock.BRANCH,
}


def block_id(ref: FieldRef, meta: OrderFormMeta | None = None) -> str:
    """The input block of one form field (per line for the line fields)."""
    if ref.line is not None:
        return f"form_line_{ref.line}_{ref.field.value}"
    if ref.field is FormField.RELATION and meta is not None and meta.relation_rev:
        return f"{FormBlock.RELATION.value}_{meta.relation_rev}"
    return _FIXED[ref.field].value


_LISTENED = {FormField.RELATION: ActionId.FORM_RELATION, FormField.ARTICLE: ActionId.FORM_ARTICLE}


def _action_id(field: FormField) -> str:
    # The type-ahead selects have listeners, so they have ActionIds.
    listened = _LISTENED.get(field)
    return listened.value if listened else field.value


# ------------------------------------------------------------------------------ state


def _unescape(value: str) -> str:
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _entry(values: dict[str, Any], ref: FieldRef, meta: OrderFormMeta | None = None) -> dict[str, Any]:
    entry = (values.get(block_id(ref, meta)) or {}).get(_action_id(ref.field))
    return entry if isinstance(entry, dict) else {}


def _typed(values: dict[str, Any], ref: FieldRef) -> str:
    return str(_entry(values, ref).get("value") or "")


def _chosen(
    values: dict[str, Any], ref: FieldRef, meta: OrderFormMeta | None = None
) -> dict[str, Any] | None:
    chosen = _entry(values, ref, meta).get("selected_option")
    return chosen if isinstance(chosen, dict) else None


def _label(chosen: dict[str, Any] | None) -> str:
    shown = (chosen or {}).get("text") or {}
    return _unescape(str(shown.get("text") or "")) if isinstance(shown, dict) else ""


def _article(values: dict[str, Any], key: int) -> tuple[str, str]:
    """(article number, its label) from a line's type-ahead; a typed-in text input is read too."""
    ref = FieldRef(FormField.ARTICLE, key)
    chosen = _chosen(values, ref)
    if chosen is not None:
        return str(chosen.get("value") or ""), _label(chosen)
    return _typed(values, ref), ""


def _line(values: dict[str, Any], key: int) -> LineDraft:
    article, label = _article(values, key)
    return LineDraft(
        key=key,
        article=article,
        article_label=label,
        quantity=_typed(values, FieldRef(FormField.QUANTITY, key)),
        price=_typed(values, FieldRef(FormField.PRICE, key)),
        text=_typed(values, FieldRef(FormField.TEXT, key)),
    )


def draft_from_state(values: dict[str, Any], meta: OrderFormMeta) -> OrderDraft:
    """The draft as typed, from ``view.state.values`` of a submission or a button press in the form."""
    relation, relation_value = None, None
    picked = _chosen(values, FieldRef(FormField.RELATION), meta)
    if picked is not None:
        raw = str(picked.get("value") or "")
        shown = _label(picked)
        if raw.isascii() and raw.isdigit() and 0 < len(raw) <= 12:
            relation = RelationChoice(number=int(raw), label=shown or f"#{raw}")
        else:
            relation_value = raw or "?"
    method = _chosen(values, FieldRef(FormField.DELIVERY_METHOD))
    category = _chosen(values, FieldRef(FormField.CATEGORY))
    lines = tuple(_line(values, key) for key in meta.lines)
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


def error_map(
    errors: FieldErrors, blocks: Sequence[dict[str, Any]], meta: OrderFormMeta | None = None
) -> dict[str, str]:
    """``response_action: errors`` payload: block id → escaped message, only for inputs in the view,
    in the form's language."""
    tr = reader_of(meta)
    inputs = {b.get("block_id") for b in blocks if isinstance(b, dict) and b.get("type") == "input"}
    found: dict[str, str] = {}
    for ref, message in errors.items():
        target = block_id(ref, meta)
        if target in inputs and target not in found:
            found[target] = text.safe(tr.said(message), NOTE_MAX)
    return found


# ------------------------------------------------------------------------------- form


def _note(ref: FieldRef, message: str, meta: OrderFormMeta, tr: Translator) -> ContextBlock:
    # After the ack, errors can no longer be put on a field; this line under it does the same job.
    return ContextBlock(
        block_id=f"{block_id(ref, meta)}_note",
        elements=[MarkdownTextObject(text=f"⚠️ {text.safe(tr.said(message), NOTE_MAX)}")],
    )


class _Spec(NamedTuple):
    label: str
    optional: bool = False
    max_length: int = 100
    placeholder: str | None = None
    hint: str | None = None


# Labels, placeholders and hints are marked msgids, said in the form's language when it is drawn.
_TEXT_INPUTS: dict[FormField, _Spec] = {
    FormField.EXT_ORDER_ID: _Spec(say.EXT_ORDER_ID, max_length=EXT_ID_MAX, hint=say.EXT_ORDER_ID_HINT),
    FormField.QUANTITY: _Spec(say.QUANTITY, max_length=30, placeholder=say.QUANTITY_PLACEHOLDER),
    FormField.PRICE: _Spec(say.PRICE, True, 30, say.PRICE_PLACEHOLDER, say.PRICE_HINT),
    FormField.TEXT: _Spec(say.LINE_TEXT, True, LINE_TEXT_MAX, hint=say.LINE_TEXT_HINT),
    FormField.REFERENCE: _Spec(say.REFERENCE, True, REFERENCE_MAX),
}


def _input(
    ref: FieldRef,
    element: Any,
    spec: _Spec,
    tr: Translator,
    meta: OrderFormMeta | None = None,
    dispatch: bool = False,
) -> InputBlock:
    return InputBlock(
        block_id=block_id(ref, meta),
        label=tr(spec.label),
        element=element,
        optional=spec.optional,
        hint=tr(spec.hint) if spec.hint else None,
        dispatch_action=dispatch or None,
    )


def _article_select(ref: FieldRef, line: LineDraft, tr: Translator) -> InputBlock:
    initial = None
    if line.article:
        initial = option(line.article_label or tr(say.ARTICLE_NUMBER, number=line.article), line.article)
    element = ExternalDataSelectElement(
        action_id=ActionId.FORM_ARTICLE.value,
        placeholder=tr(say.ARTICLE_PLACEHOLDER),
        initial_option=initial,
        min_query_length=1,
    )
    return _input(ref, element, _Spec(say.ARTICLE, hint=say.ARTICLE_HINT), tr)


def _text_input(ref: FieldRef, value: str, tr: Translator) -> InputBlock:
    spec = _TEXT_INPUTS[ref.field]
    element = PlainTextInputElement(
        action_id=_action_id(ref.field),
        initial_value=value or None,
        max_length=spec.max_length,
        placeholder=tr(spec.placeholder) if spec.placeholder else None,
    )
    return _input(ref, element, spec, tr)


def _line_blocks(
    line: LineDraft, position: int, removable: bool, tr: Translator
) -> list[tuple[Block, FieldRef | None]]:
    head = SectionBlock(
        block_id=f"form_line_{line.key}_head", text=MarkdownTextObject(text=f"*{tr(say.LINE, n=position)}*")
    )
    if removable:
        head.accessory = ButtonElement(
            text=tr(say.REMOVE_LINE),
            action_id=ActionId.FORM_REMOVE_LINE.value,
            value=FormLineRef(key=line.key).encode(),
        )
    typed = {
        FormField.QUANTITY: line.quantity,
        FormField.PRICE: line.price,
        FormField.TEXT: line.text,
    }
    article = FieldRef(FormField.ARTICLE, line.key)
    refs = [FieldRef(field, line.key) for field in typed]
    return [
        (head, None),
        (_article_select(article, line, tr), article),
        *((_text_input(ref, typed[ref.field], tr), ref) for ref in refs),
    ]


def _select(
    ref: FieldRef, label: str, options: list[Option], current: str | None, tr: Translator
) -> InputBlock | None:
    if not options:
        return None  # Mplus gave nothing to choose from; Slack refuses a select without options
    initial = next((o for o in options if o.value == current), None)
    element = StaticSelectElement(
        action_id=_action_id(ref.field), options=options[:100], initial_option=initial
    )
    return _input(ref, element, _Spec(label, optional=True), tr)


def _method_options(catalogue: Catalogue, current: str | None) -> list[Option]:
    methods = [m for m in catalogue.delivery_methods if m.enabled or m.code == current]
    options = [option(m.description or m.code, m.code) for m in methods]
    if current and not any(o.value == current for o in options):
        options.append(option(current, current))  # keep an order's method even if Mplus no longer lists it
    return options


def _category_options(catalogue: Catalogue, current: str | None) -> list[Option]:
    options = [option(c.description or f"#{c.number}", str(c.number)) for c in catalogue.categories]
    if current and not any(o.value == current for o in options):
        options.append(option(f"#{current}", current))
    return options


def _intro(meta: OrderFormMeta, tr: Translator) -> ContextBlock:
    intro = tr(say.EDITING_ORDER, number=text.safe(meta.number or meta.order_id, 40))
    if meta.ext_order_id:
        intro += " · " + tr(say.EDITING_EXT_ID, id=text.safe(meta.ext_order_id, EXT_ID_MAX))
    return ContextBlock(block_id=FormBlock.INTRO, elements=[MarkdownTextObject(text=intro)])


def order_form(
    draft: OrderDraft,
    meta: OrderFormMeta,
    catalogue: Catalogue,
    *,
    notes: FieldErrors | None = None,
    banner: str | None = None,
) -> dict[str, Any]:
    """The form, filled with ``draft``, in the language it was opened in (``meta.language``); ``notes``
    are shown under their fields, ``banner`` on top (both marked texts or Mplus's own words)."""
    tr = reader_of(meta)
    notes = notes or {}
    editing = meta.editing
    blocks: list[Block] = [_intro(meta, tr)] if editing else []
    if banner:
        warning = MarkdownTextObject(text=f"⚠️ {text.safe(tr.said(banner), 2500)}")
        blocks.append(SectionBlock(block_id=FormBlock.BANNER, text=warning))

    def add(block: Block | None, ref: FieldRef | None = None) -> None:
        if block is not None:
            blocks.append(block)
            if ref is not None and ref in notes:
                blocks.append(_note(ref, notes[ref], meta, tr))

    relation = FieldRef(FormField.RELATION)
    relation_select = ExternalDataSelectElement(
        action_id=ActionId.FORM_RELATION.value,
        placeholder=tr(say.RELATION_PLACEHOLDER),
        initial_option=option(draft.relation.label, str(draft.relation.number)) if draft.relation else None,
        min_query_length=1,
    )
    # dispatch_action: picking "➕ New customer…" must reach the bot at once (it pushes a modal).
    spec = _Spec(say.RELATION, hint=say.RELATION_HINT)
    add(_input(relation, relation_select, spec, tr, meta, dispatch=True), relation)
    if not editing:
        ext = FieldRef(FormField.EXT_ORDER_ID)
        add(_text_input(ext, draft.ext_order_id, tr), ext)
    blocks.append(DividerBlock())
    for position, line in enumerate(draft.lines, start=1):
        for block, ref in _line_blocks(line, position, len(draft.lines) > 1, tr):
            add(block, ref)
    if len(draft.lines) < MAX_FORM_LINES:
        more = ButtonElement(text=tr(say.ADD_LINE), action_id=ActionId.FORM_ADD_LINE.value, value="add")
        blocks.append(ActionsBlock(block_id=FormBlock.LINES_ACTIONS, elements=[more]))
    blocks.append(DividerBlock())
    method, category = FieldRef(FormField.DELIVERY_METHOD), FieldRef(FormField.CATEGORY)
    methods = _method_options(catalogue, draft.delivery_method)
    add(_select(method, say.DELIVERY_METHOD, methods, draft.delivery_method, tr), method)
    categories = _category_options(catalogue, draft.category)
    add(_select(category, say.CATEGORY, categories, draft.category, tr), category)
    day = FieldRef(FormField.DELIVERY_DATE)
    picker = DatePickerElement(action_id=_action_id(day.field), initial_date=draft.delivery_date)
    add(_input(day, picker, _Spec(say.DELIVERY_DATE, optional=True), tr), day)
    reference = FieldRef(FormField.REFERENCE)
    add(_text_input(reference, draft.reference, tr), reference)
    branch = FieldRef(FormField.BRANCH)
    number = NumberInputElement(
        action_id=_action_id(branch.field),
        is_decimal_allowed=False,
        min_value=1,
        max_value=BRANCH_MAX,
        initial_value=draft.branch or None,
    )
    add(
        _input(branch, number, _Spec(say.BRANCH, True, hint=say.BRANCH_HINT), tr),
        branch,
    )
    view = View(
        type="modal",
        callback_id=CallbackId.ORDER_FORM.value,
        title=tr(TITLE_EDIT if editing else TITLE_NEW)[:24],
        submit=tr(say.SUBMIT_EDIT if editing else say.SUBMIT_NEW)[:24],
        close=tr(say.CLOSE_FORM)[:24],
        private_metadata=meta.encode(),
        blocks=blocks[:MAX_MODAL_BLOCKS],
    )
    return view.to_dict()


__all__ = ["loading_view", "notice_view"]  # the views around the form, re-exported for the handlers
