// Modals (the user's view stack) and confirm dialogs.
// The top view of the stack is shown; typed values survive re-renders (views.update keeps inputs
// whose block_id/action_id stay, as Slack does); field errors come from response_action "errors"
// or from the client-side checks the Slack client makes before it sends anything.
"use strict";
(function () {
  const SB = (window.SB = window.SB || {});
  const el = SB.el;

  SB.confirm = function confirm(spec, ctx) {
    return new Promise((resolve) => {
      const root = document.getElementById("confirm-root");
      const previous = document.activeElement;
      const ok = el("button", {
        type: "button", class: "sb-btn " + (spec.style === "danger" ? "danger" : "primary"), testid: "confirm-ok",
        text: SB.plainText(spec.confirm) || "Yes",
      });
      const deny = el("button", { type: "button", class: "sb-btn", testid: "confirm-deny", text: SB.plainText(spec.deny) || "Cancel" });
      const onKey = (event) => {
        if (event.key !== "Escape") return;
        event.stopImmediatePropagation(); // Escape closes the dialog, not the modal under it
        done(false);
      };
      const done = (answer) => {
        document.removeEventListener("keydown", onKey, true);
        root.replaceChildren();
        if (previous && previous.focus) previous.focus();
        resolve(answer);
      };
      ok.addEventListener("click", () => done(true));
      deny.addEventListener("click", () => done(false));
      document.addEventListener("keydown", onKey, true);
      const dialog = el(
        "div",
        { class: "confirm", role: "alertdialog", "aria-modal": "true", "aria-labelledby": "confirm-title", testid: "confirm-dialog" },
        el("h3", { id: "confirm-title", testid: "confirm-title", text: SB.plainText(spec.title) || "Are you sure?" }),
        el("div", { class: "confirm-text", testid: "confirm-text" }, SB.textObject(spec.text, ctx)),
        el("div", { class: "confirm-foot" }, deny, ok),
      );
      root.replaceChildren(el("div", { class: "backdrop confirm-backdrop" }, dialog));
      ok.focus();
    });
  };

  const rawFromState = (entry) => {
    if (!entry || typeof entry !== "object") return undefined;
    const key = Object.keys(entry).find((k) => k !== "type");
    return key === undefined ? undefined : entry[key];
  };

  SB.ModalStack = class ModalStack {
    constructor(root, app) {
      this.root = root;
      this.app = app; // {post, refresh, toast, act, suggest, context}
      this.signature = "";
      this.cache = new Map(); // view_id → Map("block/action" → raw)
      this.getters = [];
      this.view = null;
      document.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && this.view && !document.querySelector("#confirm-root *")) this.close(true);
      });
    }

    values() {
      const values = {};
      for (const { block, element, get } of this.getters) {
        (values[block.block_id] = values[block.block_id] || {})[element.action_id] = get();
      }
      return values;
    }

    render(views, snapshot) {
      const signature = (views || []).map((v) => v.id + ":" + v.hash).join("|");
      if (signature === this.signature) return;
      this.signature = signature;
      const open = new Set((views || []).map((v) => v.id));
      for (const id of [...this.cache.keys()]) if (!open.has(id)) this.cache.delete(id);
      if (!views || !views.length) {
        this.view = null;
        this.root.replaceChildren();
        return;
      }
      this.draw(views[views.length - 1], views.length, snapshot);
    }

    draw(view, depth, snapshot) {
      this.view = view;
      this.getters = [];
      const cache = this.cache.get(view.id) || new Map();
      this.cache.set(view.id, cache);
      const remembered = (view.state && view.state.values) || {};
      const ctx = {
        ...this.app.context(snapshot),
        surface: "view",
        initial: (block, element) => {
          const key = block.block_id + "/" + element.action_id;
          if (cache.has(key)) return cache.get(key);
          return rawFromState((remembered[block.block_id] || {})[element.action_id]);
        },
        changed: (block, element, raw) => cache.set(block.block_id + "/" + element.action_id, raw),
        register: (block, element, get) => this.getters.push({ block, element, get }),
        act: (element, block, raw) => this.app.act(element, block, raw, ctx, () => ({ source: "view", view_id: view.id, values: this.values() })),
        suggest: (element, block, value) => this.app.suggest({ source: "view", view_id: view.id, block_id: block.block_id, action_id: element.action_id, value }),
      };
      const head = el("div", { class: "modal-head" });
      if (depth > 1) {
        const back = el("button", { type: "button", class: "icon-btn", testid: "modal-back", "aria-label": "Back", text: "‹" });
        back.addEventListener("click", () => this.close(false));
        head.append(back);
      }
      head.append(el("h2", { id: "modal-title", testid: "modal-title", text: SB.plainText(view.title) }));
      if (depth > 1) head.append(el("span", { class: "stack-depth", testid: "modal-stack", text: `${depth} of ${depth}` }));
      const dismiss = el("button", { type: "button", class: "icon-btn", testid: "modal-dismiss", "aria-label": "Close", text: "×" });
      dismiss.addEventListener("click", () => this.close(true));
      head.append(dismiss);
      const body = el("div", { class: "modal-body" }, SB.renderBlocks(view.blocks, ctx));
      const foot = el("div", { class: "modal-foot" });
      const cancel = el("button", { type: "button", class: "sb-btn", testid: "modal-close", text: SB.plainText(view.close) || "Cancel" });
      cancel.addEventListener("click", () => this.close(false));
      foot.append(cancel);
      if (view.submit) {
        const submit = el("button", { type: "submit", class: "sb-btn primary", testid: "modal-submit", text: SB.plainText(view.submit), disabled: !!view.submit_disabled });
        foot.append(submit);
      }
      const form = el(
        "form",
        { class: "modal", role: "dialog", "aria-modal": "true", "aria-labelledby": "modal-title", testid: "modal", "data-view-id": view.id, "data-callback-id": view.callback_id || "" },
        head, body, foot,
      );
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.submit(form);
      });
      form.addEventListener("keydown", (event) => {
        // Enter in a one-line input does not submit a Slack modal; only the button does.
        if (event.key === "Enter" && event.target.tagName === "INPUT") event.preventDefault();
      });
      this.root.replaceChildren(el("div", { class: "backdrop modal-backdrop", testid: "modal-backdrop" }, form));
      const first = form.querySelector(".modal-body input, .modal-body textarea, .modal-body select");
      if (first) first.focus();
    }

    showErrors(errors) {
      if (!this.view) return;
      this.root.querySelectorAll(".field-error").forEach((node) => {
        node.hidden = true;
        node.textContent = "";
        node.closest(".input").classList.remove("has-error");
      });
      for (const [blockId, message] of Object.entries(errors || {})) {
        const node = [...this.root.querySelectorAll(".field-error")].find((n) => n.dataset.testid === "field-error-" + blockId);
        if (!node) {
          this.app.toast(`Error for unknown block ${blockId}: ${message}`);
          continue;
        }
        node.textContent = String(message);
        node.hidden = false;
        node.closest(".input").classList.add("has-error");
      }
    }

    async submit(form) {
      const view = this.view;
      const button = form.querySelector("[data-testid=modal-submit]");
      if (!view || !button || button.disabled) return;
      button.disabled = true;
      button.classList.add("busy");
      try {
        const answer = await this.app.post("/api/submit", { view_id: view.id, values: this.values() });
        if (this.view !== view) return;
        this.showErrors(answer.errors || {});
        if (!answer.ok && !answer.errors) {
          this.app.toast(`We had some trouble connecting. Try again? (${answer.error || answer.detail || "error"})`);
        }
      } finally {
        button.disabled = !!view.submit_disabled;
        button.classList.remove("busy");
        this.app.refresh();
      }
    }

    async close(everything) {
      if (!this.view) return;
      const answer = await this.app.post("/api/close", { view_id: this.view.id, all: everything });
      if (!answer.ok) this.app.toast(answer.detail || answer.error || "could not close the view");
      this.app.refresh();
    }
  };
})();
