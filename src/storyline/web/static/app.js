// storyline pages. Every piece of data from the server is written with textContent, never
// innerHTML: article text, names and titles are untrusted.
"use strict";

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

async function api(path, options) {
  const response = await fetch(path, Object.assign({ credentials: "same-origin" }, options || {}));
  let data = null;
  try { data = await response.json(); } catch (_) { data = null; }
  if (!response.ok) {
    const reason = data && (data.error || data.detail);
    throw new Error(typeof reason === "string" ? reason : (response.status + " " + response.statusText));
  }
  return data;
}

// ------------------------------------------------------------------ story page

const RELATION_WORD = { agree: "agrees", disagree: "disagrees", discuss: "discusses", unrelated: "unrelated" };

function attributionText(claim) {
  if (!claim) return "";
  const a = claim.attribution || {};
  let who = a.speaker ? a.speaker : "the article's own voice";
  if (a.verb) who += " (" + a.verb + ")";
  if (a.cited_outlets && a.cited_outlets.length) who += " via " + a.cited_outlets.join(", ");
  return who;
}

function certaintyText(claim) {
  if (!claim) return "";
  let t = claim.certainty || "";
  if (claim.polarity === "denied") t += ", denied";
  if (claim.cues && claim.cues.length) t += " (" + claim.cues.join(", ") + ")";
  return t;
}

function setupStory() {
  const holder = document.getElementById("story");
  if (!holder) return;
  const storyId = holder.dataset.story;
  let data = null;
  const ready = api("/api/stories/" + encodeURIComponent(storyId)).then((d) => { data = d; document.body.dataset.ready = "1"; return d; });
  ready.catch((err) => { document.body.dataset.ready = "error"; console.error(err); });

  const panel = document.getElementById("claim-panel");
  const body = document.getElementById("claim-panel-body");
  document.getElementById("claim-close").addEventListener("click", clear);

  function clear() {
    document.querySelectorAll(".sent.hl").forEach((s) => s.classList.remove("hl", "hl-agree", "hl-disagree", "hl-discuss", "hl-unrelated"));
    document.querySelectorAll(".badge").forEach((b) => b.remove());
    document.querySelectorAll("mark.claim.selected").forEach((m) => m.classList.remove("selected"));
    panel.hidden = true;
  }

  function outletOf(articleId) {
    const a = (data.articles || []).find((x) => x.id === articleId);
    return a ? (a.outlet || a.title || articleId.slice(0, 8)) : articleId.slice(0, 8);
  }

  function claimInSentence(articleId, index) {
    return Object.values(data.claims).find((c) => c.article_id === articleId && c.sentence_index === index);
  }

  function select(claimId) {
    clear();
    const claim = data.claims[claimId];
    const marks = document.querySelectorAll('mark.claim[data-claim="' + CSS.escape(claimId) + '"]');
    marks.forEach((m) => m.classList.add("selected"));
    const links = data.links[claimId] || [];
    body.replaceChildren();
    const head = el("div", "cp-meta");
    if (claim) {
      head.append(el("strong", null, claim.outlet || outletOf(claim.article_id)), " · ");
    }
    const label = claim && claim.verdict ? claim.verdict : null;
    if (label) head.append(el("span", "chip v-" + label, label), " ");
    body.append(head, el("div", "cp-text", claim ? claim.text : ""));
    if (claim) {
      const meta = el("div", "cp-meta");
      meta.append("On whose authority: ", el("strong", null, attributionText(claim)), " · certainty: ", el("strong", null, certaintyText(claim)));
      body.append(meta);
    }
    const list = el("ul");
    if (!links.length) list.append(el("li", null, "No other article bears on this claim."));
    for (const link of links) {
      const target = link.claim_id ? data.claims[link.claim_id] : null;
      for (const idx of link.sentence_indices) {
        const sent = document.getElementById("s-" + link.article_id + "-" + idx);
        if (!sent) continue;
        sent.classList.add("hl", "hl-" + link.relation);
        const other = target && target.sentence_index === idx ? target : claimInSentence(link.article_id, idx);
        const badge = el("span", "badge " + link.relation, RELATION_WORD[link.relation] || link.relation);
        if (other) badge.title = attributionText(other) + " · " + certaintyText(other);
        sent.prepend(badge);
      }
      const first = document.getElementById("s-" + link.article_id + "-" + link.sentence_indices[0]);
      const item = el("li");
      item.append(el("span", "badge " + link.relation, RELATION_WORD[link.relation] || link.relation), el("strong", null, outletOf(link.article_id)));
      if (target) item.append(" — per ", attributionText(target), " · ", certaintyText(target));
      list.append(item);
      if (first) {
        const col = first.closest(".col-body");
        if (col) col.scrollTo({ top: first.offsetTop - col.offsetTop - 40, behavior: "smooth" });
      }
    }
    body.append(list);
    panel.hidden = false;
  }

  document.addEventListener("click", (event) => {
    const target = event.target.closest("[data-claim]");
    if (!target || target.id === "story") return;
    event.preventDefault();
    ready.then(() => select(target.dataset.claim));
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") clear();
    const target = event.target.closest && event.target.closest("mark.claim[data-claim]");
    if (target && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      ready.then(() => select(target.dataset.claim));
    }
  });
}

// ------------------------------------------------------------------ check page

const CHECK_GROUPS = [["agree", "Agree"], ["disagree", "Disagree"], ["discuss", "Discuss without taking a side"]];

const RELATIONS = {
  "states": "states it", "negates": "states the opposite", "hedges": "says it may be so",
  "same answer": "reports the same answer", "other answer": "reports another answer",
};

// "Its claim states it (0.86), on the authority of US intelligence sources (anonymous), via CNN; reported".
function claimLine(item) {
  const c = item.claim;
  const who = c.speaker ? c.speaker + (c.speaker_kind === "article" ? "" : " (" + c.speaker_kind + ")") : "the article itself";
  const via = c.cited_outlets && c.cited_outlets.length ? ", via " + c.cited_outlets.join(", ") : "";
  const sim = item.similarity == null ? "" : " (" + item.similarity.toFixed(2) + ")";
  return "Its claim " + (RELATIONS[item.relation] || item.relation) + sim + ", on the authority of " + who + via + "; " + c.certainty + ", " + c.polarity;
}

function renderCheck(result, box) {
  box.replaceChildren();
  const head = el("div", "card check-summary");
  head.append(el("span", "chip verdict-" + result.verdict, result.verdict), " ", el("span", null, result.summary));
  box.append(head);
  for (const [label, title] of CHECK_GROUPS) {
    const items = result[label] || [];
    if (!items.length) continue;
    box.append(el("h2", null, title + " (" + items.length + ")"));
    for (const item of items) {
      const card = el("div", "res " + label);
      const line = el("div");
      // The label's basis: the article's own claim (its relation), else the stance model's probability.
      const why = item.basis === "claim" ? (RELATIONS[item.relation] || item.relation) : Math.round(item.probability * 100) + "%";
      line.append(el("span", "badge " + label, label + " · " + why), " ");
      line.append(el("strong", null, item.outlet || "unknown outlet"), " ");
      line.append(el("span", "muted", (item.published || "no date").slice(0, 10) + " · "));
      const link = el("a", null, item.title || item.article_id.slice(0, 10));
      link.href = "/articles/" + encodeURIComponent(item.article_id);
      line.append(link);
      card.append(line);
      for (const ev of (item.evidence || []).slice(0, 2)) card.append(el("blockquote", null, ev.text));
      if (item.claim) card.append(el("div", "muted small check-claim", claimLine(item)));
      box.append(card);
    }
  }
  if (result.not_judged && result.not_judged.length) {
    const list = el("ul", "muted small");
    for (const n of result.not_judged) list.append(el("li", null, n.article_id.slice(0, 10) + ": " + n.reason));
    box.append(el("h2", null, "Not judged (" + result.not_judged.length + ")"), list);
  }
}

function setupCheck() {
  const form = document.getElementById("check-form");
  if (!form) return;
  const status = document.getElementById("check-status");
  const box = document.getElementById("check-results");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.className = "status";
    status.textContent = "Reading the articles…";
    box.replaceChildren();
    const payload = {
      claim: document.getElementById("claim").value,
      story_id: document.getElementById("story_id").value || null,
      limit: parseInt(document.getElementById("limit").value, 10) || 500,
    };
    try {
      const result = await api("/api/check", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload) });
      status.textContent = "Done.";
      renderCheck(result, box);
    } catch (err) {
      status.className = "status err";
      status.textContent = "Error: " + err.message;
    }
  });
}

// ------------------------------------------------------------------ ingest page

function setupIngest() {
  const urlForm = document.getElementById("url-form");
  if (!urlForm) return;
  const uploadForm = document.getElementById("upload-form");
  const jobBox = document.getElementById("job");
  const bar = document.getElementById("job-bar");
  const status = document.getElementById("job-status");
  const rows = document.getElementById("job-rows");

  function show(job) {
    jobBox.hidden = false;
    const counts = job.counts || {};
    const parts = Object.entries(counts).map(([k, v]) => v + " " + k);
    const state = { queued: "Waiting…", running: "Adding…", analysing: "Analysing new articles…", done: "Finished", failed: "Stopped" }[job.state] || job.state;
    status.className = "status" + (job.state === "failed" || counts.failed ? " err" : "");
    status.textContent = state + (parts.length ? " — " + parts.join(", ") : "") + (job.error ? " — " + job.error : "") + (job.analysis ? " — " + job.analysis : "");
    bar.className = "bar-fill " + (job.state === "done" ? "done" : job.state === "failed" ? "failed" : "busy");
    rows.replaceChildren();
    for (const msg of job.refused || []) {
      const tr = el("tr");
      tr.append(el("td", null, msg.split(":")[0]), el("td", "st-failed", "refused"), el("td"), el("td", null, msg));
      rows.append(tr);
    }
    for (const o of job.outcomes) {
      const tr = el("tr");
      const cell = el("td");
      if (o.article_id) {
        const a = el("a", null, o.article_id.slice(0, 10));
        a.href = "/articles/" + encodeURIComponent(o.article_id);
        cell.append(a);
      }
      tr.append(el("td", null, o.source), el("td", "st-" + o.status, o.status), cell, el("td", "muted", o.reason || ""));
      rows.append(tr);
    }
  }

  async function follow(job) {
    show(job);
    while (job.state !== "done" && job.state !== "failed") {
      await new Promise((r) => setTimeout(r, 500));
      const refused = job.refused;
      job = await api("/api/ingest/" + encodeURIComponent(job.id));
      job.refused = refused;
      show(job);
    }
  }

  function fail(err) {
    jobBox.hidden = false;
    rows.replaceChildren();
    bar.className = "bar-fill failed";
    status.className = "status err";
    status.textContent = "Error: " + err.message;
  }

  urlForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const sources = document.getElementById("urls").value.split(/\s+/).filter(Boolean);
    if (!sources.length) return fail(new Error("no URL given"));
    try {
      await follow(await api("/api/ingest", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ sources }) }));
    } catch (err) { fail(err); }
  });

  uploadForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = document.getElementById("files");
    if (!input.files.length) return fail(new Error("choose at least one file"));
    const form = new FormData();
    for (const f of input.files) form.append("files", f, f.name);
    try {
      await follow(await api("/api/ingest/upload", { method: "POST", body: form }));
    } catch (err) { fail(err); }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setupStory();
  setupCheck();
  setupIngest();
});
