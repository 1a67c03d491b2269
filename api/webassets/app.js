// Het Leerplein — built-in dashboard. Plain JavaScript, no libraries: it fetches the
// KPI API with the session cookie and draws tiles and SVG charts.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const telFormat = new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 0 });
  const pctFormat = new Intl.NumberFormat("nl-NL", { minimumFractionDigits: 1, maximumFractionDigits: 2 }); // as exact as the figure: 0,51% must not read as a target of 0,5%
  const asFormat = new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 2 });
  const datumFormat = new Intl.DateTimeFormat("nl-NL", { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" });

  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else e.setAttribute(k, v);
    }
    for (const k of kids.flat()) if (k !== null && k !== undefined) e.append(k);
    return e;
  };
  const svg = (tag, attrs, text) => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };

  const dagFormat = new Intl.DateTimeFormat("nl-NL", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

  // fmt formats a value of a KPI in Dutch: 1.498 or 87,5%.
  function fmt(kpi, v) {
    if (v === null || v === undefined) return "–";
    return kpi.unit === "percent" ? pctFormat.format(v) + "%" : telFormat.format(v);
  }
  function shortYear(y) { return y.slice(2, 4) + "-" + y.slice(7, 9); } // 2018-2019 → 18-19
  function dag(iso) { return iso ? dagFormat.format(new Date(iso + "T00:00:00Z")) : ""; }
  const dagKortFormat = new Intl.DateTimeFormat("nl-NL", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  function dagKort(iso) { return iso ? dagKortFormat.format(new Date(iso + "T00:00:00Z")) : ""; }

  // status of a point: "op-koers", "niet-op-koers" or "" (not judged: no target, no
  // value, or a year still in progress).
  function status(p) {
    if (!p || p.on_track === null || p.on_track === undefined) return "";
    return p.on_track ? "op-koers" : "niet-op-koers";
  }
  const statusText = { "op-koers": "✓ Op koers", "niet-op-koers": "✗ Niet op koers", "": "Geen oordeel" };

  // A figure is a value (a 0 included) or one of these: never shown as a number.
  const hiddenTitle = "niet getoond om privacyredenen: een klein aantal, of een aantal waaruit een klein aantal terug te rekenen zou zijn";
  const statusInfo = {
    geen_gegevens: { kort: "geen gegevens", lang: "Geen gegevens: de aangeleverde bestanden dekken dit schooljaar niet. Dit is geen 0." },
    niet_van_toepassing: { kort: "n.v.t.", lang: "Niet van toepassing: dit cijfer telt het bureau hier niet." },
    onderdrukt: { kort: "te weinig om te tonen", lang: "Te weinig om te tonen: " + hiddenTitle + "." },
  };

  // isFigure: the point shows a number (a value) or is a hidden one (suppressed).
  function isFigure(p) { return p && (p.status === null || p.status === "onderdrukt"); }

  // reason says why a point is not a value, for the hover text and the printed note:
  // for n.v.t. the series' coverage note names the gemeenten and why.
  function reason(series, p) {
    const info = statusInfo[p.status];
    if (!info) return "";
    const why = coverageFor(series, p.school_year);
    if (p.status === "niet_van_toepassing" && why.length) return info.kort + ": " + why.map((c) => c.nl).join(" ");
    return info.lang;
  }

  // coverageFor are the sentences of the series' coverage note that hold in a school
  // year (which gemeenten it leaves out, and why); reasons limits them.
  function coverageFor(series, year, reasons) {
    if (!series.coverage) return [];
    return series.coverage.sentences.filter((c) => c.van <= year && year <= c.tot && (!reasons || reasons.includes(c.reason)));
  }

  // yearText is "Schooljaar 2024-2025", with "t/m <datum>" for a year in progress.
  function yearText(p) {
    let t = "Schooljaar " + p.school_year;
    if (p.lopend) t += p.through ? ", t/m " + dag(p.through) + " (loopt nog)" : " (loopt nog)";
    return t;
  }

  // doelLabel is a target as it is judged: a count is a whole number, so "≤ 30,6" is
  // "≤ 30" (never rounded up to 31, which the status would contradict); a percentage
  // keeps its decimals.
  function doelLabel(kpi, target) {
    const atLeast = kpi.target_rule.kind === "min_pct";
    const cmp = atLeast ? "≥ " : "≤ ";
    const extra = kpi.target_rule.kind === "national" ? " (landelijk)" : "";
    if (kpi.unit === "percent") return cmp + asFormat.format(target) + "%" + extra;
    const n = atLeast ? Math.ceil(target - 1e-9) : Math.floor(target + 1e-9);
    return cmp + telFormat.format(n) + extra;
  }

  function targetText(kpi, p) {
    const rule = kpi.target_rule;
    if (!p || p.target === null || p.target === undefined) {
      if (p && p.target_suppressed) return "Doel: niet getoond (het zou de nulmeting prijsgeven)";
      if (p && p.status === "niet_van_toepassing") return "Doel: n.v.t.";
      return "Doel: " + rule.text_nl;
    }
    return "Doel: " + doelLabel(kpi, p.target);
  }

  // judgement is the tile's verdict: on track or not, or why there is none.
  function judgement(p) {
    const st = status(p);
    if (st) return statusText[st];
    if (!p) return "Geen oordeel";
    if (p.lopend && isFigure(p)) return "Geen oordeel: het schooljaar loopt nog";
    return "Geen oordeel";
  }

  // ---- data -------------------------------------------------------------------------

  async function getJSON(url) {
    const res = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (res.status === 401) {
      window.location.href = "/login?next=" + encodeURIComponent(window.location.pathname + window.location.search);
      throw new Error("niet ingelogd");
    }
    if (!res.ok) {
      let msg = res.statusText;
      try { msg = (await res.json()).error || msg; } catch (e) { /* not JSON */ }
      throw new Error(msg);
    }
    return res.json();
  }

  // filterParams is the query of one KPI: its area, and for a gemeente that existed for
  // part of the period only, the school years of its own existence.
  function filterParams(kpi, filter) {
    const q = new URLSearchParams();
    if (filter.gemeente && kpi.filters.includes("gemeente")) q.set("gemeente", filter.gemeente);
    else if (filter.subregio && kpi.filters.includes("subregio")) q.set("subregio", filter.subregio);
    if (filter.van) q.set("van", filter.van);
    if (filter.tot) q.set("tot", filter.tot);
    const s = q.toString();
    return s ? "?" + s : "";
  }

  // areaQuery carries the dashboard's area to a KPI's page.
  function areaQuery(filter) {
    const q = new URLSearchParams();
    if (filter.subregio) q.set("subregio", filter.subregio);
    if (filter.gemeente) q.set("gemeente", filter.gemeente);
    const s = q.toString();
    return s ? "?" + s : "";
  }

  // ---- tiles --------------------------------------------------------------------------

  // regional is set when a filter is chosen that the KPI does not support (DUO figures).
  function regionalNote(kpi, filter) {
    const active = filter.gemeente || filter.subregio;
    return active && !kpi.filters.includes(filter.gemeente ? "gemeente" : "subregio")
      ? el("p", { class: "regionaal" }, "Regionaal cijfer: het filter geldt hier niet.") : null;
  }

  // statusNode shows a figure that is not a value: its words, the reason on hover/tap.
  function statusNode(series, p, cls) {
    return el("span", { class: cls + " status-" + p.status, title: reason(series, p), tabindex: "0" }, statusInfo[p.status].kort);
  }

  // tile shows the latest figure of the range (naming its school year); later years
  // without a figure are listed with their status, never carried over or shown as 0.
  function tile(kpi, series, filter) {
    const pts = series.points;
    let i = pts.length - 1;
    while (i >= 0 && !isFigure(pts[i])) i--;
    const p = i >= 0 ? pts[i] : pts[pts.length - 1] || null;
    const st = status(p);
    let value = "–";
    if (p && p.status) value = statusNode(series, p, "tegel-status");
    else if (p) value = fmt(kpi, p.value);
    const base = series.baseline;
    const later = i >= 0 ? pts.slice(i + 1) : [];
    const t = el("article", { class: "tegel " + st + (p && p.status ? " geen-waarde" : ""), "data-kpi": kpi.id },
      el("h3", null, el("a", { href: "/kpi/" + encodeURIComponent(kpi.id) + areaQuery(filter), class: "tegel-link" }, kpi.title_nl)),
      el("p", { class: "tegel-jaar" }, p ? yearText(p) : "Nog geen gegevens"),
      el("p", { class: "tegel-waarde" }, value),
      el("p", { class: "tegel-doel" }, targetText(kpi, p)),
      el("span", { class: "status" }, judgement(p)),
      base ? el("p", { class: "tegel-nulmeting" }, "Nulmeting " + base.school_year + ": " +
        (base.status ? statusInfo[base.status].kort : fmt(kpi, base.value))) : null,
      later.length ? el("p", { class: "tegel-later" }, later.map((q) => q.school_year + ": " + statusInfo[q.status].kort).join("; ")) : null,
      p && p.status && p.status !== "onderdrukt" ? el("p", { class: "toelichting" }, reason(series, p)) : null,
      // A value over a mixed area says what it covers (IJmond: only the 18+ reports).
      p && !p.status ? coverageFor(series, p.school_year, ["leerplicht_lokaal"]).map((c) => el("p", { class: "toelichting" }, c.nl)) : null,
      regionalNote(kpi, filter),
    );
    t.append(sparkline(series));
    return t;
  }

  function sparkline(series) {
    const w = 240, h = 48, pad = 4;
    const s = svg("svg", { class: "sparkline", viewBox: `0 0 ${w} ${h}`, preserveAspectRatio: "none", "aria-hidden": "true" });
    const vals = series.points.flatMap((p) => [p.value, p.target]).filter((v) => v !== null && v !== undefined);
    if (vals.length === 0) return s;
    const max = Math.max(...vals), min = Math.min(0, ...vals);
    const n = series.points.length;
    const x = (i) => pad + (n === 1 ? 0 : (i * (w - 2 * pad)) / (n - 1));
    const y = (v) => h - pad - ((v - min) / (max - min || 1)) * (h - 2 * pad);
    s.append(svg("path", { class: "doel-lijn", d: pathOf(series.points.map((p) => p.target), x, y), "vector-effect": "non-scaling-stroke" }));
    s.append(svg("path", { class: "reeks", d: pathOf(series.points.map((p) => p.value), x, y), "vector-effect": "non-scaling-stroke" }));
    return s;
  }

  // pathOf draws a line through the non-null values, broken where a value is missing.
  function pathOf(values, x, y) {
    let d = "", pen = false;
    values.forEach((v, i) => {
      if (v === null || v === undefined) { pen = false; return; }
      d += (pen ? "L" : "M") + x(i).toFixed(1) + " " + y(v).toFixed(1) + " ";
      pen = true;
    });
    return d.trim();
  }

  // ---- charts -------------------------------------------------------------------------

  // niceStep is a round step (1, 2, 2.5 or 5 times a power of ten) that divides
  // 0 … max into at most four parts.
  function niceStep(max) {
    if (max <= 0) return 1;
    const raw = max / 4;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw) return m * mag;
    return 10 * mag;
  }

  // A phone draws the chart in fewer units, so its words stay readable when the chart
  // is scaled to the screen; every other year is labelled when they would crowd.
  const smal = window.matchMedia("(max-width: 520px)");

  function chart(kpi, series, filter) {
    const narrow = smal.matches;
    const W = narrow ? 360 : 640, H = narrow ? 250 : 290, L = narrow ? 46 : 70, R = narrow ? 24 : 38, T = 28, B = 44;
    const pts = series.points;
    const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": kpi.title_nl + " per schooljaar" });
    const vals = pts.flatMap((p) => [p.value, p.target]).filter((v) => v !== null && v !== undefined);
    const max = Math.max(0, ...vals);
    const step = kpi.unit === "percent" && max > 50 ? 25 : niceStep(max * 1.05);
    let top = step * Math.max(1, Math.ceil((max * 1.05) / step));
    if (kpi.unit === "percent" && max <= 100 && top > 100) top = 100;
    const n = pts.length;
    const x = (i) => L + (n === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (n - 1));
    const y = (v) => T + (1 - v / top) * (H - T - B);

    for (let v = 0; v <= top + step / 2; v += step) {
      s.append(svg("line", { class: "as-lijn", x1: L, x2: W - R, y1: y(v), y2: y(v) }));
      s.append(svg("text", { class: "as", x: L - 8, y: y(v) + 4, "text-anchor": "end" }, asFormat.format(v) + (kpi.unit === "percent" ? "%" : "")));
    }
    const every = narrow && n > 6 ? 2 : 1;
    pts.forEach((p, i) => {
      if ((n - 1 - i) % every !== 0 && !p.lopend) return;
      const label = svg("text", { class: "as", x: x(i), y: H - B + 20, "text-anchor": "middle" }, shortYear(p.school_year));
      if (p.lopend) label.append(svg("tspan", { x: Math.min(x(i) + 16, W - 2), dy: 16, class: "as-lopend", "text-anchor": "end" }, p.through ? "t/m " + p.through.slice(8, 10) + "-" + p.through.slice(5, 7) : "loopt"));
      s.append(label);
    });
    if (series.baseline) {
      const bi = pts.findIndex((p) => p.school_year === series.baseline.school_year);
      if (bi >= 0) {
        s.append(svg("line", { class: "as-lijn", x1: x(bi), x2: x(bi), y1: T, y2: H - B, "stroke-dasharray": "2 4" }));
        // Past the middle the word stands left of the line, so it is never cut off at the edge.
        const links = x(bi) > (L + W - R) / 2;
        s.append(svg("text", { class: "as", x: x(bi) + (links ? -4 : 4), y: T - 8, "text-anchor": links ? "end" : "start" }, "nulmeting"));
      }
    }
    // A series break (series_breaks, from mart.leeftijdsregels): the first school year
    // counted under a changed rule gets a dashed mark, its note is said below the chart.
    const breaks = (series.series_breaks || []).filter((b) => pts.some((p) => p.school_year === b.school_year));
    breaks.forEach((b) => {
      const bi = pts.findIndex((p) => p.school_year === b.school_year);
      s.append(svg("line", { class: "as-lijn reeksbreuk", x1: x(bi), x2: x(bi), y1: T, y2: H - B, "stroke-dasharray": "6 4" }));
      const links = x(bi) > (L + W - R) / 2;
      s.append(svg("text", { class: "as reeksbreuk", x: x(bi) + (links ? -4 : 4), y: T + 12, "text-anchor": links ? "end" : "start" }, "nieuwe telling"));
    });
    // A year without a figure is a grey column with its status in words: the line is
    // broken there, and nothing is drawn as 0.
    // The words run up the column, so they fit however many years the chart shows.
    const colW = n === 1 ? 60 : Math.min(60, (W - L - R) / (n - 1) - 4);
    const columns = [];
    pts.forEach((p, i) => {
      if (!p.status) return;
      const g = svg("g", { class: "geen-waarde status-" + p.status, tabindex: "0" });
      g.append(svg("title", {}, p.school_year + ": " + reason(series, p)));
      g.append(svg("rect", { class: "kolom-geen-waarde", x: x(i) - colW / 2, y: T, width: colW, height: H - T - B }));
      const tx = x(i) + 4, ty = H - B - 8;
      g.append(svg("text", { class: "label-geen-waarde", x: tx, y: ty, transform: `rotate(-90 ${tx} ${ty})` }, statusInfo[p.status].kort));
      columns.push(g);
    });
    s.prepend(...columns);
    s.append(svg("path", { class: "doel-lijn", d: pathOf(pts.map((p) => p.target), x, y) }));
    s.append(svg("path", { class: "reeks", d: pathOf(pts.map((p) => p.value), x, y) }));
    let lastLabelled = -1;
    pts.forEach((p, i) => { if (p.value !== null) lastLabelled = i; });
    pts.forEach((p, i) => {
      if (p.value === null) return;
      const st = status(p);
      const dot = svg("circle", { class: "reeks-punt" + (st === "op-koers" ? " goed" : st === "niet-op-koers" ? " fout" : "") + (p.lopend ? " lopend" : ""), cx: x(i), cy: y(p.value), r: 5.5 });
      dot.append(svg("title", {}, yearText(p) + ": " + fmt(kpi, p.value) +
        (p.target !== null ? " (doel " + doelLabel(kpi, p.target) + (p.lopend ? "; nog niet beoordeeld" : "") + ")" : "")));
      s.append(dot);
      if (i === lastLabelled || (series.baseline && p.school_year === series.baseline.school_year)) {
        s.append(svg("text", { class: "label", x: x(i), y: y(p.value) - 12, "text-anchor": i === n - 1 ? "end" : "middle" }, fmt(kpi, p.value)));
      }
    });
    const hasTarget = kpi.target_rule.kind !== "none";
    const missing = pts.filter((p) => p.status && p.status !== "onderdrukt");
    return el("figure", { class: "grafiek", "data-kpi": kpi.id },
      el("figcaption", null, kpi.title_nl, el("span", { class: "doeltekst" }, kpi.target_rule.text_nl), regionalNote(kpi, filter)),
      s,
      el("div", { class: "legenda" }, el("span", { class: "l-waarde" }, "Waarde"), hasTarget ? el("span", { class: "l-doel" }, "Doel") : null),
      series.coverage ? el("p", { class: "toelichting" }, series.coverage.note_nl) : null,
      ...breaks.map((b) => el("p", { class: "toelichting reeksbreuk" }, "Reeksbreuk vanaf " + b.school_year + ": " + b.note_nl)),
      missing.some((p) => p.status === "geen_gegevens") ? el("p", { class: "toelichting" },
        "Geen gegevens voor " + missing.filter((p) => p.status === "geen_gegevens").map((p) => p.school_year).join(", ") + ": de aangeleverde bestanden dekken die schooljaren niet (geen 0).") : null,
    );
  }

  // ---- the annual report (/jaarverslag) ------------------------------------------------

  // verslag draws the report page's charts: every KPI for the whole region up to the
  // report's school year, as the KPI API gives them to the caller's role (bestuur sees
  // suppressed figures as on the dashboard). The tables are on the page already.
  async function verslag() {
    const knop = document.getElementById("afdrukken");
    if (knop) knop.addEventListener("click", () => window.print());
    const keuze = document.getElementById("schooljaar");
    if (keuze) keuze.addEventListener("change", () => keuze.form.submit());
    const grafieken = document.getElementById("grafieken");
    const sj = document.body.dataset.schooljaar;
    if (!grafieken || !sj) return;
    const melding = document.getElementById("melding");
    try {
      const cat = await getJSON("/api/v1/kpis");
      // A KPI without figures up to this year is left out, not the whole page.
      const all = await Promise.all(cat.kpis.map((k) => getJSON("/api/v1/kpis/" + encodeURIComponent(k.id) + "?tot=" + encodeURIComponent(sj))
        .then((s) => [k, s], () => null)));
      const shown = all.filter((ks) => ks && ks[1].points.length > 0);
      grafieken.replaceChildren(...shown.map(([k, s]) => chart(k, s, {})));
      if (shown.length === 0) {
        melding.textContent = "Er zijn geen kerncijfers tot en met schooljaar " + sj + ".";
        melding.hidden = false;
      }
    } catch (e) {
      melding.textContent = "De grafieken konden niet worden geladen: " + e.message;
      melding.hidden = false;
    } finally {
      grafieken.setAttribute("aria-busy", "false");
      document.body.dataset.geladen = "ja";
    }
  }

  if (document.body.dataset.pagina === "jaarverslag") {
    verslag();
    return;
  }

  // ---- page ---------------------------------------------------------------------------

  const selSub = document.getElementById("filter-subregio");
  const selGem = document.getElementById("filter-gemeente");
  const melding = document.getElementById("melding");

  function currentFilter() {
    const o = selGem.selectedOptions[0];
    return { subregio: selSub.value, gemeente: selGem.value, van: (o && o.dataset.van) || "", tot: (o && o.dataset.tot) || "" };
  }

  function filterLabel(f) {
    if (f.gemeente) return "Gemeente " + selGem.selectedOptions[0].textContent;
    if (f.subregio) return "Subregio " + selSub.selectedOptions[0].textContent;
    return "Hele regio";
  }

  // Only the gemeenten of the chosen sub-region are offered.
  function syncGemeenten() {
    for (const o of selGem.options) {
      o.hidden = !!(o.value && selSub.value && o.dataset.subregio !== selSub.value);
    }
    if (selGem.selectedOptions[0] && selGem.selectedOptions[0].hidden) selGem.value = "";
  }

  // periodText is what the figures cover: the school years of the series, and how far a
  // year in progress goes. It is not the load time (that is "Laatst geladen").
  function periodText(list) {
    const pts = list.flatMap((s) => s.points);
    if (pts.length === 0) return "nog geen gegevens";
    const years = pts.map((p) => p.school_year).sort();
    const first = years[0], last = years[years.length - 1];
    let t = first === last ? "schooljaar " + first : "schooljaren " + first + " t/m " + last;
    const through = pts.filter((p) => p.lopend && p.through).map((p) => p.through).sort().pop();
    if (through) t += " (" + last + " t/m " + dag(through) + ")";
    return t;
  }

  // drawn is what the charts show now, so that turning a phone redraws them without
  // asking the server again.
  let drawn = null;

  function redrawCharts() {
    if (drawn) document.getElementById("grafieken").replaceChildren(...drawn.all.map(([k, s]) => chart(k, s, drawn.f)));
  }

  async function render() {
    const f = currentFilter();
    const q = new URLSearchParams();
    if (f.subregio) q.set("subregio", f.subregio);
    if (f.gemeente) q.set("gemeente", f.gemeente);
    history.replaceState(null, "", q.toString() ? "?" + q : window.location.pathname);
    document.getElementById("filter-print").textContent = filterLabel(f);
    const tegels = document.getElementById("tegels");
    const grafieken = document.getElementById("grafieken");
    tegels.setAttribute("aria-busy", "true");
    melding.hidden = true;
    try {
      const cat = await getJSON("/api/v1/kpis");
      const asOf = document.getElementById("data-as-of");
      asOf.textContent = cat.data_as_of ? datumFormat.format(new Date(cat.data_as_of)) : "nog niet geladen";
      const all = await Promise.all(cat.kpis.map((k) => getJSON("/api/v1/kpis/" + encodeURIComponent(k.id) + filterParams(k, f)).then((s) => [k, s])));
      document.getElementById("periode").textContent = periodText(all.map(([, s]) => s));
      tegels.replaceChildren(...all.filter(([k]) => k.target_rule.kind !== "none").map(([k, s]) => tile(k, s, f)));
      grafieken.replaceChildren(...all.map(([k, s]) => chart(k, s, f)));
      drawn = { all, f };
      // A KPI whose feed has not loaded within its expected period says so (stale_feeds).
      const verouderd = document.getElementById("verouderd");
      const stale = [...new Set(all.flatMap(([, s]) => s.stale_feeds || []))].sort();
      verouderd.textContent = stale.length ? "Gegevens verouderd: " + stale.join(", ") : "";
      verouderd.hidden = stale.length === 0;
      document.body.dataset.geladen = "ja";
    } catch (e) {
      melding.textContent = "De cijfers konden niet worden geladen: " + e.message;
      melding.hidden = false;
    } finally {
      tegels.setAttribute("aria-busy", "false");
    }
  }


  // ---- a KPI's page (/kpi/{id}) --------------------------------------------------------

  const maandNamen = ["aug", "sep", "okt", "nov", "dec", "jan", "feb", "mrt", "apr", "mei", "jun", "jul"];

  // figureText is a point as words: its value, or its status, never a 0 for "no data".
  function figureText(kpi, p) {
    if (!p) return "–";
    if (p.status) return statusInfo[p.status] ? statusInfo[p.status].kort : p.status;
    return fmt(kpi, p.value);
  }

  // inProgress shows the school year in progress to date beside the same period of
  // earlier years, and the forecast of the whole year with its band and the chance of
  // meeting the target.
  function inProgress(kpi, series, ip) {
    const kids = [];
    const v = ip.status ? (statusInfo[ip.status] || { kort: ip.status }).kort : fmt(kpi, ip.value);
    kids.push(el("p", { class: "lopend-stand" }, "Schooljaar " + ip.school_year + ", van 1 augustus t/m " + dag(ip.through) + ": ",
      el("strong", null, v)));
    const same = (ip.same_period || []).map((sp) => el("li", null, "Zelfde periode in " + sp.school_year + ": ",
      el("strong", null, sp.status ? (statusInfo[sp.status] || { kort: sp.status }).kort : fmt(kpi, sp.value))));
    if (same.length) kids.push(el("ul", { class: "lopend-vergelijk" }, same));
    if (ip.note_nl) kids.push(el("p", { class: "toelichting" }, ip.note_nl));
    const fc = ip.forecast;
    if (fc && fc.value !== null && fc.value !== undefined) {
      const pct = Math.round((fc.interval || 0.8) * 100);
      kids.push(el("p", { class: "verwachting" }, "Verwachting voor het hele schooljaar: ", el("strong", null, fmt(kpi, fc.value)),
        " (" + pct + "% kans dat het tussen " + fmt(kpi, fc.low) + " en " + fmt(kpi, fc.high) + " uitkomt)" +
        (fc.p_target_met !== null && fc.p_target_met !== undefined ? "; kans dat het doel gehaald wordt: " + Math.round(fc.p_target_met * 100) + "%." : ".")));
      if (fc.method_nl) kids.push(el("p", { class: "toelichting" }, fc.method_nl));
      const target = (series.points.find((p) => p.school_year === ip.school_year) || {}).target;
      kids.push(forecastBand(kpi, ip, fc, target));
    } else if (fc && fc.reason_nl) {
      kids.push(el("p", { class: "toelichting" }, "Geen verwachting: " + fc.reason_nl));
    } else if (fc && fc.status) {
      kids.push(el("p", { class: "toelichting" }, "Verwachting: " + (statusInfo[fc.status] || { kort: fc.status }).kort + "."));
    } else if (!fc && kpi.unit === "percent") {
      kids.push(el("p", { class: "toelichting" }, "Voor een percentage maakt het warehouse geen verwachting: de stand tot nu toe is de beste schatting."));
    }
    return kids;
  }

  // forecastBand draws the year to date, the forecast's band and the target on one axis.
  function forecastBand(kpi, ip, fc, target) {
    const W = 640, H = 92, L = 12, R = 12;
    const values = [fc.high, fc.value, target, ip.value].filter((v) => typeof v === "number");
    const top = Math.max(1, ...values) * 1.08;
    const x = (v) => L + (v / top) * (W - L - R);
    const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "verwachting-band", role: "img",
      "aria-label": "Stand tot nu toe " + fmt(kpi, ip.value) + ", verwachting " + fmt(kpi, fc.value) + ", tussen " + fmt(kpi, fc.low) + " en " + fmt(kpi, fc.high) });
    s.append(svg("rect", { class: "band-as", x: L, y: 40, width: W - L - R, height: 14 }));
    if (typeof ip.value === "number") s.append(svg("rect", { class: "band-stand", x: L, y: 40, width: Math.max(0, x(ip.value) - L), height: 14 }));
    s.append(svg("rect", { class: "band-interval", x: x(fc.low), y: 32, width: Math.max(2, x(fc.high) - x(fc.low)), height: 30 }));
    s.append(svg("line", { class: "band-verwachting", x1: x(fc.value), x2: x(fc.value), y1: 26, y2: 68 }));
    s.append(svg("text", { class: "as", x: x(fc.value), y: 20, "text-anchor": "middle" }, "verwachting " + fmt(kpi, fc.value)));
    if (typeof target === "number") {
      s.append(svg("line", { class: "doel-lijn", x1: x(target), x2: x(target), y1: 26, y2: 72 }));
      s.append(svg("text", { class: "as", x: x(target), y: 88, "text-anchor": "middle" }, "doel " + doelLabel(kpi, target)));
    }
    return s;
  }

  // monthsChart draws the months of the last school years, one line each; a month
  // with a part hidden or without data is a gap, never a 0.
  const soortNamen = { "": "alle soorten samen", relatief: "relatief verzuim", luxe: "luxe verzuim", absoluut: "absoluut verzuim" };

  // months shows the months chart with a choice of verzuimsoort: relatief first, the
  // bulk of the reports; "alle soorten samen" has a gap wherever a part is hidden (a
  // total beside its shown parts would give the hidden one away).
  function months(kpi, points, years, soort, ip) {
    const kies = el("select", { id: "maand-soort", "aria-label": "Soort verzuim" },
      Object.entries(soortNamen).map(([v, label]) => el("option", { value: v }, label)));
    kies.value = soort;
    kies.addEventListener("change", () => document.getElementById("maanden").replaceChildren(...months(kpi, points, years, kies.value, ip)));
    return [el("label", { class: "maand-kies" }, "Soort: ", kies),
      monthsChart(kpi, soort ? points.filter((p) => p.verzuimsoort === soort) : points, years, partialMonth(ip))];
  }

  // partialMonth is the month of the year in progress that its last counted day falls
  // in, when that day does not end the month: its figure counts part of a month, and
  // drawn like the others it would read as a fall. Null when every month is whole.
  function partialMonth(ip) {
    if (!ip || !ip.through) return null;
    const d = new Date(ip.through + "T00:00:00Z");
    if (isNaN(d)) return null;
    const next = new Date(d.getTime() + 86400000);
    if (next.getUTCMonth() !== d.getUTCMonth()) return null;
    return { year: ip.school_year, m: (d.getUTCMonth() + 5) % 12, through: ip.through };
  }

  function monthsChart(kpi, points, years, partial) {
    const W = smal.matches ? 360 : 640, H = 240, L = 46, R = 16, T = 16, B = 40;
    const byYear = new Map(years.map((y) => [y, new Array(12).fill(undefined)]));
    for (const p of points) {
      const row = byYear.get(p.school_year);
      if (!row) continue;
      const m = (Number(p.month.slice(5, 7)) + 4) % 12; // aug = 0
      const isValue = !p.status && !p.suppressed && p.value !== null;
      if (row[m] === undefined) row[m] = isValue ? p.value : null;
      else if (row[m] !== null) row[m] = isValue ? row[m] + p.value : null;
    }
    const all = [...byYear.values()].flat().filter((v) => typeof v === "number");
    const top = niceStep(Math.max(1, ...all) * 1.05) * Math.max(1, Math.ceil((Math.max(1, ...all) * 1.05) / niceStep(Math.max(1, ...all) * 1.05)));
    const x = (i) => L + (i * (W - L - R)) / 11;
    const y = (v) => T + (1 - v / top) * (H - T - B);
    const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": kpi.title_nl + " per maand" });
    const step = niceStep(top);
    for (let v = 0; v <= top + step / 2; v += step) {
      s.append(svg("line", { class: "as-lijn", x1: L, x2: W - R, y1: y(v), y2: y(v) }));
      s.append(svg("text", { class: "as", x: L - 6, y: y(v) + 4, "text-anchor": "end" }, asFormat.format(v)));
    }
    maandNamen.forEach((m, i) => {
      if (smal.matches && i % 2) return;
      s.append(svg("text", { class: "as", x: x(i), y: H - B + 20, "text-anchor": "middle" }, m));
    });
    const legend = [];
    const notes = [el("p", { class: "toelichting" }, "Een onderbreking in een lijn: een maand zonder gegevens of met een verborgen klein aantal; geen 0.")];
    years.forEach((yr, k) => {
      const cls = "maand-lijn maand-" + (years.length - 1 - k);
      const values = byYear.get(yr).map((v) => (typeof v === "number" ? v : null));
      const part = partial && partial.year === yr && typeof values[partial.m] === "number" ? partial : null;
      const whole = part ? values.map((v, i) => (i === part.m ? null : v)) : values;
      s.append(svg("path", { class: cls, d: pathOf(whole, x, y) }));
      if (part) {
        // The month still running: a dotted step to an open point, labelled with its last day.
        const v = values[part.m];
        if (typeof values[part.m - 1] === "number") {
          s.append(svg("path", { class: cls + " maand-deel", d: pathOf(values.map((w, i) => (i >= part.m - 1 && i <= part.m ? w : null)), x, y) }));
        }
        s.append(svg("circle", { class: "maand-deel-punt", cx: x(part.m), cy: y(v), r: 4.5 }));
        s.append(svg("text", { class: "as maand-deel-label", x: x(part.m) + (part.m >= 9 ? -8 : 8), y: y(v) - 8,
          "text-anchor": part.m >= 9 ? "end" : "start" }, "t/m " + Number(part.through.slice(8, 10)) + " " + maandNamen[part.m]));
        notes.push(el("p", { class: "toelichting maand-deel-uitleg" }, "De maand die nog loopt (open punt) telt t/m " + dag(part.through) +
          ": een deel van de maand, dus niet te vergelijken met een hele maand."));
      }
      legend.push(el("span", { class: "l-" + cls.split(" ")[1] }, yr));
    });
    return el("figure", { class: "grafiek" }, s, el("div", { class: "legenda" }, legend), ...notes);
  }

  // perGemeente is a table of the last school years per gemeente of the chosen area.
  async function perGemeente(kpi, f, years) {
    if (!kpi.filters.includes("gemeente")) {
      return el("p", { class: "leeg" }, "Dit is een regionaal cijfer (DUO/OCW): er is geen cijfer per gemeente.");
    }
    const options = [...selGem.options].filter((o) => o.value && !o.hidden && o.parentElement === selGem);
    const rows = await Promise.all(options.map(async (o) => {
      const sr = await getJSON("/api/v1/kpis/" + encodeURIComponent(kpi.id) + filterParams(kpi, { gemeente: o.value }));
      return [o, sr];
    }));
    // A year in progress names its last day once, in its column's head: in every cell
    // it would push the column off a phone's screen.
    const head = el("tr", null, el("th", null, "Gemeente"), years.map((y) => {
      const running = rows.map(([, sr]) => sr.points.find((q) => q.school_year === y)).find((p) => p && p.lopend && p.through);
      return el("th", { class: "getal" }, y, running ? [el("br"), el("span", { class: "kop-lopend" }, "t/m " + dagKort(running.through))] : []);
    }));
    const body = rows.map(([o, sr]) => el("tr", { class: o.value === f.gemeente ? "gekozen" : "" }, el("th", { scope: "row" }, o.textContent),
      years.map((y) => {
        const p = sr.points.find((q) => q.school_year === y);
        return el("td", p && p.status ? { class: "getal status-" + p.status, title: reason(sr, p) } : { class: "getal" }, figureText(kpi, p));
      })));
    return el("div", { class: "tabel-schuif" }, el("table", { class: "lijst" }, el("thead", null, head), el("tbody", null, body)));
  }

  // curveChart draws the share of homebound episodes with an offer after d days, per
  // school year of start, with the three-month mark.
  function curveChart(data) {
    const W = smal.matches ? 360 : 640, H = 260, L = 46, R = 16, T = 16, B = 40;
    const cohorts = (data.curves || []).filter((c) => !c.status && c.steps && c.steps.length);
    if (!cohorts.length) return el("p", { class: "leeg" }, data.note_nl || "Geen episodes om te tonen.");
    const maxDay = Math.min(365, Math.max(120, ...cohorts.flatMap((c) => c.steps.map((st) => st.day))));
    const x = (d) => L + (Math.min(d, maxDay) / maxDay) * (W - L - R);
    const y = (v) => T + (1 - v) * (H - T - B);
    const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Aandeel met een aanbod na zoveel dagen" });
    for (const v of [0, 0.25, 0.5, 0.75, 1]) {
      s.append(svg("line", { class: "as-lijn", x1: L, x2: W - R, y1: y(v), y2: y(v) }));
      s.append(svg("text", { class: "as", x: L - 6, y: y(v) + 4, "text-anchor": "end" }, Math.round(v * 100) + "%"));
    }
    for (let d = 0; d <= maxDay; d += 60) s.append(svg("text", { class: "as", x: x(d), y: H - B + 20, "text-anchor": "middle" }, d + " d"));
    const mark = 91; // three calendar months: 89 to 92 days
    s.append(svg("line", { class: "doel-lijn", x1: x(mark), x2: x(mark), y1: T, y2: H - B }));
    s.append(svg("text", { class: "as", x: x(mark) + 4, y: T + 12 }, "3 maanden"));
    const recent = cohorts.slice(-3);
    const legend = [];
    recent.forEach((c, k) => {
      let d = "M" + x(0) + "," + y(0);
      for (const st of c.steps) {
        const share = st.share_offered === null || st.share_offered === undefined ? null : st.share_offered / 100;
        if (share === null || share === undefined) continue;
        d += " H" + x(st.day) + " V" + y(share);
      }
      d += " H" + x(Math.min(maxDay, c.steps[c.steps.length - 1].day));
      const cls = "maand-lijn maand-" + (recent.length - 1 - k);
      s.append(svg("path", { class: cls, d }));
      const at3 = c.share_at_3_months;
      legend.push(el("span", { class: "l-" + cls.split(" ")[1] }, c.school_year + (typeof at3 === "number" ? ": " + pctFormat.format(at3) + "% binnen 3 maanden" : "")));
    });
    return el("figure", { class: "grafiek" }, s, el("div", { class: "legenda" }, legend),
      data.note_nl ? el("p", { class: "toelichting" }, data.note_nl) : null);
  }

  async function renderDetail() {
    const f = currentFilter();
    const q = new URLSearchParams();
    if (f.subregio) q.set("subregio", f.subregio);
    if (f.gemeente) q.set("gemeente", f.gemeente);
    history.replaceState(null, "", q.toString() ? "?" + q : window.location.pathname);
    document.getElementById("filter-print").textContent = filterLabel(f);
    melding.hidden = true;
    document.body.dataset.geladen = "nee";
    try {
      const cat = await getJSON("/api/v1/kpis");
      const kpi = cat.kpis.find((k) => k.id === kpiID);
      if (!kpi) throw new Error("onbekend cijfer " + kpiID);
      document.getElementById("data-as-of").textContent = cat.data_as_of ? datumFormat.format(new Date(cat.data_as_of)) : "nog niet geladen";
      const series = await getJSON("/api/v1/kpis/" + encodeURIComponent(kpi.id) + filterParams(kpi, f));
      document.getElementById("periode").textContent = periodText([series]);
      document.getElementById("grafieken").replaceChildren(chart(kpi, series, f));
      drawn = { all: [[kpi, series]], f };
      const lopendSectie = document.getElementById("lopend-sectie");
      lopendSectie.hidden = !series.in_progress;
      if (series.in_progress) document.getElementById("lopend").replaceChildren(...inProgress(kpi, series, series.in_progress));
      const years = series.points.map((p) => p.school_year).slice(-3);
      const work = [perGemeente(kpi, f, years).then((n) => document.getElementById("per-gemeente").replaceChildren(n))];
      const maanden = document.getElementById("maanden-sectie");
      maanden.hidden = kpi.id !== "verzuim_meldingen";
      if (!maanden.hidden) {
        const mq = new URLSearchParams(filterParams(kpi, f).slice(1));
        mq.set("van", years[0]);
        mq.set("tot", years[years.length - 1]);
        work.push(getJSON("/api/v1/kpis/verzuim_meldingen_maand?" + mq).then((m) =>
          document.getElementById("maanden").replaceChildren(...months(kpi, m.points, years, "relatief", series.in_progress))));
      }
      const curve = document.getElementById("curve-sectie");
      curve.hidden = kpi.id !== "thuiszitters_aanbod_binnen_3_maanden_pct";
      if (!curve.hidden) {
        work.push(getJSON("/api/v1/kpis/thuiszitters_aanbod_binnen_3_maanden/curve" + filterParams(kpi, f)).then((c) =>
          document.getElementById("curve").replaceChildren(curveChart(c))));
      }
      await Promise.all(work);
      document.getElementById("per-gemeente").setAttribute("aria-busy", "false");
      document.body.dataset.geladen = "ja";
    } catch (e) {
      melding.textContent = "De cijfers konden niet worden geladen: " + e.message;
      melding.hidden = false;
    }
  }

  const kpiID = document.body.dataset.kpi;
  const draw = kpiID ? renderDetail : render;
  const params = new URLSearchParams(window.location.search);
  if (params.get("subregio")) selSub.value = params.get("subregio");
  syncGemeenten();
  if (params.get("gemeente")) selGem.value = params.get("gemeente");
  selSub.addEventListener("change", () => { syncGemeenten(); draw(); });
  selGem.addEventListener("change", draw);
  smal.addEventListener("change", redrawCharts); // turning a phone: the charts are drawn anew
  document.getElementById("afdrukken").addEventListener("click", () => window.print());
  draw();
})();
