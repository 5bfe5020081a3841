"use strict";
/* igfarm console: the key's notifications (list, unread badge, mark as read) and its
   notification settings. Uses console.js's helpers (el, api, getJSON, toast, openJob). A mail's
   link /console#job=<id> opens that job once the console has a key. */

const notes = {unreadOnly: false, pendingJob: null};
function jobFromHash() {
  if (!location.hash.startsWith("#job=")) return false;
  notes.pendingJob = Number(location.hash.slice(5)) || null;
  history.replaceState(null, "", location.pathname);
  return true;
}
jobFromHash();
window.addEventListener("hashchange", () => { if (jobFromHash()) loadNotifications(); });

async function loadNotifications() {
  if (!key) return;
  if (notes.pendingJob) {  // a mail's link: open the job once there is a key
    const id = notes.pendingJob; notes.pendingJob = null;
    openJob(id).catch((e) => toast(e.message, true));
  }
  try {
    const query = notes.unreadOnly ? "?unread=true" : "";
    const data = await getJSON(`/v1/notifications${query}`);
    $("n-badge").hidden = data.unread === 0;
    $("n-badge").textContent = String(data.unread);
    $("n-badge").setAttribute("aria-label", `${data.unread} unread`);
    table($("n-list"), ["", "when", "what", ""], data.notifications.map((n) => el("tr",
      {class: n.read_at ? "" : "unread"},
      el("td", {}, n.read_at ? "" : pill("new", "st-bad")),
      el("td", {title: n.created_at}, ago(n.created_at)),
      el("td", {}, n.job_id ? el("button", {type: "button", class: "linklike",
        onclick: () => openJob(n.job_id)}, n.title) : n.title),
      el("td", {}, n.read_at ? "" : el("button", {type: "button",
        onclick: () => markRead(n.id)}, "Mark read")))));
  } catch (e) { /* a 401 signs out in api() */ }
}
async function markRead(id) {
  try { await api(`/v1/notifications/${id}/read`, {method: "POST"}); } catch (e) { toast(e.message, true); }
  loadNotifications();
}
async function loadNotifySettings() {
  if (!key) return;
  const s = await getJSON("/v1/notifications/settings");
  $("n-email").value = s.email || "";
  $("n-language").value = s.language;
  $("n-digest").value = s.digest;
  for (const box of document.getElementsByName("n-event")) box.checked = s.events.includes(box.value);
  $("n-mail").textContent = s.mail_enabled ? "Mail is on." : "Mail is off on this farm (no SMTP server): notifications show here only.";
}
async function saveNotifySettings(event) {
  event.preventDefault();
  const body = {email: $("n-email").value.trim() || null, language: $("n-language").value,
    digest: $("n-digest").value,
    events: [...document.getElementsByName("n-event")].filter((b) => b.checked).map((b) => b.value)};
  try {
    await api("/v1/notifications/settings", {method: "PUT", json: body});
    $("n-result").textContent = "Saved.";
  } catch (e) { $("n-result").textContent = e.message; }
}
function initNotifications() {
  $("n-unread").onchange = () => { notes.unreadOnly = $("n-unread").checked; loadNotifications(); };
  $("n-read-all").onclick = async () => {
    try { await api("/v1/notifications/read-all", {method: "POST"}); } catch (e) { toast(e.message, true); }
    loadNotifications();
  };
  $("n-form").onsubmit = saveNotifySettings;
  $("tab-notifications").addEventListener("click", () => { loadNotifications(); loadNotifySettings().catch(() => {}); });
  loadNotifications();
  setInterval(loadNotifications, 15000);
  $("keyform").addEventListener("submit", () => setTimeout(loadNotifications, 500));
}
initNotifications();
