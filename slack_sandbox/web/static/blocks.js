// Block Kit layout blocks → DOM, straight from the JSON the bot sent. Anything unknown is shown as
// a collapsible raw JSON block, never dropped.
"use strict";
(function () {
  const SB = (window.SB = window.SB || {});
  const el = SB.el;

  function wrapper(block) {
    const id = block.block_id || "";
    return el("div", { class: "block block-" + block.type, testid: "block-" + id, "data-block-id": id });
  }

  function section(block, ctx) {
    const node = wrapper(block);
    const body = el("div", { class: "section-body" });
    if (block.text) body.append(el("div", { class: "section-text" }, SB.textObject(block.text, ctx)));
    if (Array.isArray(block.fields)) {
      body.append(el("div", { class: "fields" }, ...block.fields.map((f) => el("div", { class: "field" }, SB.textObject(f, ctx)))));
    }
    node.append(body);
    const accessory = block.accessory;
    if (accessory) {
      const rendered = accessory.type === "image" ? SB.image(accessory.image_url, accessory.alt_text, "accessory-img") : SB.renderElement(accessory, block, ctx);
      node.append(el("div", { class: "accessory" }, rendered));
    }
    return node;
  }

  function context(block, ctx) {
    const node = wrapper(block);
    for (const item of block.elements || []) {
      if (item && item.type === "image") node.append(SB.image(item.image_url, item.alt_text, "context-img"));
      else if (item && (item.type === "mrkdwn" || item.type === "plain_text")) node.append(el("span", { class: "context-item" }, SB.textObject(item, ctx)));
      else node.append(SB.unsupported("context element", item));
    }
    return node;
  }

  function actions(block, ctx) {
    const node = wrapper(block);
    for (const element of block.elements || []) node.append(SB.renderElement(element, block, ctx));
    return node;
  }

  function input(block, ctx) {
    const node = wrapper(block);
    const label = el(
      "label",
      { class: "input-label" },
      SB.plainText(block.label),
      block.optional ? el("span", { class: "optional", text: " (optional)" }) : null,
    );
    const control = SB.renderElement(block.element || {}, block, ctx);
    const hint = block.hint ? el("div", { class: "hint" }, SB.textObject(block.hint, ctx)) : null;
    const error = el("div", { class: "field-error", role: "alert", testid: "field-error-" + block.block_id, hidden: true });
    node.append(el("div", { class: "input", testid: "input-" + block.block_id }, label, control, hint, error));
    return node;
  }

  function image(block) {
    const node = wrapper(block);
    if (block.title) node.append(el("div", { class: "image-title" }, SB.textObject(block.title)));
    node.append(SB.image(block.image_url || SB.fileUrl(block.slack_file), block.alt_text, "block-img"));
    return node;
  }

  // rich_text: sections, lists, preformatted and quotes with styled runs.
  function richInline(items, ctx) {
    const out = el("span", { class: "rich" });
    for (const item of items || []) {
      let node;
      const style = item.style || {};
      if (item.type === "text") node = el(style.code ? "code" : "span", { text: item.text || "" });
      else if (item.type === "link") {
        const href = SB.safeHref(item.url || "");
        node = href ? el("a", { href, target: "_blank", rel: "noopener noreferrer", text: item.text || item.url }) : el("span", { text: item.text || item.url || "" });
      } else if (item.type === "emoji") node = el("span", { text: item.unicode ? String.fromCodePoint(...item.unicode.split("-").map((h) => parseInt(h, 16))) : `:${item.name}:` });
      else if (item.type === "user") node = el("span", { class: "mention", text: "@" + ((ctx.users || {})[item.user_id] || { name: item.user_id }).name });
      else if (item.type === "channel") node = el("span", { class: "mention channel", text: "#" + ((ctx.channelNames || {})[item.channel_id] || item.channel_id) });
      else if (item.type === "broadcast") node = el("span", { class: "mention broadcast", text: "@" + item.range });
      else if (item.type === "usergroup") node = el("span", { class: "mention", text: "@" + item.usergroup_id });
      else if (item.type === "date") node = el("span", { text: item.fallback || String(item.timestamp) });
      else node = SB.unsupported("rich text element", item);
      if (style.bold) node = el("strong", {}, node);
      if (style.italic) node = el("em", {}, node);
      if (style.strike) node = el("s", {}, node);
      out.append(node);
    }
    return out;
  }

  function richText(block, ctx) {
    const node = wrapper(block);
    const part = (item) => {
      if (item.type === "rich_text_section") return el("div", { class: "rich-section" }, richInline(item.elements, ctx));
      if (item.type === "rich_text_preformatted") return el("pre", { class: "pre" }, richInline(item.elements, ctx));
      if (item.type === "rich_text_quote") return el("blockquote", {}, richInline(item.elements, ctx));
      if (item.type === "rich_text_list") {
        return el(item.style === "ordered" ? "ol" : "ul", { class: "rich-list" }, ...(item.elements || []).map((s) => el("li", {}, part(s))));
      }
      return SB.unsupported("rich text part", item);
    };
    for (const item of block.elements || []) node.append(part(item));
    return node;
  }

  const BLOCKS = {
    section,
    context,
    actions,
    input,
    image,
    rich_text: richText,
    header: (block, ctx) => {
      const node = wrapper(block);
      node.append(el("div", { class: "header-text", role: "heading", "aria-level": 3 }, SB.textObject(block.text, ctx)));
      return node;
    },
    divider: (block) => {
      const node = wrapper(block);
      node.append(el("hr"));
      return node;
    },
    // The "markdown" block takes standard Markdown, which the sandbox shows as plain text.
    markdown: (block) => {
      const node = wrapper(block);
      node.append(el("div", { class: "markdown-text", text: String(block.text || "") }));
      return node;
    },
  };

  SB.renderBlocks = function renderBlocks(blocks, ctx) {
    const out = el("div", { class: "blocks" });
    for (const block of Array.isArray(blocks) ? blocks : []) {
      const render = block && BLOCKS[block.type];
      if (!render) {
        out.append(SB.unsupported("block", block));
        continue;
      }
      try {
        out.append(render(block, ctx));
      } catch (error) {
        out.append(SB.unsupported("block", block, String(error)));
      }
    }
    return out;
  };

  // Legacy secondary attachments: colour bar, pretext/title/text/fields, or their own blocks.
  SB.renderAttachments = function renderAttachments(attachments, ctx) {
    const out = el("div", { class: "attachments" });
    for (const att of attachments || []) {
      const color = { good: "#2eb67d", warning: "#ecb22e", danger: "#e01e5a" }[att.color] || att.color;
      const box = el("div", { class: "attachment", testid: "attachment" });
      if (/^#?[0-9a-f]{3,8}$/i.test(color || "")) box.style.borderLeftColor = color.startsWith("#") ? color : "#" + color;
      if (att.pretext) box.append(el("div", {}, SB.mrkdwn(att.pretext, ctx)));
      if (att.title) box.append(el("div", { class: "att-title", text: SB.decode(att.title) }));
      if (att.blocks) box.append(SB.renderBlocks(att.blocks, ctx));
      else if (att.text || att.fallback) box.append(el("div", {}, SB.mrkdwn(att.text || att.fallback, ctx)));
      for (const field of att.fields || []) {
        box.append(el("div", { class: "field" }, el("strong", { text: SB.decode(field.title || "") }), el("div", {}, SB.mrkdwn(field.value || "", ctx))));
      }
      out.append(box);
    }
    return out;
  };
})();
