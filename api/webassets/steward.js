// Het Leerplein — the data steward's page (/beheer). Plain JavaScript, no libraries:
// it reads /api/v1/jobs, /api/v1/runs and /api/v1/quarantine with the session cookie.
"use strict";

(function () {
  const datum = new Intl.DateTimeFormat("nl-NL", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
  const getal = new Intl.NumberFormat("nl-NL");
  const statusNL = {
    ok: "gelukt", rejected: "bestand afgekeurd", failed: "mislukt", skipped: "overgeslagen", running: "bezig",
    loaded: "geladen", unrecognised: "niet herkend", waiting: "wacht op volgende ronde",
  };

  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else e.setAttribute(k, v);
    }
    for (const k of kids) if (k !== null && k !== undefined) e.append(k);
    return e;
  };
  const when = (t) => (t ? datum.format(new Date(t)) : "–");
  const num = (n) => getal.format(n);
  const status = (s) => el("span", { class: "status-" + s }, statusNL[s] || s);

  async function getJSON(url) {
    const res = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (res.status === 401) {
      window.location.href = "/login?next=" + encodeURIComponent(window.location.pathname);
      throw new Error("niet ingelogd");
    }
    if (!res.ok) {
      let msg = res.statusText;
      try { msg = (await res.json()).error || msg; } catch (e) { /* not JSON */ }
      throw new Error(msg);
    }
    return res.json();
  }

  // table builds a table from column heads and rows of cells; numeric columns align right.
  function table(heads, rows, numeric) {
    if (rows.length === 0) return el("p", { class: "leeg" }, "Niets te melden.");
    const isNum = (i) => (numeric || []).includes(i);
    return el("table", { class: "lijst" },
      el("thead", {}, el("tr", {}, ...heads.map((h, i) => el("th", isNum(i) ? { class: "getal" } : {}, h)))),
      el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c, i) => el("td", isNum(i) ? { class: "getal" } : {}, c))))));
  }

  function jobs(data) {
    const verouderd = document.getElementById("verouderd");
    if (data.stale_feeds.length > 0) {
      verouderd.textContent = "Gegevens verouderd: " + data.stale_feeds.join(", ");
      verouderd.hidden = false;
    }
    const taken = data.jobs.map((j) => [j.name, el("span", { title: "cron: " + j.schedule }, j.schedule_nl), j.running ? "bezig" : (j.last_run ? statusNL[j.last_run.status] || j.last_run.status : "–"),
      when(j.next_run), j.expect_every_nl || "–"]);
    const bronnen = data.feeds.map((f) => [f.feed, when(f.last_loaded), f.stale ? el("span", { class: "verouderd" }, "verouderd") : "actueel"]);
    return [
      data.jobs.length ? table(["Taak", "Schema", "Laatste ronde", "Volgende ronde", "Nieuwe gegevens verwacht"], taken)
        : el("p", { class: "leeg" }, "Geen geplande taken ingesteld (de server draait zonder configuratiebestand)."),
      table(["Bron", "Laatst geladen", "Stand"], bronnen),
    ];
  }

  function runs(data) {
    return table(["Ronde", "Taak", "Begonnen", "Klaar", "Status", "Bestanden", "Afgekeurd", "Nieuw", "Vervangen", "Quarantaine"],
      data.runs.map((r) => [String(r.run_id), r.job, when(r.started_at), when(r.finished_at),
        r.reason ? el("span", { title: r.reason }, status(r.status)) : status(r.status),
        num(r.files), num(r.files_rejected), num(r.rows_new), num(r.rows_replaced), num(r.rows_quarantined)]),
      [0, 5, 6, 7, 8, 9]);
  }

  async function rejected(data) {
    const withRejects = data.runs.filter((r) => r.files_rejected > 0).slice(0, 10);
    const details = await Promise.all(withRejects.map((r) => getJSON("/api/v1/runs/" + r.run_id)));
    const rows = [];
    for (const d of details) {
      for (const f of d.file_list) {
        if (f.status === "rejected" || f.status === "unrecognised") {
          rows.push([String(d.run_id), f.file_name, f.feed || "–", status(f.status), f.reason || "–"]);
        }
      }
    }
    return table(["Ronde", "Bestand", "Bron", "Status", "Reden"], rows, [0]);
  }

  function quarantine(data) {
    return table(["Bron", "Kolom", "Reden", "Regels", "Voorbeelden"],
      data.groups.map((g) => [g.feed, g.column, g.reason, num(g.rows),
        g.examples.map((e) => e.file_name + " regel " + e.line + (e.value !== null ? ": " + e.value : "")).join("; ")]),
      [3]);
  }

  async function fill(id, work) {
    const target = document.getElementById(id);
    try {
      const kids = await work();
      target.replaceChildren(...[].concat(kids));
    } catch (e) {
      const melding = document.getElementById("melding");
      melding.textContent = "Niet alles kon worden geladen: " + e.message;
      melding.hidden = false;
    } finally {
      target.setAttribute("aria-busy", "false");
    }
  }

  async function render() {
    const runData = getJSON("/api/v1/runs?limit=20");
    await Promise.all([
      fill("taken", async () => jobs(await getJSON("/api/v1/jobs"))),
      fill("rondes", async () => runs(await runData)),
      fill("afgekeurd", async () => rejected(await runData)),
      fill("quarantaine", async () => quarantine(await getJSON("/api/v1/quarantine"))),
    ]);
    document.body.dataset.geladen = "ja";
  }

  render();
})();
