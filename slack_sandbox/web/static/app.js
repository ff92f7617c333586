// The sandbox page: long-polls /api/state, renders the current channel, sends what the user does
// to /api/command, /api/message, /api/action (the server signs and delivers it as Slack would).
"use strict";
(function () {
  const SB = window.SB;
  const el = SB.el;
  const $ = (id) => document.getElementById(id);
  const HOME = "__home__";

  let snapshot = null;
  let version = null;
  let current = null;
  const openThreads = new Set();
  const lastSeen = {};
  const sent = []; // command lines, for ArrowUp

  // ------------------------------------------------------------------ transport
  async function getJSON(path) {
    const response = await fetch(path, { headers: { Accept: "application/json" } });
    if (!response.ok && response.status !== 400) throw new Error(`HTTP ${response.status}`);
    return response.json();
  }

  async function post(path, body) {
    try {
      const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      return await response.json();
    } catch (error) {
      return { ok: false, error: "network", detail: String(error) };
    }
  }

  function toast(message, kind) {
    const node = el("div", { class: "toast " + (kind || "error"), testid: "toast", role: "status", text: message });
    $("toasts").append(node);
    setTimeout(() => node.remove(), 7000);
  }

  const describe = (answer) => [answer.error || "failed", answer.detail].filter(Boolean).join(" — ");

  async function act(element, block, raw, ctx, target) {
    if (element.confirm && !(await SB.confirm(element.confirm, ctx))) return false;
    const answer = await post("/api/action", { ...target(), block_id: block.block_id, action_id: element.action_id, selected: raw });
    if (!answer.ok) toast(`${element.action_id}: ${describe(answer)}`);
    refresh();
    return true;
  }

  async function suggest(params) {
    try {
      const answer = await getJSON("/api/suggest?" + new URLSearchParams(params));
      if (!answer.ok) toast(`No options from the app: ${(answer.errors || []).join("; ") || describe(answer)}`);
      return answer.options || [];
    } catch (error) {
      toast("Options request failed: " + error);
      return [];
    }
  }

  const context = (s) => ({ users: s.users || {}, channelNames: s.channel_names || {}, channels: s.channels || [] });
  const app = { post, toast, act, suggest, context, refresh: () => refresh() };
  const modals = new SB.ModalStack($("modal-root"), app);

  // ------------------------------------------------------------------ messages
  const tsParts = (ts) => String(ts).split(".").map(Number);
  const compareTs = (a, b) => {
    const [as, au] = tsParts(a);
    const [bs, bu] = tsParts(b);
    return as - bs || au - bu;
  };
  const clock = (ts) => new Date(tsParts(ts)[0] * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

  // Ephemerals carry their recipient as "user"; the sender is the app (or Slack, for its own errors).
  function author(item, s, ephemeral) {
    const fromSlack = item.user === "USLACKBOT" || (ephemeral && item.source === "slack");
    if (fromSlack) return { name: "Slackbot", bot: true };
    const sender = ephemeral && item.source !== "sandbox_command" ? s.bot_user_id : item.user;
    const user = (s.users || {})[sender];
    if (sender !== item.user) return { name: user ? user.name : sender, bot: true };
    return { name: user ? user.name : item.user, bot: !!item.bot_id || item.user === s.bot_user_id };
  }

  function renderMessage(kind, item, s, options) {
    const ephemeral = kind === "ephemeral";
    const who = author(item, s, ephemeral);
    const source = ephemeral ? "ephemeral" : "message";
    const ctx = {
      ...context(s),
      surface: source,
      act: (element, block, raw) => act(element, block, raw, ctx, () => ({ source, channel: item.channel, ts: item.ts, thread_ts: item.thread_ts })),
      suggest: (element, block, value) => suggest({ source, channel: item.channel, ts: item.ts, block_id: block.block_id, action_id: element.action_id, value }),
    };
    const testid = options.reply ? "thread-reply" : ephemeral ? "message-ephemeral" : "message";
    const node = el("div", {
      class: `msg${ephemeral ? " ephemeral" : ""}${options.reply ? " reply" : ""}`, testid, "data-ts": item.ts, "data-user": item.user,
    });
    const meta = el(
      "div",
      { class: "msg-meta" },
      el("span", { class: "author", testid: "message-author", text: who.name }),
      who.bot ? el("span", { class: "app-badge", text: "APP" }) : null,
      el("time", { text: clock(item.ts), title: item.ts }),
      item.sandbox_edited ? el("span", { class: "edited", testid: "edited", text: "(edited)" }) : null,
    );
    const body = el("div", { class: "msg-body" }, meta);
    if (ephemeral) body.append(el("div", { class: "eph-note", testid: "ephemeral-note", text: "Only visible to you" }));
    if (item.source === "sandbox_command") body.append(el("div", { class: "command-line", testid: "command-line", text: item.text }));
    else if (Array.isArray(item.blocks) && item.blocks.length) body.append(SB.renderBlocks(item.blocks, ctx));
    else body.append(el("div", { class: "msg-text" }, SB.mrkdwn(item.text, ctx)));
    if (Array.isArray(item.attachments) && item.attachments.length) body.append(SB.renderAttachments(item.attachments, ctx));
    for (const file of Array.isArray(item.files) ? item.files : []) {
      const shown = file.mimetype === "image/png" ? SB.image(SB.fileUrl(file), file.alt_txt || file.title, "block-img") : el("span", { text: file.name });
      body.append(el("div", { class: "file", testid: "message-file" }, el("div", { class: "image-title", text: file.title || file.name }), shown));
    }
    if (options.thread) {
      const [toggle, panel] = options.thread;
      if (toggle.classList.contains("quiet")) meta.append(toggle);
      else body.append(toggle);
      body.append(panel);
    }
    node.append(el("div", { class: "avatar" + (who.bot ? " bot" : ""), "aria-hidden": "true", text: (who.name || "?")[0].toUpperCase() }), body);
    return node;
  }

  function renderThread(item, extras, s, key) {
    const replies = [...(item.replies || []).map((r) => ["message", r]), ...extras.map((e) => ["ephemeral", e])];
    replies.sort((a, b) => compareTs(a[1].ts, b[1].ts));
    const count = (item.replies || []).length;
    const open = openThreads.has(key);
    const label = count ? `${count} ${count === 1 ? "reply" : "replies"}` : extras.length ? "Thread" : "Reply in thread";
    const toggle = el("button", {
      type: "button", class: "thread-toggle" + (count || extras.length ? "" : " quiet"), testid: count || extras.length ? "thread-toggle" : "thread-start", "aria-expanded": String(open), text: label,
    });
    const panel = el("div", { class: "thread", testid: "thread", hidden: !open });
    for (const [kind, reply] of replies) panel.append(renderMessage(kind, reply, s, { reply: true }));
    const input = el("input", { type: "text", class: "sb-input", testid: "thread-composer", placeholder: "Reply…" });
    input.addEventListener("keydown", async (event) => {
      if (event.key !== "Enter" || event.isComposing || !input.value.trim()) return;
      const answer = await post("/api/message", { channel: item.channel, text: input.value, thread_ts: item.ts });
      if (!answer.ok) toast(describe(answer));
      input.value = "";
      refresh();
    });
    panel.append(input);
    toggle.addEventListener("click", () => {
      const nowOpen = !openThreads.has(key);
      if (nowOpen) openThreads.add(key);
      else openThreads.delete(key);
      panel.hidden = !nowOpen;
      toggle.setAttribute("aria-expanded", String(nowOpen));
      if (nowOpen) input.focus();
    });
    return [toggle, panel];
  }

  function timeline(s, channelId) {
    const threadExtras = new Map();
    const items = (s.messages[channelId] || []).map((m) => ["message", m]);
    for (const e of (s.ephemerals || {})[channelId] || []) {
      if (e.thread_ts) threadExtras.set(e.thread_ts, [...(threadExtras.get(e.thread_ts) || []), e]);
      else items.push(["ephemeral", e]);
    }
    items.sort((a, b) => compareTs(a[1].ts, b[1].ts));
    return { items, threadExtras };
  }

  // Keyed update: unchanged messages keep their DOM node, changed ones are replaced in place.
  function renderChannel(s, switched) {
    const box = $("messages");
    if (switched) box.replaceChildren();
    const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 120;
    if (current === HOME) {
      box.replaceChildren(renderHome(s));
      return;
    }
    const { items, threadExtras } = timeline(s, current);
    const existing = new Map([...box.children].map((child) => [child.dataset.key, child]));
    const keep = new Set();
    let previous = null;
    for (const [kind, item] of items) {
      const key = `${kind}:${item.source || ""}:${item.ts}`;
      const extras = (kind === "message" && item.thread_ts === item.ts ? threadExtras.get(item.ts) : null) || [];
      const signature = JSON.stringify([item, extras]);
      let node = existing.get(key);
      if (!node || node.dataset.sig !== signature) {
        const thread = kind === "message" && !(item.thread_ts && item.thread_ts !== item.ts) ? renderThread(item, extras, s, key) : null;
        const fresh = renderMessage(kind, item, s, { thread });
        fresh.dataset.key = key;
        fresh.dataset.sig = signature;
        if (node) node.replaceWith(fresh);
        node = fresh;
      }
      keep.add(key);
      const wanted = previous ? previous.nextSibling : box.firstChild;
      if (node !== wanted) box.insertBefore(node, wanted);
      previous = node;
    }
    for (const [key, node] of existing) if (!keep.has(key)) node.remove();
    if (!items.length) box.append(el("div", { class: "empty", "data-key": "empty", text: `Nothing here yet. Try ${s.command} help` }));
    else box.querySelectorAll(".empty").forEach((n) => n.remove());
    if (switched || nearBottom) box.scrollTop = box.scrollHeight;
  }

  function renderHome(s) {
    const view = s.home;
    const ctx = {
      ...context(s),
      surface: "view",
      act: (element, block, raw) => act(element, block, raw, ctx, () => ({ source: "view", view_id: view.id, values: {} })),
      suggest: (element, block, value) => suggest({ source: "view", view_id: view.id, block_id: block.block_id, action_id: element.action_id, value }),
    };
    if (!view) return el("div", { class: "home empty", testid: "home", "data-key": "home", text: "Opening the app's Home…" });
    return el("div", { class: "home", testid: "home", "data-key": "home" }, SB.renderBlocks(view.blocks, ctx));
  }

  // ------------------------------------------------------------------ sidebar
  function latestTs(s, channelId) {
    const all = [...(s.messages[channelId] || []), ...((s.ephemerals || {})[channelId] || [])].map((m) => m.ts);
    return all.sort(compareTs).pop() || "0.0";
  }

  function renderSidebar(s) {
    const channels = $("channel-list");
    const dms = $("dm-list");
    channels.replaceChildren();
    dms.replaceChildren();
    const entries = [...s.channels.map((c) => [c.id, c.name, c.kind])];
    entries.unshift([HOME, "home", "home"]);
    for (const [id, name, kind] of entries) {
      const latest = id === HOME ? "0.0" : latestTs(s, id);
      if (lastSeen[id] === undefined || id === current) lastSeen[id] = latest;
      const unread = compareTs(latest, lastSeen[id]) > 0;
      const prefix = kind === "dm" ? "@ " : kind === "home" ? "⌂ " : "# ";
      const item = el(
        "button",
        { type: "button", class: "channel" + (id === current ? " active" : "") + (unread ? " unread" : ""), testid: "channel-" + name, "aria-current": id === current ? "page" : null },
        prefix + name,
        unread ? el("span", { class: "unread-dot", testid: "unread-" + name, "aria-label": "new messages" }) : null,
      );
      item.addEventListener("click", () => switchTo(id));
      (kind === "dm" ? dms : channels).append(item);
    }
  }

  function switchTo(id) {
    if (!snapshot || id === current) return;
    current = id;
    if (id === HOME) post("/api/home_opened", {}).then(() => refresh());
    const entry = snapshot.channels.find((c) => c.id === id);
    history.replaceState(null, "", "#" + (entry ? entry.name : "home"));
    draw(true);
    $("composer").focus();
  }

  function draw(switched) {
    const s = snapshot;
    const entry = s.channels.find((c) => c.id === current);
    $("channel-title").textContent = current === HOME ? "Home" : (entry && entry.kind === "dm" ? "@" : "#") + (entry ? entry.name : current);
    $("composer-form").hidden = current === HOME;
    $("composer").placeholder = `Message ${$("channel-title").textContent} — or type ${s.command} help`;
    renderChannel(s, switched);
    renderSidebar(s);
  }

  function apply(s) {
    if (!s || !s.changed || (version !== null && s.version < version)) return;
    version = s.version;
    snapshot = s;
    document.body.dataset.version = String(version);
    $("banner-label").textContent = s.label;
    document.title = s.label;
    const wanted = decodeURIComponent(location.hash.slice(1));
    let switched = false;
    if (current === null || (current !== HOME && !s.channels.some((c) => c.id === current))) {
      const byName = s.channels.find((c) => c.name === wanted);
      current = wanted === "home" ? HOME : byName ? byName.id : s.channels[0].id;
      if (current === HOME) post("/api/home_opened", {});
      switched = true;
    }
    draw(switched);
    modals.render(s.views || [], s);
    document.body.dataset.ready = "true";
  }

  async function refresh() {
    try {
      apply(await getJSON("/api/state"));
    } catch (error) {
      setLive(false);
    }
  }

  function setLive(live) {
    const node = $("connection");
    node.textContent = live ? "● live" : "○ reconnecting…";
    node.dataset.state = live ? "live" : "offline";
  }

  async function poll() {
    for (;;) {
      try {
        const since = version === null ? "" : `&since=${version}`;
        apply(await getJSON(`/api/state?wait=20${since}`));
        setLive(true);
      } catch (error) {
        setLive(false);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  // ------------------------------------------------------------------ composer
  async function send() {
    const composer = $("composer");
    const text = composer.value;
    if (!text.trim() || !snapshot || current === HOME) return;
    composer.value = "";
    const command = text.trim().startsWith("/");
    if (command) sent.push(text.trim());
    $("composer-status").textContent = command ? `Running ${text.trim().split(/\s/)[0]}…` : "";
    const answer = await post(command ? "/api/command" : "/api/message", { channel: current, text });
    $("composer-status").textContent = "";
    if (!answer.ok && answer.error !== "unknown_command") toast(describe(answer));
    refresh();
  }

  $("composer-form").addEventListener("submit", (event) => {
    event.preventDefault();
    send();
  });
  $("composer").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    } else if (event.key === "ArrowUp" && !event.target.value && sent.length) {
      event.preventDefault();
      event.target.value = sent[sent.length - 1];
    }
  });

  poll();
})();
