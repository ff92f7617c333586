// Slack mrkdwn → DOM. Untrusted text only ever reaches the page through textContent / text nodes:
// entities (&lt; &gt; &amp;) are decoded for display, never parsed as HTML.
"use strict";
(function () {
  const SB = (window.SB = window.SB || {});

  const ENTITIES = { lt: "<", gt: ">", amp: "&" };
  SB.decode = (s) => String(s).replace(/&(lt|gt|amp);/g, (_, name) => ENTITIES[name]);

  const EMOJI = {
    white_check_mark: "✅", heavy_check_mark: "✔️", x: "❌", warning: "⚠️", hourglass: "⌛",
    hourglass_flowing_sand: "⏳", package: "📦", truck: "🚚", moneybag: "💰", receipt: "🧾",
    memo: "📝", mag: "🔍", information_source: "ℹ️", no_entry: "⛔", rotating_light: "🚨",
    tada: "🎉", wave: "👋", calendar: "📅", clock3: "🕒", shopping_trolley: "🛒", bell: "🔔",
    red_circle: "🔴", large_green_circle: "🟢", large_yellow_circle: "🟡", lock: "🔒", link: "🔗",
  };
  const emojify = (s) => s.replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] || m);

  SB.el = function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key === "testid") node.dataset.testid = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  };
  const el = SB.el;

  SB.safeHref = (url) => (/^(https?:|mailto:)/i.test(url) ? url : null);

  // <!date^EPOCH^TOKENS|fallback>, shown in the reader's own time zone as Slack does (a subset of
  // the tokens; anything else keeps the fallback text the bot wrote).
  function slackDate(target, label) {
    const [, epoch, tokens] = target.split("^");
    const when = new Date(Number(epoch) * 1000);
    if (!tokens || Number.isNaN(when.getTime())) return document.createTextNode(label || target);
    const day = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
    const today = day(new Date());
    const pretty = () => {
      const diff = Math.round((day(when) - today) / 86400000);
      if (diff === 0) return "Today";
      if (diff === -1) return "Yesterday";
      if (diff === 1) return "Tomorrow";
      return when.toLocaleDateString(undefined, { month: "short", day: "numeric" });
    };
    const parts = {
      date_short_pretty: pretty,
      date_long_pretty: pretty,
      date_short: () => when.toLocaleDateString(undefined, { month: "short", day: "numeric", year: "numeric" }),
      date_num: () => when.toISOString().slice(0, 10),
      time: () => when.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" }),
    };
    let unknown = false;
    const text = tokens.replace(/\{(\w+)\}/g, (_, name) => (parts[name] ? parts[name]() : ((unknown = true), "")));
    if (unknown) return document.createTextNode(label || target);
    return el("time", { datetime: when.toISOString(), title: label || "", text });
  }

  // <@U…>, <#C…|name>, <!here>, <!subteam^S…|@team>, <!date^…|fallback>, <https://…|label>
  function reference(inner, ctx) {
    const bar = inner.indexOf("|");
    const target = bar >= 0 ? inner.slice(0, bar) : inner;
    const label = bar >= 0 ? SB.decode(inner.slice(bar + 1)) : null;
    const users = (ctx && ctx.users) || {};
    const channels = (ctx && ctx.channelNames) || {};
    if (/^@[UW][A-Z0-9]+$/.test(target)) {
      const user = users[target.slice(1)];
      return el("span", { class: "mention", "data-user": target.slice(1), text: "@" + (label || (user ? user.name : target.slice(1))) });
    }
    if (/^#[CGD][A-Z0-9]+$/.test(target)) {
      return el("span", { class: "mention channel", text: "#" + (label || channels[target.slice(1)] || target.slice(1)) });
    }
    if (/^!(here|channel|everyone)$/.test(target)) {
      return el("span", {
        class: "mention broadcast", title: "In Slack this notifies everyone in the channel", text: "@" + target.slice(1),
      });
    }
    if (target.startsWith("!subteam^")) {
      return el("span", { class: "mention", text: label || "@" + target.slice(9) });
    }
    if (target.startsWith("!date^")) return slackDate(target, label);
    const href = SB.safeHref(target);
    if (href) {
      return el("a", { href, target: "_blank", rel: "noopener noreferrer", text: label || SB.decode(target) });
    }
    return document.createTextNode("<" + SB.decode(inner) + ">"); // not a Slack reference: show as typed
  }

  const OPEN_OK = /[\s([{"'.,;:!?*_~-]/;
  const CLOSE_OK = /[\s)\]}"'.,;:!?*_~-]/;
  const STYLE_TAGS = { "*": "strong", _: "em", "~": "s" };

  function findClose(text, start, mark) {
    if (start + 1 >= text.length || /\s/.test(text[start + 1])) return -1;
    for (let k = start + 2; k < text.length; k += 1) {
      if (text[k] === "\n") return -1;
      if (text[k] === mark && !/\s/.test(text[k - 1]) && (k + 1 === text.length || CLOSE_OK.test(text[k + 1]))) {
        return k;
      }
    }
    return -1;
  }

  // Inline formatting of one run of text (no code fences, no quotes) into `out`.
  function inline(text, ctx, out) {
    let buffer = "";
    const flush = () => {
      if (buffer) out.append(document.createTextNode(emojify(SB.decode(buffer))));
      buffer = "";
    };
    let i = 0;
    while (i < text.length) {
      const ch = text[i];
      if (ch === "`") {
        const end = text.indexOf("`", i + 1);
        if (end > i + 1 && !text.slice(i + 1, end).includes("\n")) {
          flush();
          out.append(el("code", { text: SB.decode(text.slice(i + 1, end)) }));
          i = end + 1;
          continue;
        }
      }
      if (ch === "<") {
        const end = text.indexOf(">", i + 1);
        const inner = end > i + 1 ? text.slice(i + 1, end) : "";
        if (inner && !inner.includes("<") && !inner.includes("\n")) {
          flush();
          out.append(reference(inner, ctx));
          i = end + 1;
          continue;
        }
      }
      if (STYLE_TAGS[ch] && (i === 0 || OPEN_OK.test(text[i - 1]))) {
        const end = findClose(text, i, ch);
        if (end > 0) {
          flush();
          const node = el(STYLE_TAGS[ch]);
          inline(text.slice(i + 1, end), ctx, node);
          out.append(node);
          i = end + 1;
          continue;
        }
      }
      buffer += ch;
      i += 1;
    }
    flush();
  }

  // Lines starting with a raw ">" are quotes; everything else keeps its newlines (CSS pre-wrap).
  function paragraphs(text, ctx, out) {
    const lines = text.split("\n");
    let run = [];
    let quoting = false;
    const emit = () => {
      if (!run.length) return;
      const joined = run.join("\n");
      if (quoting) {
        const quote = el("blockquote");
        inline(joined, ctx, quote);
        out.append(quote);
      } else {
        inline(joined, ctx, out);
      }
      run = [];
    };
    lines.forEach((line, index) => {
      const isQuote = line.startsWith(">");
      if (isQuote !== quoting && index > 0) emit(); // quotes are blocks: no newline needed around them
      quoting = isQuote;
      run.push(isQuote ? line.replace(/^> ?/, "") : line);
    });
    emit();
  }

  SB.mrkdwn = function mrkdwn(text, ctx) {
    const out = el("span", { class: "mrkdwn" });
    const parts = String(text || "").split("```");
    parts.forEach((part, index) => {
      if (index % 2 === 1 && index < parts.length - 1) {
        out.append(el("pre", { class: "pre", text: SB.decode(part.replace(/^\n/, "")) }));
      } else if (index % 2 === 1) {
        paragraphs("```" + part, ctx, out); // an unmatched fence is just text
      } else if (part) {
        paragraphs(index > 0 ? part.replace(/^\n/, "") : part, ctx, out); // no blank line after a fence
      }
    });
    return out;
  };

  // A composition object: {type: "plain_text"|"mrkdwn", text}. plain_text is shown exactly as sent.
  SB.textObject = function textObject(obj, ctx) {
    if (obj === null || obj === undefined) return el("span");
    if (typeof obj === "string") return el("span", { class: "plain", text: obj });
    if (obj.type === "mrkdwn") {
      return SB.mrkdwn(obj.text, ctx);
    }
    return el("span", { class: "plain", text: obj.emoji === false ? obj.text || "" : emojify(String(obj.text || "")) });
  };

  SB.plainText = (obj) => (obj && typeof obj === "object" ? String(obj.text || "") : String(obj || ""));
})();
