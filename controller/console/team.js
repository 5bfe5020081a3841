"use strict";
/* Team view: the caller's team (ops: every team), its sub-users and their posts awaiting the
   leader's approval, each with an Approve button (the API refuses a sub-user: 403). Uses the
   helpers of console.js (api, getJSON, el, table, pill, fmt, toast, jobAction, openJob). */

function teamCard(team) {
  const members = el("table", {"aria-label": `Sub-users of ${team.name}`});
  table(members, ["sub-user", "key", "status", "publishing", "awaiting approval"],
    team.members.map((m) => el("tr", {"data-member": m.name},
      el("th", {scope: "row"}, m.name), el("td", {}, String(m.key_id)),
      el("td", {}, pill(m.status)),
      el("td", {}, m.direct_publish ? "direct" : "needs approval"),
      el("td", {}, String(m.pending.length)))));
  const pending = team.members.flatMap((m) => m.pending.map((p) => ({...p, by: m.name})));
  const posts = el("table", {"aria-label": `Posts awaiting approval in ${team.name}`});
  table(posts, ["job", "by", "account", "kind", "due", "caption", "action"],
    pending.map((p) => el("tr", {"data-pending": p.id},
      el("td", {}, el("button", {type: "button", onclick: () => openJob(p.id)}, `#${p.id}`)),
      el("td", {}, p.by), el("td", {}, p.account), el("td", {}, p.kind),
      el("td", {}, fmt(p.scheduled_at)), el("td", {}, p.caption),
      el("td", {}, el("button", {type: "button", "data-approve": p.id,
        "aria-label": `approve job ${p.id} by ${p.by}`,
        onclick: () => jobAction(p.id, "approve")}, "Approve")))));
  return el("section", {class: "card", "data-team": team.id},
    el("h2", {}, `Team ${team.name}`),
    el("p", {class: "muted"}, `leader ${team.leader} · ${team.members.length} sub-user(s)`),
    el("div", {class: "scroll"}, members),
    el("h3", {}, "Awaiting approval"),
    pending.length ? el("div", {class: "scroll"}, posts) : el("p", {class: "muted"}, "Nothing awaits approval."));
}

async function renderTeam() {
  const box = $("team");
  let teams;
  try { teams = await getJSON("/v1/teams"); } catch (error) {
    box.replaceChildren(el("p", {class: "error-text"}, error.message)); return;
  }
  box.replaceChildren(...(teams.length ? teams.map(teamCard) : [el("p", {class: "muted"},
    "No team. A customer's scheduler key leads one: farm team create NAME, then farm team add-member NAME.")]));
}
