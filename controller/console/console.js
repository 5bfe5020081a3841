"use strict";
/* igfarm console: reads and acts through the JSON API (/v1) with the user's key, which stays
   in sessionStorage (`farm up` prints /console#key=…: a URL fragment never reaches a server). */

const SECTIONS = ["scheduled", "published", "failed", "paused", "pending_approval", "unknown"];
const SECTION_OF = {scheduled: "scheduled", leased: "scheduled", publishing: "scheduled",
  published: "published", failed: "failed", paused: "paused",
  pending_approval: "pending_approval", unknown: "unknown", cancelled: "cancelled"};
const LABEL = {scheduled: "Scheduled", published: "Published", failed: "Failed", paused: "Paused",
  pending_approval: "Pending approval", unknown: "Unknown", cancelled: "Cancelled"};
const ACTIONS = {  // which job actions a state allows (the API decides; this only greys buttons)
  approve: ["pending_approval"], pause: ["pending_approval", "scheduled"], resume: ["paused"],
  retry: ["failed"], cancel: ["pending_approval", "scheduled", "paused", "failed"],
  edit: ["pending_approval", "scheduled", "paused", "failed"]};
const VIEWER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const $ = (id) => document.getElementById(id);

if (location.hash.startsWith("#key=")) {
  sessionStorage.setItem("igfarm-key", decodeURIComponent(location.hash.slice(5)));
  history.replaceState(null, "", location.pathname);
}
let key = sessionStorage.getItem("igfarm-key");
const state = {view: "month", anchor: new Date(), devices: [], accounts: [], jobs: [],
  pulse: null, openJob: null, lastChange: null};
const thumbs = new Map();

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node[k] = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
const pill = (value, prefix = "st") => el("span", {class: `pill ${prefix}-${value}`}, value);
function toast(message, bad = false) {
  const item = el("div", {class: bad ? "bad" : ""}, message);
  $("toast").append(item);
  setTimeout(() => item.remove(), bad ? 9000 : 4000);
}
function ago(iso) {
  if (!iso) return "never";
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}
function fmt(iso, zone, withDate = true) {
  const opts = {hour: "2-digit", minute: "2-digit", timeZone: zone};
  if (withDate) Object.assign(opts, {month: "short", day: "numeric"});
  return new Intl.DateTimeFormat(undefined, opts).format(new Date(iso));
}
function zoneParts(date, zone) {  // {y, m, d, H, M} of an instant in a zone
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", {timeZone: zone,
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    hourCycle: "h23"}).formatToParts(date).map((p) => [p.type, p.value]));
  return parts;
}
function localInput(iso, zone) {  // value for <input type=datetime-local> in `zone`
  const p = zoneParts(new Date(iso), zone);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

class ApiError extends Error {
  constructor(status, code, message) { super(`${code}: ${message}`); this.status = status; this.code = code; }
}
async function api(path, options = {}) {
  const headers = Object.assign({Authorization: `Bearer ${key}`}, options.headers || {});
  let body = options.body;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  const response = await fetch(path, {method: options.method || "GET", headers, body});
  if (!response.ok) {
    let code = `http_${response.status}`, message = response.statusText;
    try { const e = (await response.json()).error; code = e.code; message = e.message; } catch (_) { /* not JSON */ }
    if (response.status === 401) { signOut(message); }
    throw new ApiError(response.status, code, message);
  }
  return response;
}
const getJSON = async (path) => (await api(path)).json();

/* ---------- data ---------- */
function period() {
  const a = new Date(state.anchor);
  if (state.view === "month") {
    const first = new Date(a.getFullYear(), a.getMonth(), 1);
    const start = new Date(first); start.setDate(1 - ((first.getDay() + 6) % 7));
    const end = new Date(start); end.setDate(start.getDate() + 42);
    return {start, end, label: first.toLocaleDateString(undefined, {month: "long", year: "numeric"})};
  }
  if (state.view === "week") {
    const start = new Date(a.getFullYear(), a.getMonth(), a.getDate() - ((a.getDay() + 6) % 7));
    const end = new Date(start); end.setDate(start.getDate() + 7);
    const last = new Date(end); last.setDate(end.getDate() - 1);
    return {start, end, label: `${start.toLocaleDateString()} – ${last.toLocaleDateString()}`};
  }
  const start = new Date(a.getFullYear(), a.getMonth(), a.getDate() - 2);
  const end = new Date(start); end.setDate(start.getDate() + 32);
  return {start, end, label: `${start.toLocaleDateString()} – ${end.toLocaleDateString()}`};
}
async function loadJobs() {
  const {start, end} = period();
  const query = new URLSearchParams({from: start.toISOString(), to: end.toISOString(), limit: "500"});
  if ($("f-account").value) query.set("account", $("f-account").value);
  if ($("f-device").value) query.set("device", $("f-device").value);
  const jobs = [];
  for (let page = 0; page < 6; page++) {
    const data = await getJSON(`/v1/jobs?${query}`);
    jobs.push(...data.jobs);
    if (!data.next_cursor) break;
    query.set("cursor", data.next_cursor);
  }
  return jobs;
}
function filtered(jobs) {
  const kind = $("f-kind").value, section = $("f-section").value;
  return jobs.filter((j) => (!kind || j.kind === kind)
    && (section ? SECTION_OF[j.state] === section : j.state !== "cancelled"));
}
async function refresh() {
  try {
    const [status, devices, accounts, jobs] = await Promise.all([
      fetch("/v1/status").then((r) => r.json()), getJSON("/v1/devices"),
      getJSON("/v1/accounts"), loadJobs()]);
    Object.assign(state, {devices, accounts, jobs});
    renderSummary(status); fillFilters(); renderCalendar(); renderPhones(); renderAccounts();
    await renderTeam();  // team.js
    if (state.openJob && $("job-dialog").open) await openJob(state.openJob, true);
    $("live").textContent = `live · updated ${new Date().toLocaleTimeString()}`;
    showApp(true);
  } catch (error) {
    if (error.status !== 401) $("live").textContent = `refresh failed: ${error.message}`;
  }
}
async function poll() {  // the pulse changes when anything the page shows changes
  if (!key) return;
  try {
    const {version} = await getJSON("/v1/console/pulse");
    if (version !== state.pulse) { state.pulse = version; await refresh(); }
  } catch (_) { /* shown by refresh */ }
}

/* ---------- header, filters ---------- */
function renderSummary(status) {
  const queued = status.kinds.reduce((n, k) => n + k.queue_depth, 0);
  $("summary").replaceChildren(
    el("span", {class: "stat"}, `phones online ${status.devices_online}/${status.devices_total}`),
    el("span", {class: "stat"}, `due, waiting ${queued}`),
    el("span", {class: "stat"}, `accounts needing auth ${status.accounts_needing_auth}`));
}
function fillSelect(select, values, keep = true) {
  const current = select.value;
  const first = select.querySelector("option[value='']");
  select.replaceChildren(...(first ? [first] : []), ...values.map((v) => el("option", {value: v}, v)));
  if (keep && values.includes(current)) select.value = current;
}
function fillFilters() {
  fillSelect($("f-account"), state.accounts.map((a) => a.username));
  fillSelect($("f-device"), state.devices.map((d) => d.serial));
  const pAccount = $("p-account");
  const before = pAccount.value;
  fillSelect(pAccount, state.accounts.map((a) => a.username));
  if (!before && pAccount.value) $("p-zone").value = accountZone(pAccount.value);
}
const accountOf = (name) => state.accounts.find((a) => a.username === name);
const accountZone = (name) => (accountOf(name) || {}).timezone || "UTC";

/* ---------- calendar ---------- */
function thumbImg(job, cls = "thumb") {
  const img = el("img", {class: cls, alt: `${job.kind} media`, width: 64, height: 64});
  const id = job.media[0];
  if (id) thumbURL(id).then((url) => { if (url) img.src = url; });
  return img;
}
function thumbURL(id) {
  if (!thumbs.has(id)) {
    thumbs.set(id, api(`/v1/media/${id}/thumbnail`).then((r) => r.blob())
      .then((b) => URL.createObjectURL(b)).catch(() => null));
  }
  return thumbs.get(id);
}
function times(job) {
  const zone = accountZone(job.account);
  const mine = fmt(job.scheduled_at_utc, VIEWER_ZONE);
  if (zone === VIEWER_ZONE) return mine;
  return `${mine} (yours) · ${fmt(job.scheduled_at_utc, zone)} ${zone}`;
}
function chip(job) {
  const section = SECTION_OF[job.state];
  return el("button", {type: "button", class: `chip sec-${section}`, "data-job-id": job.id,
      "data-state": job.state, title: `${LABEL[section]}: ${job.account} ${job.kind} · ${job.caption}`,
      onclick: () => openJob(job.id)},
    thumbImg(job, ""), el("span", {}, `${fmt(job.scheduled_at_utc, VIEWER_ZONE, false)} ${job.account}`));
}
function dayKey(date) { return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`; }
function renderGrid(jobs, {start, end}, week) {
  const byDay = new Map();
  for (const j of jobs) {
    const k = dayKey(new Date(j.scheduled_at_utc));
    if (!byDay.has(k)) byDay.set(k, []);
    byDay.get(k).push(j);
  }
  const grid = el("div", {class: `grid ${week ? "week" : "month"}`, role: "grid"});
  for (const d of ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]) grid.append(el("div", {class: "dow"}, d));
  const month = state.anchor.getMonth(), today = dayKey(new Date());
  for (let d = new Date(start); d < end; d.setDate(d.getDate() + 1)) {
    const items = byDay.get(dayKey(d)) || [];
    const limit = week ? 40 : 4;
    grid.append(el("div", {class: `day${!week && d.getMonth() !== month ? " other" : ""}${dayKey(d) === today ? " today" : ""}`,
        role: "gridcell", "aria-label": d.toDateString()},
      el("h3", {}, week ? d.toLocaleDateString(undefined, {weekday: "short", day: "numeric"}) : String(d.getDate())),
      items.slice(0, limit).map(chip),
      items.length > limit ? el("button", {type: "button", class: "more", onclick: () => {
        state.view = "list"; state.anchor = new Date(d); syncView(); refresh(); }}, `+${items.length - limit} more`) : null));
  }
  return grid;
}
function actionButtons(job) {
  const make = (action, label) => el("button", {type: "button", "data-action": action,
    disabled: !ACTIONS[action].includes(job.state),
    "aria-label": `${label} job ${job.id}`,
    onclick: (e) => { e.stopPropagation(); action === "edit" ? openJob(job.id, false, true) : jobAction(job.id, action); }}, label);
  return el("div", {class: "actions"}, make("approve", "Approve"), make("pause", "Pause"),
    make("resume", "Resume"), make("edit", "✎ Edit"), make("retry", "Retry"), make("cancel", "Cancel"));
}
function renderList(jobs) {
  const wrap = el("div", {});
  const sections = $("f-section").value ? [$("f-section").value] : SECTIONS;
  for (const s of sections) {
    const rows = jobs.filter((j) => SECTION_OF[j.state] === s);
    wrap.append(el("div", {class: "section-block", "data-section": s},
      el("h2", {}, el("span", {class: `pill sec-${s}`}, LABEL[s]), el("span", {class: "muted"}, `${rows.length}`)),
      rows.length ? rows.map((j) => el("div", {class: "jobrow", "data-job-id": j.id, "data-state": j.state},
        thumbImg(j),
        el("div", {}, el("button", {type: "button", class: "linklike", onclick: () => openJob(j.id)},
          `#${j.id} ${j.kind} · ${j.account}`), el("div", {class: "caption muted"}, j.caption || "(no caption)")),
        el("div", {class: "small"}, times(j), j.error ? el("div", {class: "error-text"}, j.error.code) : null),
        el("div", {}, pill(j.state, "sec")),
        actionButtons(j))) : el("p", {class: "muted small"}, "nothing here")));
  }
  return wrap;
}
function renderCalendar() {
  const p = period();
  $("period").textContent = p.label;
  const jobs = filtered(state.jobs);
  const counts = Object.fromEntries(SECTIONS.map((s) => [s, 0]));
  for (const j of jobs) if (counts[SECTION_OF[j.state]] !== undefined) counts[SECTION_OF[j.state]]++;
  $("legend").replaceChildren(...SECTIONS.map((s) => el("span", {class: `pill sec-${s}`}, `${LABEL[s]} ${counts[s]}`)));
  $("calendar").replaceChildren(state.view === "list" ? renderList(jobs) : renderGrid(jobs, p, state.view === "week"));
}
async function jobAction(id, action) {
  try {
    const job = await (await api(`/v1/jobs/${id}/${action}`, {method: "POST"})).json();
    toast(`job ${id}: ${action} → ${job.state}`);
  } catch (error) { toast(`job ${id}: ${error.message}`, true); }
  await refresh();
}

/* ---------- job detail and failure view ---------- */
async function evidenceURL(jobId, name) {
  const blob = await (await api(`/v1/jobs/${jobId}/evidence/${name}`)).blob();
  return blob;
}
function treeNode(node, highlight, depth) {
  const a = (n) => node.getAttribute(n) || "";
  const cls = a("class").split(".").pop();
  const rid = a("resource-id").split("/").pop();
  const text = a("text") || a("content-desc");
  const bounds = a("bounds");
  const hit = highlight.has(bounds);
  const label = [el("span", {}, cls || node.tagName), rid ? el("span", {class: "id"}, ` #${rid}`) : null,
    text ? el("span", {class: "tx"}, ` “${text.slice(0, 60)}”`) : null,
    el("span", {class: "muted"}, ` ${bounds}`)];
  const kids = [...node.children];
  if (!kids.length) return el("div", {class: `leaf${hit ? " hl" : ""}`, "data-bounds": bounds}, label);
  const details = el("details", {"data-bounds": bounds}, el("summary", {class: hit ? "hl" : ""}, label),
    kids.map((k) => treeNode(k, highlight, depth + 1)));
  if (depth < 3 || hit || details.querySelector(".hl")) details.open = true;
  return details;
}
function dumpTree(xmlText, highlight) {
  const doc = new DOMParser().parseFromString(xmlText, "application/xml");
  const root = doc.documentElement;
  if (!root || root.tagName === "parsererror") return el("pre", {}, xmlText.slice(0, 4000));
  return el("div", {class: "tree", role: "tree", "aria-label": "UI dump"}, [...root.children].map((n) => treeNode(n, highlight, 0)));
}
async function failureBlock(job) {
  const failure = await getJSON(`/v1/jobs/${job.id}/failure`);
  if (!failure.error && !failure.evidence.length) return null;
  const box = el("section", {class: "card failure", id: "failure-view"}, el("h2", {}, "Failure"));
  if (failure.error) {
    box.append(el("p", {}, el("b", {}, failure.error.code), ` — ${failure.message || ""}`),
      el("p", {}, el("b", {}, "Meaning: "), failure.error.meaning),
      el("p", {}, el("b", {}, "Suggested fix: "), failure.error.fix || "—"),
      el("p", {class: "muted small"}, `${failure.error.retryable ? "a retry can help" : "a retry will not help"}`
        + `${failure.error.account_level ? " · the account is held until re-authenticated" : ""}`));
  }
  for (const item of failure.evidence.slice().reverse()) {
    const shot = el("div", {}, el("p", {class: "small muted"}, `lease ${item.lease} · ${new Date(item.at).toLocaleString()} · ${item.reason}`));
    const treeBox = el("div", {}, item.screen ? el("p", {class: "small"}, `screen: ${item.screen}; highlighted: the elements the flow looked for`) : null);
    if (item.screenshot) {
      evidenceURL(job.id, item.screenshot).then((b) => shot.append(el("img", {src: URL.createObjectURL(b),
        alt: `screenshot of the phone at lease ${item.lease}`, class: "shot"})));
    }
    if (item.hierarchy) {
      evidenceURL(job.id, item.hierarchy).then((b) => b.text()).then((xml) => {
        treeBox.append(dumpTree(xml, new Set(item.highlight)),
          el("a", {href: URL.createObjectURL(new Blob([xml], {type: "text/xml"})), download: `job${job.id}-${item.hierarchy}`}, "download the dump"));
      });
    }
    box.append(el("div", {class: "evidence"}, shot, treeBox));
  }
  return box;
}
function editForm(job) {
  const zone = accountZone(job.account);
  const form = el("form", {class: "card", id: "edit-form", "aria-label": "Edit the post"},
    el("h2", {}, "Edit (re-schedule)"),
    el("label", {}, "Caption", el("textarea", {id: "e-caption", rows: 3, maxlength: 2200}, job.caption)),
    el("label", {}, `Time (${zone})`, el("input", {id: "e-time", type: "datetime-local", step: 60,
      value: localInput(job.scheduled_at_utc, zone)})),
    el("button", {class: "primary"}, ["paused", "failed"].includes(job.state) ? "Save and re-schedule" : "Save"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    try {
      await api(`/v1/jobs/${job.id}`, {method: "PATCH", json: {caption: $("e-caption").value,
        scheduled_at: $("e-time").value, timezone: zone}});
      if (job.state === "paused") await api(`/v1/jobs/${job.id}/resume`, {method: "POST"});
      if (job.state === "failed") await api(`/v1/jobs/${job.id}/retry`, {method: "POST"});
      toast(`job ${job.id} saved`);
    } catch (error) { toast(`job ${job.id}: ${error.message}`, true); }
    await refresh();
  };
  return form;
}
async function openJob(id, quiet = false, focusEdit = false) {
  state.openJob = id;
  const job = await getJSON(`/v1/jobs/${id}`);
  const dialog = $("job-dialog");
  $("jd-title").textContent = `Job #${job.id}: ${job.kind} for ${job.account}`;
  const top = el("div", {class: "detail-top card"},
    el("div", {class: "thumbs"}, job.media.map((m) => {
      const img = el("img", {class: "thumb", alt: "media"}); thumbURL(m).then((u) => { if (u) img.src = u; }); return img; })),
    el("div", {}, el("p", {}, pill(job.state, "sec"), " ", el("span", {"data-testid": "job-state"}, job.state),
        ` · phone ${job.device} · attempt ${job.attempts}`),
      el("p", {}, el("b", {}, "Due: "), times(job), job.scheduled_at_requested === "best"
        ? el("span", {"data-testid": "best-time"}, ` · best time (${job.best_time_source})`) : null),
      el("p", {class: "caption"}, job.caption || "(no caption)"),
      job.published_at ? el("p", {}, `Published ${new Date(job.published_at).toLocaleString()}`) : null,
      actionButtons(job)));
  const history = el("section", {class: "card"}, el("h2", {}, "History"),
    el("ol", {class: "events"}, (job.events || []).map((e) => el("li", {},
      `${new Date(e.at).toLocaleString()} · ${e.to_state ? `${e.from_state ?? "∅"} → ${e.to_state}` : e.type} · ${e.actor} · ${e.reason}`))));
  const parts = [top];
  const failure = await failureBlock(job).catch(() => null);
  if (failure) parts.push(failure);
  if (ACTIONS.edit.includes(job.state)) parts.push(editForm(job));
  parts.push(history);
  if (quiet && dialog.contains(document.activeElement) && document.activeElement.closest("#edit-form")) return;
  $("jd-body").replaceChildren(...parts);
  if (!dialog.open) dialog.showModal();
  if (focusEdit && $("e-caption")) $("e-caption").focus();
}

/* ---------- phones and accounts ---------- */
function table(node, headers, rows) {
  node.replaceChildren(node.querySelector("caption") || "", el("thead", {}, el("tr", {}, headers.map((h) => el("th", {scope: "col"}, h)))),
    el("tbody", {}, rows));
}
async function phoneAction(serial, action) {
  const reason = $("phone-reason").value.trim();
  try {
    const d = await (await api(`/v1/devices/${serial}/${action}`, {method: "POST",
      json: reason ? {reason} : undefined})).json();
    toast(`${serial}: ${action} → ${d.mode}${d.reboot_requested_at ? ", reboot requested" : ""}`);
  } catch (error) { toast(`${serial}: ${error.message}`, true); }
  await refresh();
}
function renderPhones() {
  table($("phones"), ["phone", "label", "status", "mode", "battery", "temp", "app", "seen", "job", "actions"],
    state.devices.map((d) => el("tr", {"data-serial": d.serial},
      el("th", {scope: "row"}, d.serial), el("td", {}, d.label), el("td", {}, pill(d.status)),
      el("td", {}, pill(d.mode), d.mode_reason ? el("div", {class: "small muted"}, d.mode_reason) : null,
        d.reboot_requested_at ? el("div", {class: "small"}, "reboot requested") : null),
      el("td", {}, d.battery == null ? "—" : `${d.battery} %`),
      el("td", {}, d.temperature_c == null ? "—" : `${d.temperature_c} °C`),
      el("td", {}, d.app_version ?? "—", d.app_version_checked === false ? el("span", {class: "pill st-hot"}, "not checked") : null),
      el("td", {}, ago(d.last_seen_at)),
      el("td", {}, d.current_job_id ? el("button", {type: "button", onclick: () => openJob(d.current_job_id)}, `#${d.current_job_id}`) : ""),
      el("td", {}, el("div", {class: "actions"}, ["drain", "quarantine", "release", "reboot"].map((a) =>
        el("button", {type: "button", "data-action": a, "aria-label": `${a} ${d.serial}`,
          disabled: (a === "release" && d.mode === "active") || (a === "drain" && d.mode !== "active"),
          onclick: () => phoneAction(d.serial, a)}, a[0].toUpperCase() + a.slice(1))))))));
}
async function reauth(username, login) {
  try {
    const a = await (await api(`/v1/accounts/${username}/reauth`, {method: "POST", json: {login}})).json();
    toast(`${username}: ${a.state} ${a.state_reason || ""}`);
  } catch (error) { toast(`${username}: ${error.message}`, true); }
  await refresh();
}
function renderAccounts() {
  table($("accounts"), ["account", "phone", "zone", "state", "why", "preflight", "actions"],
    state.accounts.map((a) => el("tr", {"data-account": a.username},
      el("th", {scope: "row"}, a.username), el("td", {}, a.device), el("td", {}, a.timezone),
      el("td", {}, pill(a.state)), el("td", {}, a.state_reason),
      el("td", {}, a.preflight ? [pill(a.preflight.ok ? "ok" : "bad"), ` ${a.preflight.code ?? ""} ${ago(a.preflight.at)}`] : "not run"),
      el("td", {}, el("div", {class: "actions"},
        el("button", {type: "button", "aria-label": `re-authenticate ${a.username}`, onclick: () => reauth(a.username, false)}, "Re-authenticate"),
        el("button", {type: "button", "aria-label": `log ${a.username} in on its phone`, onclick: () => reauth(a.username, true)}, "Log in on phone"),
        el("button", {type: "button", "aria-label": `best times of ${a.username}`, onclick: () => showAudience(a.username)}, "Best times"))))));
}
/* best time to post: the audience's activity per hour and weekday, as a heat strip */
function heatRow(label, values, names) {
  return el("tr", {}, el("th", {scope: "row"}, label), values.map((v, i) =>
    el("td", {style: `--heat: ${(v / 100).toFixed(2)}`, title: `${names[i]}: ${v}`}, "")));
}
async function showAudience(username, refreshIt = false) {
  const box = $("audience");
  try {
    const a = await (await api(`/v1/accounts/${username}/audience${refreshIt ? "/refresh" : ""}`,
      {method: refreshIt ? "POST" : "GET"})).json();
    const hours = a.by_hour.map((_, h) => `${String(h).padStart(2, "0")}:00`);
    const days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    box.replaceChildren(el("h2", {}, `Audience of ${a.account}`),
      el("p", {}, el("span", {"data-testid": "audience-source"}, a.source),
        ` · ${a.read_at ? `read ${ago(a.read_at)}` : "never read"} · hours in ${a.timezone}`,
        a.note ? el("span", {class: "muted"}, ` · ${a.note}`) : null,
        a.refresh_requested_at ? " · reading asked of the phone" : null),
      el("table", {class: "heat"}, el("tbody", {},
        el("tr", {}, el("th", {}, ""), hours.map((h, i) => el("th", {scope: "col"}, i % 3 ? "" : h.slice(0, 2)))),
        heatRow("hour", a.by_hour, hours))),
      el("table", {class: "heat"}, el("tbody", {},
        el("tr", {}, el("th", {}, ""), days.map((d) => el("th", {scope: "col"}, d))),
        heatRow("day", a.by_weekday, days))),
      el("p", {}, el("b", {}, "Next best time: "), `${fmt(a.next_best_at_utc, a.timezone)} ${a.timezone}`),
      el("button", {type: "button", onclick: () => showAudience(username, true)}, "Read again on the phone"));
    box.hidden = false;
  } catch (error) { toast(`${username}: ${error.message}`, true); }
}

/* ---------- uploads ---------- */
function uploadFile(file, list) {  // XHR for upload progress
  const bar = el("progress", {max: 100, value: 0, "aria-label": `upload of ${file.name}`});
  const note = el("span", {}, file.name);
  list.append(el("div", {}, bar, note));
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/v1/media");
    xhr.setRequestHeader("Authorization", `Bearer ${key}`);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100); };
    xhr.onload = () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (_) { /* not JSON */ }
      if (xhr.status < 300) { bar.value = 100; note.textContent = `${file.name}: ${body.id}`; resolve(body.id); }
      else { const e = body.error || {code: `http_${xhr.status}`, message: ""}; note.textContent = `${file.name}: ${e.code}: ${e.message}`; reject(new ApiError(xhr.status, e.code, e.message)); }
    };
    xhr.onerror = () => reject(new ApiError(0, "network_error", "upload failed"));
    const data = new FormData(); data.append("file", file); xhr.send(data);
  });
}
async function submitPost(event) {
  event.preventDefault();
  const list = $("p-progress"); list.replaceChildren();
  $("p-result").textContent = "uploading…";
  try {
    const media = [];
    for (const f of $("p-files").files) media.push(await uploadFile(f, list));
    const zone = $("p-zone").value.trim() || accountZone($("p-account").value);
    const when = $("p-time").value;
    const body = {account: $("p-account").value, kind: $("p-kind").value, media,
      caption: $("p-caption").value, approval_required: $("p-approval").checked,
      scheduled_at: when || new Date().toISOString()};
    if (when) body.timezone = zone;
    if ($("p-best").checked) {  // the best hour of the audience: of the day given, or the week
      body.scheduled_at = "best";
      if (when) body.best_within = when.slice(0, 10);
    }
    const job = await (await api("/v1/jobs", {method: "POST", json: body,
      headers: {"Idempotency-Key": `console-${Date.now()}-${Math.random().toString(36).slice(2)}`}})).json();
    $("p-result").replaceChildren(`job #${job.id} ${job.state}, due ${times(job)} `,
      el("button", {type: "button", onclick: () => openJob(job.id)}, "open"));
    $("p-result").dataset.jobId = job.id;
    toast(`job ${job.id} submitted`);
    await refresh();
  } catch (error) { $("p-result").textContent = `error: ${error.message}`; }
}
async function uploadBatchMedia() {
  const list = $("b-media-ids"); list.replaceChildren();
  for (const f of $("b-media").files) { try { await uploadFile(f, list); } catch (_) { /* shown per file */ } }
}
async function submitBatch(event) {
  event.preventDefault();
  const file = $("b-file").files[0];
  if (!file) return;
  $("b-summary").textContent = "sending…";
  try {
    const out = await (await api(`/v1/jobs:batch?all_or_nothing=${$("b-all").checked}`, {method: "POST",
      headers: {"Content-Type": "text/csv"}, body: await file.text()})).json();
    $("b-summary").textContent = `created ${out.created}, duplicates ${out.duplicates}, errors ${out.errors}`;
    batchRows(out.rows);
    await refresh();
  } catch (error) {
    $("b-summary").textContent = `error: ${error.message}`;
    batchRows([]);
  }
}
function batchRows(rows) {
  table($("b-rows"), ["row", "status", "job", "error"], rows.map((r) => el("tr", {},
    el("td", {}, r.row), el("td", {}, pill(r.status === "error" ? "bad" : "ok"), ` ${r.status}`),
    el("td", {}, r.job_id ? el("button", {type: "button", onclick: () => openJob(r.job_id)}, `#${r.job_id}`) : ""),
    el("td", {}, r.error ? `${r.error.code}: ${r.error.message}` : ""))));
}

/* ---------- shell ---------- */
function showApp(signedIn, message = "") {
  $("main").hidden = !signedIn; $("tabs").hidden = !signedIn; $("logout").hidden = !signedIn;
  $("login").hidden = signedIn; $("loginerror").textContent = message;
}
function signOut(message = "") { sessionStorage.removeItem("igfarm-key"); key = null; showApp(false, message); }
function selectTab(tab) {
  for (const t of document.querySelectorAll("[role=tab]")) {
    const on = t === tab;
    t.setAttribute("aria-selected", String(on)); t.tabIndex = on ? 0 : -1;
    $(t.getAttribute("aria-controls")).hidden = !on;
  }
}
function syncView() {
  for (const b of document.querySelectorAll("[data-view]")) b.setAttribute("aria-pressed", String(b.dataset.view === state.view));
}
function shift(direction) {
  const a = state.anchor;
  if (state.view === "month") state.anchor = new Date(a.getFullYear(), a.getMonth() + direction, 1);
  else state.anchor = new Date(a.getFullYear(), a.getMonth(), a.getDate() + direction * (state.view === "week" ? 7 : 30));
  refresh();
}
function applyTheme(theme) {
  if (theme) document.documentElement.dataset.theme = theme; else delete document.documentElement.dataset.theme;
}
function init() {
  for (const s of [...SECTIONS, "cancelled"]) $("f-section").append(el("option", {value: s}, LABEL[s]));
  for (const z of ["UTC", VIEWER_ZONE, "Europe/Madrid", "Europe/London", "America/New_York", "America/Mexico_City", "Asia/Tokyo"]) $("zones").append(el("option", {value: z}));
  const tabs = [...document.querySelectorAll("[role=tab]")];
  tabs.forEach((t, i) => {
    t.onclick = () => selectTab(t);
    t.onkeydown = (e) => {
      const step = {ArrowRight: 1, ArrowLeft: -1}[e.key];
      if (step) { const next = tabs[(i + step + tabs.length) % tabs.length]; selectTab(next); next.focus(); }
    };
  });
  selectTab(tabs[0]);
  for (const b of document.querySelectorAll("[data-view]")) {
    b.onclick = () => { state.view = b.dataset.view; syncView(); renderCalendar(); refresh(); };
  }
  $("prev").onclick = () => shift(-1); $("next").onclick = () => shift(1);
  $("today").onclick = () => { state.anchor = new Date(); refresh(); };
  for (const id of ["f-account", "f-device"]) $(id).onchange = refresh;
  for (const id of ["f-kind", "f-section"]) $(id).onchange = renderCalendar;
  $("filters").onsubmit = (e) => e.preventDefault();
  $("p-account").onchange = () => { $("p-zone").value = accountZone($("p-account").value); };
  $("post-form").onsubmit = submitPost;
  $("batch-form").onsubmit = submitBatch;
  $("b-media").onchange = uploadBatchMedia;
  $("jd-close").onclick = () => $("job-dialog").close();
  $("job-dialog").onclose = () => { state.openJob = null; };
  $("theme").onclick = () => {
    const dark = document.documentElement.dataset.theme
      ? document.documentElement.dataset.theme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
    const next = dark ? "light" : "dark";
    localStorage.setItem("igfarm-theme", next); applyTheme(next);
  };
  applyTheme(localStorage.getItem("igfarm-theme"));
  $("keyform").onsubmit = (event) => {
    event.preventDefault();
    key = $("key").value.trim(); sessionStorage.setItem("igfarm-key", key); state.pulse = null; poll();
  };
  $("logout").onclick = () => signOut();
  if (key) poll(); else showApp(false);
  setInterval(poll, 1000);
  setInterval(() => { if (key) refresh(); }, 30000);  // times like "12 s ago" move on their own
}
init();
