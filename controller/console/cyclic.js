"use strict";
/* igfarm console, Cyclic lists tab: each list with its window, state, why it is paused and
   its next jobs (times in the account's zone), with Pause / Resume / Plan now. Uses the
   helpers of console.js (api, getJSON, el, pill, table, toast, fmt). */

async function cyclicAction(id, action) {
  try {
    const lst = await (await api(`/v1/cyclic-lists/${id}/${action}`, {method: "POST"})).json();
    toast(`list ${id}: ${action} → ${lst.state || "planned"}${lst.pause_reason ? ` (${lst.pause_reason})` : ""}`);
  } catch (error) { toast(`list ${id}: ${error.message}`, true); }
  await renderCyclic();
}
function cyclicNext(lst) {
  if (!lst.next_jobs.length) return el("span", {class: "muted"}, "none planned");
  return el("ul", {class: "small", style: "list-style: none; margin: 0; padding: 0"}, lst.next_jobs.slice(0, 6).map((j) =>
    el("li", {}, el("button", {type: "button", onclick: () => openJob(j.job_id)}, `#${j.job_id}`),
      ` ${fmt(j.scheduled_at, lst.timezone)} · post ${j.post_id}`)));
}
async function renderCyclic() {
  if (!key || $("view-cyclic").hidden) return;
  let lists;
  try { lists = await getJSON("/v1/cyclic-lists"); } catch (error) {
    $("cyclic-note").textContent = `could not load the lists: ${error.message}`; return;
  }
  $("cyclic-note").textContent = lists.length ? "" : "No cyclic list yet: create one with POST /v1/cyclic-lists or farm cyclic create.";
  table($("cyclic"), ["list", "account", "window (account's zone)", "a day", "posts", "period", "state", "why", "next jobs", "actions"],
    lists.map((l) => el("tr", {"data-list": l.id},
      el("th", {scope: "row"}, `${l.id} · ${l.name}`), el("td", {}, l.account),
      el("td", {}, `${l.window_start}–${l.window_end} ${l.timezone}`),
      el("td", {}, String(l.posts_per_day)), el("td", {}, String(l.posts.length)),
      el("td", {}, `${l.start_date} → ${l.end_date}`),
      el("td", {}, pill(l.state)),
      el("td", {}, l.pause_reason ? [el("b", {}, l.pause_reason), el("div", {class: "small muted"}, l.pause_detail)] : ""),
      el("td", {}, cyclicNext(l)),
      el("td", {}, el("div", {class: "actions"},
        el("button", {type: "button", "aria-label": `pause list ${l.id}`, disabled: l.state !== "active", onclick: () => cyclicAction(l.id, "pause")}, "Pause"),
        el("button", {type: "button", "aria-label": `resume list ${l.id}`, disabled: l.state === "active", onclick: () => cyclicAction(l.id, "resume")}, "Resume"),
        el("button", {type: "button", "aria-label": `plan list ${l.id} now`, disabled: l.state !== "active", onclick: () => cyclicAction(l.id, "plan")}, "Plan now"))))));
}
$("tab-cyclic").addEventListener("click", renderCyclic);
setInterval(renderCyclic, 10000);
