// Het Leerplein — the data steward's page (/beheer). Plain JavaScript, no libraries: it
// reads and changes the steward's resources under /api/v1 with the session cookie (a
// state change is a same-origin fetch, which the server checks by its Origin).
"use strict";

(function () {
  const datum = new Intl.DateTimeFormat("nl-NL", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
  const dag = new Intl.DateTimeFormat("nl-NL", { day: "numeric", month: "short", year: "numeric" });
  const getal = new Intl.NumberFormat("nl-NL");
  // The server names the status of a run or file in Dutch (status_nl); a token's state
  // is named here.
  const tokenState = { active: "actief", revoked: "ingetrokken", expired: "verlopen" };

  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? "" : v);
    }
    for (const k of kids.flat()) if (k !== null && k !== undefined) e.append(k);
    return e;
  };
  const when = (t) => (t ? datum.format(new Date(t)) : "–");
  const num = (n) => getal.format(n);
  const status = (s, label) => el("span", { class: "status-" + s }, label || s);
  const melding = document.getElementById("melding");

  function fout(msg) {
    melding.textContent = msg;
    melding.hidden = false;
    melding.scrollIntoView({ block: "nearest" });
  }

  // request sends a same-origin request and returns its JSON (null for an empty answer);
  // a 401 goes to the login page, another error throws with the server's message.
  async function request(method, url, body) {
    const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const res = await fetch(url, init);
    if (res.status === 401) {
      window.location.href = "/login?next=" + encodeURIComponent(window.location.pathname);
      throw new Error("niet ingelogd");
    }
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
    if (!res.ok) throw new Error((data && (data.error || data.message)) || res.statusText);
    return data;
  }
  const getJSON = (url) => request("GET", url);

  // table builds a table from column heads and rows of cells; numeric columns align right.
  function table(heads, rows, numeric, leeg) {
    if (rows.length === 0) return el("p", { class: "leeg" }, leeg || "Niets te melden.");
    const isNum = (i) => (numeric || []).includes(i);
    return el("table", { class: "lijst" },
      el("thead", {}, el("tr", {}, heads.map((h, i) => el("th", isNum(i) ? { class: "getal" } : {}, h)))),
      el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c, i) => el("td", isNum(i) ? { class: "getal" } : {}, c))))));
  }

  // button is an action button; sure asks for a second click before it acts (no modal
  // dialog: a steward sees what will happen, and a test can press it).
  function button(label, action, sure) {
    const b = el("button", { type: "button", class: "knop knop-klein" }, label);
    b.addEventListener("click", async () => {
      if (sure && b.dataset.zeker !== "ja") {
        b.dataset.zeker = "ja";
        b.textContent = sure;
        setTimeout(() => { b.dataset.zeker = ""; b.textContent = label; }, 5000);
        return;
      }
      b.disabled = true;
      try {
        await action();
      } catch (e) {
        fout(label + ": " + e.message);
      } finally {
        b.disabled = false;
      }
    });
    return b;
  }

  // ---- jobs, runs, rejected files ------------------------------------------------------

  let jobNames = [];

  function jobs(data) {
    const verouderd = document.getElementById("verouderd");
    verouderd.hidden = data.stale_feeds.length === 0;
    verouderd.textContent = "Gegevens verouderd: " + data.stale_feeds.join(", ");
    jobNames = data.jobs.map((j) => j.name);
    const select = document.getElementById("upload-taak");
    const chosen = select.value;
    select.replaceChildren(...data.jobs.map((j) => el("option", { value: j.name, title: j.inbox }, j.name)));
    if (chosen && jobNames.includes(chosen)) select.value = chosen;
    document.getElementById("upload-knop").disabled = data.jobs.length === 0;
    const taken = data.jobs.map((j) => [j.name, el("span", { title: "cron: " + j.schedule }, j.schedule_nl),
      j.running ? "bezig" : (j.last_run ? status(j.last_run.status, j.last_run.status_nl) : "–"),
      when(j.next_run), j.expect_every_nl || "–",
      button("Nu laden", async () => { const r = await request("POST", "/api/v1/jobs/" + encodeURIComponent(j.name) + "/run"); follow(r.run_id); })]);
    const bronnen = data.feeds.map((f) => [f.feed, when(f.last_loaded), f.stale ? el("span", { class: "verouderd" }, "verouderd") : "actueel"]);
    return [
      data.jobs.length ? table(["Taak", "Schema", "Laatste ronde", "Volgende ronde", "Nieuwe gegevens verwacht", ""], taken)
        : el("p", { class: "leeg" }, "Geen geplande taken ingesteld (de server draait zonder configuratiebestand): aanleveren en nu laden kan dan niet."),
      table(["Bron", "Laatst geladen", "Stand"], bronnen),
    ];
  }

  function runs(data) {
    const select = document.getElementById("q-ronde");
    const chosen = select.value;
    select.replaceChildren(el("option", { value: "" }, "Alle rondes"),
      data.runs.map((r) => el("option", { value: String(r.run_id) }, "Ronde " + r.run_id + " (" + r.job + ", " + when(r.started_at) + ")")));
    select.value = chosen;
    return table(["Ronde", "Taak", "Begonnen", "Klaar", "Status", "Bestanden", "Afgekeurd", "Nieuw", "Vervangen", "Quarantaine"],
      data.runs.map((r) => [String(r.run_id), r.job, when(r.started_at), when(r.finished_at),
        r.reason ? el("span", { title: r.reason }, status(r.status, r.status_nl)) : status(r.status, r.status_nl),
        num(r.files), num(r.files_rejected), num(r.rows_new), num(r.rows_replaced),
        r.rows_quarantined > 0 ? el("a", { href: "#kop-quarantaine", onclick: () => showQuarantine(r.run_id) }, num(r.rows_quarantined)) : num(r.rows_quarantined)]),
      [0, 5, 6, 7, 8, 9]);
  }

  async function rejected() {
    const lists = await Promise.all(jobNames.map((n) => getJSON("/api/v1/jobs/" + encodeURIComponent(n) + "/rejected")));
    const rows = [];
    for (const l of lists) {
      for (const f of l.files) {
        rows.push([l.job, f.name, f.feed || "–", when(f.rejected_at), f.reason || "–",
          f.replaced ? "vervangen, klaar om te laden" : "nog niet vervangen",
          button("Opnieuw laden", async () => {
            const r = await request("POST", "/api/v1/jobs/" + encodeURIComponent(l.job) + "/rejected/" + encodeURIComponent(f.name) + "/reload");
            follow(r.run_id);
          })]);
      }
    }
    return table(["Taak", "Bestand", "Bron", "Afgekeurd op", "Reden", "Stand", ""], rows, [], "Geen afgekeurde bestanden.");
  }

  // ---- upload and following a run ------------------------------------------------------

  const input = document.getElementById("upload-bestanden");
  const sleepvak = document.getElementById("sleepvak");
  function showChosen() {
    const names = [...input.files].map((f) => f.name + " (" + num(Math.ceil(f.size / 1024)) + " kB)");
    document.getElementById("sleepvak-tekst").textContent = names.length ? names.join(", ") : "Sleep bestanden hierheen of klik om te kiezen";
  }
  input.addEventListener("change", showChosen);
  ["dragenter", "dragover"].forEach((t) => sleepvak.addEventListener(t, (e) => { e.preventDefault(); sleepvak.classList.add("erboven"); }));
  ["dragleave", "drop"].forEach((t) => sleepvak.addEventListener(t, () => sleepvak.classList.remove("erboven")));
  sleepvak.addEventListener("drop", (e) => {
    e.preventDefault();
    input.files = e.dataTransfer.files;
    showChosen();
  });

  // upload sends the chosen files as one multipart request (XMLHttpRequest: it reports
  // the upload's progress) and resolves with the server's answer.
  function upload(job, files) {
    return new Promise((resolve, reject) => {
      const form = new FormData();
      for (const f of files) form.append("file", f, f.name);
      const xhr = new XMLHttpRequest();
      const bar = document.getElementById("upload-voortgang");
      bar.hidden = false;
      bar.value = 0;
      xhr.upload.addEventListener("progress", (e) => { if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total); });
      xhr.addEventListener("load", () => {
        bar.hidden = true;
        let data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        if (xhr.status === 401) { window.location.href = "/login?next=/beheer"; return; }
        if (xhr.status >= 200 && xhr.status < 300) resolve(data);
        else reject(new Error((data && data.error) || xhr.statusText || "upload mislukt"));
      });
      xhr.addEventListener("error", () => { bar.hidden = true; reject(new Error("de verbinding viel weg; er is niets in de inbox gezet")); });
      xhr.open("POST", "/api/v1/jobs/" + encodeURIComponent(job) + "/files");
      xhr.setRequestHeader("Accept", "application/json");
      xhr.send(form);
    });
  }

  document.getElementById("upload").addEventListener("submit", async (e) => {
    e.preventDefault();
    const files = [...input.files];
    if (files.length === 0) { fout("Kies eerst een of meer bestanden."); return; }
    const knop = document.getElementById("upload-knop");
    knop.disabled = true;
    melding.hidden = true;
    try {
      const res = await upload(document.getElementById("upload-taak").value, files);
      input.value = "";
      showChosen();
      follow(res.run_id, res.files);
    } catch (err) {
      fout("Uploaden mislukt: " + err.message);
    } finally {
      knop.disabled = false;
    }
  });

  // follow shows run id until it has finished: each file's status and rows, with a link
  // to its quarantined rows; then the other sections are read again.
  async function follow(id, names) {
    const volg = document.getElementById("volg");
    volg.dataset.ronde = String(id);
    volg.dataset.klaar = "nee";
    for (let i = 0; i < 600 && volg.dataset.ronde === String(id); i++) {
      let run;
      try {
        run = await getJSON("/api/v1/runs/" + id);
      } catch (e) {
        volg.replaceChildren(el("p", { class: "melding" }, "Ronde " + id + " kon niet worden gevolgd: " + e.message));
        return;
      }
      const done = run.status !== "running" && run.finished_at;
      volg.replaceChildren(
        el("h3", {}, "Ronde " + id + ": ", status(run.status, run.status_nl), done ? "" : " …"),
        names && names.length ? el("p", { class: "uitleg" }, "Aangeleverd: " + names.join(", ")) : null,
        table(["Bestand", "Bron", "Status", "Reden", "Gelezen", "Nieuw", "Vervangen", "Quarantaine"],
          (run.file_list || []).map((f) => [f.file_name, f.feed || "–", status(f.status, f.status_nl), f.reason || "–",
            num(f.rows_read), num(f.rows_new), num(f.rows_replaced),
            f.rows_quarantined > 0 ? el("a", { href: quarantineURL({ run: id, feed: f.feed || "" }, "xlsx"), class: "q-download" }, num(f.rows_quarantined) + (f.rows_quarantined === 1 ? " regel" : " regels") + " (Excel)") : "0"]),
          [4, 5, 6], done ? "Geen bestanden in deze ronde." : "Bezig met laden…"));
      if (done) {
        volg.dataset.klaar = "ja";
        refresh();
        return;
      }
      await new Promise((r) => setTimeout(r, 700));
    }
    if (volg.dataset.ronde === String(id) && volg.dataset.klaar !== "ja") {
      volg.append(el("p", { class: "uitleg" }, "Ronde " + id + " loopt nog; deze pagina volgt hem niet meer. Zie de laatste laadrondes hieronder (vernieuw de pagina)."));
      refresh();
    }
  }

  // ---- quarantine ----------------------------------------------------------------------

  const qSelects = { run: "q-ronde", feed: "q-bron", gemeente: "q-gemeente", reden: "q-reden" };

  function quarantineFilter() {
    const f = {};
    for (const [k, id] of Object.entries(qSelects)) f[k] = document.getElementById(id).value;
    return f;
  }

  function quarantineURL(f, format) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
    if (format) q.set("format", format);
    const s = q.toString();
    return "/api/v1/quarantine" + (s ? "?" + s : "");
  }

  function showQuarantine(run) {
    document.getElementById("q-ronde").value = String(run);
    fill("quarantaine", quarantine);
  }

  function options(id, all, values) {
    const select = document.getElementById(id);
    const chosen = select.value;
    select.replaceChildren(el("option", { value: "" }, all), values.map(([v, label]) => el("option", { value: v }, label)));
    select.value = values.some(([v]) => v === chosen) ? chosen : "";
  }

  async function quarantine() {
    const f = quarantineFilter();
    document.getElementById("q-xlsx").href = quarantineURL(f, "xlsx");
    document.getElementById("q-csv").href = quarantineURL(f, "csv");
    const data = await getJSON(quarantineURL(f, "json"));
    options("q-bron", "Alle bronnen", data.choices.feed.map((c) => [c.value, c.label]));
    options("q-gemeente", "Alle gemeenten", data.choices.gemeente.map((c) => [c.value, c.label]));
    options("q-reden", "Alle redenen", data.choices.reden.map((c) => [c.value, c.label]));
    const totaal = document.getElementById("q-totaal");
    const runs = data.runs;
    totaal.textContent = num(data.quarantined_rows) + (data.quarantined_rows === 1 ? " regel" : " regels") + " in quarantaine" +
      (data.problems !== data.quarantined_rows ? " (" + num(data.problems) + " problemen)" : "") +
      (runs.length ? ", uit " + (runs.length === 1 ? "ronde " : "rondes ") + runs.join(", ") : "") + "." +
      (data.truncated ? " Hieronder staan de eerste; de download bevat alles." : "");
    const groups = data.groups || [];
    return table(["Bron", "Kolom", "Reden", "Regels", "Voorbeelden"],
      groups.map((g) => [g.feed, g.column, g.reason, num(g.rows),
        g.examples.map((e) => e.file_name + " regel " + e.line + (e.value !== null && e.value !== undefined ? ": " + e.value : "")).join("; ")]),
      [3], "Geen regels in quarantaine" + (f.run || f.feed || f.gemeente || f.reden ? " met dit filter." : "."));
  }
  for (const id of Object.values(qSelects)) document.getElementById(id).addEventListener("change", () => fill("quarantaine", quarantine));

  // ---- people and access ---------------------------------------------------------------

  // secret shows a password or token once, with how to pass it on.
  function secret(title, value, hint) {
    const box = document.getElementById("geheim");
    const code = el("code", { id: "geheim-waarde" }, value);
    box.replaceChildren(el("strong", {}, title), el("p", {}, "Alleen nu zichtbaar: de server bewaart het niet leesbaar. " + hint), code,
      el("span", { class: "acties" },
        button("Kopiëren", async () => { await navigator.clipboard.writeText(value); }),
        button("Verbergen", async () => { box.hidden = true; box.replaceChildren(); })));
    box.hidden = false;
    box.scrollIntoView({ block: "nearest" });
  }

  function users(data) {
    const roles = ["bestuur", "analist", "beheer"];
    return table(["Naam", "Rol", "Stand", "Sinds", ""],
      data.users.map((u) => {
        const rol = el("select", { "aria-label": "Rol van " + u.name }, roles.map((r) => el("option", { value: r }, r)));
        rol.value = u.role;
        rol.addEventListener("change", async () => {
          try {
            await request("PATCH", "/api/v1/users/" + encodeURIComponent(u.name), { role: rol.value });
            fill("gebruikers", async () => users(await getJSON("/api/v1/users")));
          } catch (e) {
            rol.value = u.role;
            fout("Rol wijzigen: " + e.message);
          }
        });
        const path = "/api/v1/users/" + encodeURIComponent(u.name);
        const again = () => fill("gebruikers", async () => users(await getJSON("/api/v1/users")));
        return [u.name, rol, u.disabled ? status("failed", "uitgeschakeld") : status("ok", "actief"), when(u.created_at),
          el("span", { class: "acties" },
            button(u.disabled ? "Inschakelen" : "Uitschakelen", async () => { await request("PATCH", path, { disabled: !u.disabled }); await again(); }),
            button("Nieuw wachtwoord", async () => {
              const r = await request("PATCH", path, { generate_password: true });
              secret("Nieuw wachtwoord voor " + u.name, r.password, "Geef het persoonlijk door; bestaande sessies van " + u.name + " zijn beëindigd.");
            }, "Zeker? Klik nogmaals"),
            button("Verwijderen", async () => { await request("DELETE", path); await again(); }, "Zeker? Klik nogmaals"))];
      }), [], "Nog geen gebruikers.");
  }

  function tokens(data) {
    const again = () => fill("tokens", async () => tokens(await getJSON("/api/v1/tokens")));
    return table(["Naam", "Rol", "Stand", "Gemaakt", "Verloopt", "Laatst gebruikt", ""],
      data.tokens.map((t) => [t.name, t.role, status(t.state === "active" ? "ok" : "failed", tokenState[t.state] || t.state),
        when(t.created_at), t.expires_at ? dag.format(new Date(t.expires_at)) : "nooit", when(t.last_used_at),
        t.state === "active" ? button("Intrekken", async () => { await request("DELETE", "/api/v1/tokens/" + t.id); await again(); }, "Zeker? Klik nogmaals") : ""]),
      [], "Nog geen tokens.");
  }

  const verloopt = document.getElementById("t-verloopt");
  const inAYear = new Date(Date.now() + 365 * 864e5);
  verloopt.value = inAYear.toISOString().slice(0, 10);
  verloopt.min = new Date(Date.now() + 864e5).toISOString().slice(0, 10);

  document.getElementById("nieuwe-gebruiker").addEventListener("submit", async (e) => {
    e.preventDefault();
    const naam = document.getElementById("g-naam"), ww = document.getElementById("g-wachtwoord");
    const body = { name: naam.value.trim(), role: document.getElementById("g-rol").value };
    if (ww.value) body.password = ww.value;
    try {
      const r = await request("POST", "/api/v1/users", body);
      naam.value = ""; ww.value = "";
      if (r.password) secret("Wachtwoord voor " + r.user.name, r.password, "Geef het persoonlijk door.");
      await fill("gebruikers", async () => users(await getJSON("/api/v1/users")));
    } catch (err) {
      fout("Gebruiker toevoegen: " + err.message);
    }
  });

  document.getElementById("nieuw-token").addEventListener("submit", async (e) => {
    e.preventDefault();
    const naam = document.getElementById("t-naam");
    try {
      const r = await request("POST", "/api/v1/tokens", { name: naam.value.trim(), role: document.getElementById("t-rol").value, expires: verloopt.value });
      naam.value = "";
      secret("Token " + r.name + " (" + r.role + ")", r.token, "Zet het in het programma dat het gebruikt (Authorization: Bearer …).");
      await fill("tokens", async () => tokens(await getJSON("/api/v1/tokens")));
    } catch (err) {
      fout("Token maken: " + err.message);
    }
  });

  // ---- page ----------------------------------------------------------------------------

  async function fill(id, work) {
    const target = document.getElementById(id);
    target.setAttribute("aria-busy", "true");
    try {
      const kids = await work();
      target.replaceChildren(...[].concat(kids));
    } catch (e) {
      fout("Niet alles kon worden geladen: " + e.message);
    } finally {
      target.setAttribute("aria-busy", "false");
    }
  }

  async function refresh() {
    const runData = getJSON("/api/v1/runs?limit=20");
    await fill("taken", async () => jobs(await getJSON("/api/v1/jobs")));
    await Promise.all([
      fill("rondes", async () => runs(await runData)),
      fill("afgekeurd", rejected),
      fill("quarantaine", quarantine),
      fill("gebruikers", async () => users(await getJSON("/api/v1/users"))),
      fill("tokens", async () => tokens(await getJSON("/api/v1/tokens"))),
    ]);
    document.body.dataset.geladen = "ja";
  }

  refresh();
})();
