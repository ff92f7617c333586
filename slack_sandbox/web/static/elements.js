// Block Kit interactive elements. Each one reports choices through ctx:
//   ctx.act(element, block, raw) → Promise<boolean>  (block_actions; false when a confirm was denied)
//   ctx.changed(block, element, raw), ctx.register(block, element, getter), ctx.initial(block, element)
// Raw values are what SignedSlackClient expects: option value(s), option dicts for external selects,
// "YYYY-MM-DD" dates, "HH:MM" times, epoch seconds for datetimepicker, ids for users/conversations.
"use strict";
(function () {
  const SB = (window.SB = window.SB || {});
  const el = SB.el;
  let uid = 0;

  SB.unsupported = function unsupported(kind, obj, why) {
    const type = obj && typeof obj === "object" ? obj.type : typeof obj;
    return el(
      "details",
      { class: "unsupported", testid: "unsupported" },
      el("summary", { text: `Unsupported ${kind}: ${type}${why ? " (" + why + ")" : ""}` }),
      el("pre", { text: JSON.stringify(obj, null, 2) }),
    );
  };

  // A file uploaded to the fake (slack_file {id} or a message's files[]) is served by the sandbox.
  SB.fileUrl = function fileUrl(file) {
    if (!file) return "";
    return file.url || (file.id ? "/files/" + encodeURIComponent(file.id) : "");
  };

  // Remote images are not fetched (the sandbox stays offline): a labelled placeholder stands in.
  SB.image = function image(url, alt, cls) {
    const local = /^(data:image\/|\/files\/F\w+$|https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/)/i.test(String(url || ""));
    if (local) return el("img", { class: cls || "img", src: url, alt: alt || "" });
    return el("span", { class: (cls || "img") + " img-placeholder", title: String(url || ""), text: `[image: ${alt || "no alt text"}]` });
  };

  const optionsOf = (element) => [
    ...(element.options || []),
    ...(element.option_groups || []).flatMap((group) => group.options || []),
  ];
  const optionText = (option) => SB.plainText(option && option.text);

  function emitter(element, block, ctx) {
    const inInput = block.type === "input";
    return async (raw) => {
      if (ctx.changed) ctx.changed(block, element, raw);
      if (!inInput || block.dispatch_action) return ctx.act(element, block, raw);
      return true;
    };
  }

  function initialOf(element, block, ctx, key, fallback) {
    const cached = ctx.initial ? ctx.initial(block, element) : undefined;
    return cached !== undefined ? cached : element[key] !== undefined ? element[key] : fallback;
  }

  function button(element, block, ctx) {
    const node = el(
      "button",
      {
        type: "button", class: "sb-btn " + (element.style || ""), testid: "button-" + element.action_id,
        "data-action-id": element.action_id, title: element.url || null, "aria-label": element.accessibility_label || null,
      },
      SB.textObject(element.text, ctx),
    );
    node.addEventListener("click", async () => {
      const href = element.url && SB.safeHref(element.url);
      if (href) window.open(href, "_blank", "noopener,noreferrer");
      node.disabled = true;
      node.classList.add("busy");
      try {
        await ctx.act(element, block, null);
      } finally {
        node.disabled = false;
        node.classList.remove("busy");
      }
    });
    return node;
  }

  function addOptions(select, element) {
    for (const option of element.options || []) select.append(el("option", { value: option.value, text: optionText(option) }));
    for (const group of element.option_groups || []) {
      const node = el("optgroup", { label: SB.plainText(group.label) });
      for (const option of group.options || []) node.append(el("option", { value: option.value, text: optionText(option) }));
      select.append(node);
    }
  }

  function choiceSelect(element, block, ctx, choices, multiple, initialKey) {
    const select = el("select", {
      class: "sb-select", testid: "select-" + element.action_id, "data-action-id": element.action_id, multiple,
      "aria-label": SB.plainText(element.placeholder) || element.action_id,
    });
    if (!multiple) select.append(el("option", { value: "", text: SB.plainText(element.placeholder) || "Select an item" }));
    if (choices) choices.forEach(([value, text]) => select.append(el("option", { value, text })));
    else addOptions(select, element);
    const toRaw = (v) => (v && typeof v === "object" ? v.value : v);
    let initial = initialOf(element, block, ctx, initialKey, multiple ? [] : null);
    initial = multiple ? (initial || []).map(toRaw) : toRaw(initial);
    const read = () => (multiple ? [...select.selectedOptions].map((o) => o.value) : select.value || null);
    const write = (raw) => {
      for (const option of select.options) option.selected = multiple ? (raw || []).includes(option.value) : option.value === (raw || "");
    };
    write(initial);
    let previous = read();
    const emit = emitter(element, block, ctx);
    select.addEventListener("change", async () => {
      const raw = read();
      if ((await emit(raw)) === false) write(previous);
      else previous = raw;
    });
    if (ctx.register) ctx.register(block, element, read);
    return select;
  }

  // external_select: type-ahead through block_suggestion (GET /api/suggest).
  function externalSelect(element, block, ctx, multiple) {
    const id = "ta" + (uid += 1);
    const initialKey = multiple ? "initial_options" : "initial_option";
    let selected = initialOf(element, block, ctx, initialKey, multiple ? [] : null);
    const input = el("input", {
      type: "text", class: "sb-input", autocomplete: "off", role: "combobox", "aria-controls": id,
      placeholder: SB.plainText(element.placeholder) || "Type to search…", "data-action-id": element.action_id,
    });
    const list = el("ul", { class: "ta-options", id, role: "listbox", testid: "options-" + element.action_id, hidden: true });
    const chips = el("div", { class: "chips" });
    const node = el("div", { class: "typeahead", testid: "select-" + element.action_id }, chips, input, list);
    const emit = emitter(element, block, ctx);
    const minLength = element.min_query_length === undefined ? 3 : Number(element.min_query_length);
    const showSelected = () => {
      chips.replaceChildren();
      if (!multiple) input.value = selected ? optionText(selected) : "";
      else (selected || []).forEach((option) => chips.append(el("span", { class: "chip", text: optionText(option) })));
    };
    const pick = async (option) => {
      const before = selected;
      selected = multiple ? [...(selected || []).filter((o) => o.value !== option.value), option] : option;
      list.hidden = true;
      showSelected();
      if ((await emit(selected)) === false) {
        selected = before;
        showSelected();
      }
    };
    const show = (options) => {
      list.replaceChildren();
      const add = (option) => {
        const item = el("li", { role: "option", testid: "option-" + option.value, text: optionText(option) });
        item.addEventListener("mousedown", (event) => {
          event.preventDefault();
          pick(option);
        });
        list.append(item);
      };
      for (const entry of options) {
        if (entry && entry.options) {
          list.append(el("li", { class: "ta-group", text: SB.plainText(entry.label) }));
          entry.options.forEach(add);
        } else if (entry) add(entry);
      }
      if (!options.length) list.append(el("li", { class: "ta-empty", text: "No results" }));
      list.hidden = false;
    };
    let timer = null;
    let asked = 0;
    const query = () => {
      clearTimeout(timer);
      const typed = input.value;
      if (typed.length < minLength) {
        list.hidden = true;
        return;
      }
      timer = setTimeout(async () => {
        const ticket = (asked += 1);
        const options = await ctx.suggest(element, block, typed);
        if (ticket === asked) show(options);
      }, 150);
    };
    input.addEventListener("input", query);
    input.addEventListener("focus", () => minLength === 0 && query());
    input.addEventListener("blur", () => {
      list.hidden = true;
      if (!multiple) showSelected();
    });
    input.addEventListener("keydown", (event) => {
      const first = list.querySelector("li[role=option]");
      if (event.key === "Enter" && !list.hidden && first) {
        event.preventDefault();
        first.dispatchEvent(new MouseEvent("mousedown"));
      } else if (event.key === "Escape" && !list.hidden) {
        event.stopPropagation(); // closes the list, not the modal
        list.hidden = true;
      }
    });
    showSelected();
    if (ctx.register) ctx.register(block, element, () => selected);
    return node;
  }

  function overflow(element, block, ctx) {
    const menu = el("div", { class: "menu", role: "menu", hidden: true });
    const toggle = el("button", {
      type: "button", class: "sb-btn overflow", testid: "overflow-" + element.action_id, "aria-label": "More actions", text: "⋯",
    });
    toggle.addEventListener("click", (event) => {
      event.stopPropagation();
      document.querySelectorAll(".menu").forEach((other) => other !== menu && (other.hidden = true));
      menu.hidden = !menu.hidden;
    });
    for (const option of optionsOf(element)) {
      const item = el("button", { type: "button", role: "menuitem", testid: "option-" + option.value, text: optionText(option) });
      item.addEventListener("click", () => {
        menu.hidden = true;
        ctx.act(element, block, option.value);
      });
      menu.append(item);
    }
    return el("span", { class: "overflow-wrap" }, toggle, menu);
  }

  function picker(element, block, ctx, type, initialKey) {
    const toLocal = (epoch) => (epoch ? new Date(epoch * 1000 - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16) : "");
    const initial = initialOf(element, block, ctx, initialKey, null);
    const input = el("input", {
      type, class: "sb-input", testid: type === "date" ? "datepicker-" + element.action_id : type + "-" + element.action_id,
      "data-action-id": element.action_id, value: type === "datetime-local" ? toLocal(initial) : initial || "",
    });
    const read = () => {
      if (!input.value) return null;
      return type === "datetime-local" ? Math.floor(new Date(input.value).getTime() / 1000) : input.value;
    };
    const emit = emitter(element, block, ctx);
    input.addEventListener("change", () => emit(read()));
    if (ctx.register) ctx.register(block, element, read);
    return input;
  }

  function toggles(element, block, ctx, kind) {
    const name = "g" + (uid += 1);
    const multiple = kind === "checkbox";
    const initial = initialOf(element, block, ctx, multiple ? "initial_options" : "initial_option", multiple ? [] : null);
    const chosen = new Set((multiple ? initial || [] : [initial]).filter(Boolean).map((o) => (typeof o === "object" ? o.value : o)));
    const box = el("div", { class: "toggles", testid: (multiple ? "checkboxes-" : "radios-") + element.action_id });
    const inputs = [];
    for (const option of optionsOf(element)) {
      const input = el("input", { type: kind, name, value: option.value, testid: "option-" + option.value, checked: chosen.has(option.value) });
      inputs.push(input);
      const description = option.description ? el("div", { class: "description" }, SB.textObject(option.description)) : null;
      box.append(el("label", { class: "toggle" }, input, " ", SB.textObject(option.text), description));
    }
    const read = () => {
      const on = inputs.filter((i) => i.checked).map((i) => i.value);
      return multiple ? on : on[0] || null;
    };
    const emit = emitter(element, block, ctx);
    box.addEventListener("change", () => emit(read()));
    if (ctx.register) ctx.register(block, element, read);
    return box;
  }

  function textInput(element, block, ctx, type) {
    const attrs = {
      class: "sb-input", "data-action-id": element.action_id, placeholder: SB.plainText(element.placeholder) || null,
      maxlength: element.max_length || null, testid: "text-" + element.action_id,
    };
    const multiline = element.type === "plain_text_input" && element.multiline;
    const input = multiline ? el("textarea", { ...attrs, rows: 3 }) : el("input", { ...attrs, type });
    if (type === "number") input.step = element.is_decimal_allowed ? "any" : "1";
    const initial = initialOf(element, block, ctx, "initial_value", "");
    input.value = initial === null ? "" : String(initial);
    const read = () => (input.value === "" ? null : input.value); // Slack sends null for an empty input
    if (ctx.changed) input.addEventListener("input", () => ctx.changed(block, element, read()));
    const triggers = (element.dispatch_action_config || {}).trigger_actions_on || ["on_enter_pressed"];
    if (block.dispatch_action && triggers.includes("on_enter_pressed")) {
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey) {
          event.preventDefault();
          ctx.act(element, block, read());
        }
      });
    }
    if (ctx.register) ctx.register(block, element, read);
    return input;
  }

  const userChoices = (ctx) => Object.values(ctx.users || {}).map((u) => [u.id, "@" + u.name]);
  const channelChoices = (ctx) => (ctx.channels || []).map((c) => [c.id, (c.kind === "dm" ? "@" : "#") + c.name]);

  const RENDERERS = {
    button,
    overflow,
    static_select: (e, b, c) => choiceSelect(e, b, c, null, false, "initial_option"),
    multi_static_select: (e, b, c) => choiceSelect(e, b, c, null, true, "initial_options"),
    external_select: (e, b, c) => externalSelect(e, b, c, false),
    multi_external_select: (e, b, c) => externalSelect(e, b, c, true),
    users_select: (e, b, c) => choiceSelect(e, b, c, userChoices(c), false, "initial_user"),
    multi_users_select: (e, b, c) => choiceSelect(e, b, c, userChoices(c), true, "initial_users"),
    conversations_select: (e, b, c) => choiceSelect(e, b, c, channelChoices(c), false, "initial_conversation"),
    multi_conversations_select: (e, b, c) => choiceSelect(e, b, c, channelChoices(c), true, "initial_conversations"),
    channels_select: (e, b, c) => choiceSelect(e, b, c, channelChoices(c), false, "initial_channel"),
    multi_channels_select: (e, b, c) => choiceSelect(e, b, c, channelChoices(c), true, "initial_channels"),
    datepicker: (e, b, c) => picker(e, b, c, "date", "initial_date"),
    timepicker: (e, b, c) => picker(e, b, c, "time", "initial_time"),
    datetimepicker: (e, b, c) => picker(e, b, c, "datetime-local", "initial_date_time"),
    checkboxes: (e, b, c) => toggles(e, b, c, "checkbox"),
    radio_buttons: (e, b, c) => toggles(e, b, c, "radio"),
    plain_text_input: (e, b, c) => textInput(e, b, c, "text"),
    email_text_input: (e, b, c) => textInput(e, b, c, "email"),
    url_text_input: (e, b, c) => textInput(e, b, c, "url"),
    number_input: (e, b, c) => textInput(e, b, c, "number"),
    image: (e) => SB.image(e.image_url, e.alt_text),
  };

  SB.renderElement = function renderElement(element, block, ctx) {
    const render = element && RENDERERS[element.type];
    if (!render) return SB.unsupported("element", element);
    try {
      return render(element, block, ctx);
    } catch (error) {
      return SB.unsupported("element", element, String(error));
    }
  };

  document.addEventListener("click", () => document.querySelectorAll(".menu").forEach((menu) => (menu.hidden = true)));
})();
