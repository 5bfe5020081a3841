"use strict";
/* The public status page: /v1/status/page, no key, refreshed every 5 s. */
const $ = (id) => document.getElementById(id);
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}
const sec = (v) => (v === null || v === undefined ? "—" : `${Number(v).toFixed(1)} s`);
const pct = (v) => (v === null || v === undefined ? "—" : `${(v * 100).toFixed(1)} %`);
async function load() {
  try {
    const data = await (await fetch("/v1/status/page")).json();
    $("phones").textContent = `${data.phones_online} / ${data.phones_total}`;
    $("incidents").replaceChildren(...(data.incidents.length
      ? data.incidents.map((i) => el("div", {class: `card incident ${i.severity}`, "data-kind": i.kind},
        el("b", {}, i.severity === "major" ? "Major: " : "Minor: "), i.title,
        i.since ? el("span", {class: "muted small"}, ` since ${new Date(i.since).toLocaleString()}`) : null))
      : [el("div", {class: "card ok-banner"}, "All systems normal: no open incident.")]));
    const head = el("tr", {}, ["kind", "p50 1h", "p95 1h", "success 1h", "published / failed 1h",
      "p50 24h", "p95 24h", "success 24h", "published / failed 24h", "due, waiting"].map((h) => el("th", {scope: "col"}, h)));
    $("kinds").replaceChildren($("kinds").querySelector("caption"), el("thead", {}, head), el("tbody", {},
      data.kinds.map((k) => el("tr", {"data-kind": k.kind}, el("th", {scope: "row"}, k.kind),
        el("td", {}, sec(k.hour.delay_p50_s)), el("td", {}, sec(k.hour.delay_p95_s)), el("td", {}, pct(k.hour.success_rate)),
        el("td", {}, `${k.hour.published} / ${k.hour.failed}`),
        el("td", {}, sec(k.day.delay_p50_s)), el("td", {}, sec(k.day.delay_p95_s)), el("td", {}, pct(k.day.success_rate)),
        el("td", {}, `${k.day.published} / ${k.day.failed}`), el("td", {}, k.queue_depth)))));
    $("live").textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    $("live").textContent = `refresh failed: ${error.message}`;
  }
}
const theme = localStorage.getItem("igfarm-theme");
if (theme) document.documentElement.dataset.theme = theme;
load();
setInterval(load, 5000);
