// Het Leerplein — built-in dashboard. Plain JavaScript, no libraries: it fetches the
// KPI API with the session cookie and draws tiles and SVG charts.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const telFormat = new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 0 });
  const pctFormat = new Intl.NumberFormat("nl-NL", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const asFormat = new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 2 });
  const datumFormat = new Intl.DateTimeFormat("nl-NL", { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" });

  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else e.setAttribute(k, v);
    }
    for (const k of kids) if (k !== null && k !== undefined) e.append(k);
    return e;
  };
  const svg = (tag, attrs, text) => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };

  // fmt formats a value of a KPI in Dutch: 1.498 or 87,5%.
  function fmt(kpi, v) {
    if (v === null || v === undefined) return "–";
    return kpi.unit === "percent" ? pctFormat.format(v) + "%" : telFormat.format(v);
  }
  function shortYear(y) { return y.slice(2, 4) + "-" + y.slice(7, 9); } // 2018-2019 → 18-19

  // status of a point: "op-koers", "niet-op-koers" or "" (no target or no value).
  function status(p) {
    if (!p || p.on_track === null || p.on_track === undefined) return "";
    return p.on_track ? "op-koers" : "niet-op-koers";
  }
  const statusText = { "op-koers": "✓ Op koers", "niet-op-koers": "✗ Niet op koers", "": "Geen oordeel" };

  // The latest point that has a value (or a suppressed one).
  function latest(series) {
    for (let i = series.points.length - 1; i >= 0; i--) {
      const p = series.points[i];
      if (p.value !== null || p.suppressed) return p;
    }
    return null;
  }

  // A suppressed figure is a small count, or one hidden so that a small count cannot be
  // worked out from it: it is not necessarily small, so it reads "x", not "<5".
  const hiddenTitle = "niet getoond om privacyredenen: een klein aantal, of een aantal waaruit een klein aantal terug te rekenen zou zijn";

  function targetText(kpi, p) {
    const rule = kpi.target_rule;
    if (!p || p.target === null || p.target === undefined) {
      return p && p.target_suppressed ? "Doel: x (niet getoond: het zou de nulmeting prijsgeven)" : "Doel: " + rule.text_nl;
    }
    const cmp = rule.kind === "min_pct" ? "≥" : "≤";
    const extra = rule.kind === "national" ? " (landelijk)" : "";
    const doel = kpi.unit === "percent" && Number.isInteger(p.target) ? telFormat.format(p.target) + "%" : fmt(kpi, p.target);
    return "Doel: " + cmp + " " + doel + extra;
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

  function filterParams(kpi, filter) {
    const q = new URLSearchParams();
    if (filter.gemeente && kpi.filters.includes("gemeente")) q.set("gemeente", filter.gemeente);
    else if (filter.subregio && kpi.filters.includes("subregio")) q.set("subregio", filter.subregio);
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

  function tile(kpi, series, filter) {
    const p = latest(series);
    const st = status(p);
    const value = p && p.suppressed ? el("span", { class: "onderdrukt", title: hiddenTitle }, "x") : fmt(kpi, p ? p.value : null);
    const base = series.baseline;
    const t = el("article", { class: "tegel " + st, "data-kpi": kpi.id },
      el("h3", null, kpi.title_nl),
      el("p", { class: "tegel-jaar" }, p ? "Schooljaar " + p.school_year : "Nog geen gegevens"),
      el("p", { class: "tegel-waarde" }, value),
      el("p", { class: "tegel-doel" }, targetText(kpi, p)),
      el("span", { class: "status" }, statusText[st]),
      base ? el("p", { class: "tegel-nulmeting" }, "Nulmeting " + base.school_year + ": " +
        (base.suppressed ? "x" : fmt(kpi, base.value))) : null,
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

  function chart(kpi, series, filter) {
    const W = 640, H = 290, L = 70, R = 38, T = 28, B = 44;
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
    pts.forEach((p, i) => {
      s.append(svg("text", { class: "as", x: x(i), y: H - B + 20, "text-anchor": "middle" }, shortYear(p.school_year)));
    });
    if (series.baseline) {
      const bi = pts.findIndex((p) => p.school_year === series.baseline.school_year);
      if (bi >= 0) {
        s.append(svg("line", { class: "as-lijn", x1: x(bi), x2: x(bi), y1: T, y2: H - B, "stroke-dasharray": "2 4" }));
        s.append(svg("text", { class: "as", x: x(bi) + 4, y: T - 8 }, "nulmeting"));
      }
    }
    s.append(svg("path", { class: "doel-lijn", d: pathOf(pts.map((p) => p.target), x, y) }));
    s.append(svg("path", { class: "reeks", d: pathOf(pts.map((p) => p.value), x, y) }));
    let lastLabelled = -1;
    pts.forEach((p, i) => { if (p.value !== null || p.suppressed) lastLabelled = i; });
    pts.forEach((p, i) => {
      if (p.suppressed) {
        const label = svg("text", { class: "label-onderdrukt", x: x(i), y: y(0) - 8, "text-anchor": "middle" }, "x");
        label.append(svg("title", {}, p.school_year + ": " + hiddenTitle));
        s.append(label);
        return;
      }
      if (p.value === null) return;
      const st = status(p);
      const dot = svg("circle", { class: "reeks-punt" + (st === "op-koers" ? " goed" : st === "niet-op-koers" ? " fout" : ""), cx: x(i), cy: y(p.value), r: 5.5 });
      dot.append(svg("title", {}, p.school_year + ": " + fmt(kpi, p.value) + (p.target !== null ? " (doel " + fmt(kpi, p.target) + ")" : "")));
      s.append(dot);
      if (i === lastLabelled || (series.baseline && p.school_year === series.baseline.school_year)) {
        s.append(svg("text", { class: "label", x: x(i), y: y(p.value) - 12, "text-anchor": i === n - 1 ? "end" : "middle" }, fmt(kpi, p.value)));
      }
    });
    const hasTarget = kpi.target_rule.kind !== "none";
    return el("figure", { class: "grafiek", "data-kpi": kpi.id },
      el("figcaption", null, kpi.title_nl, el("span", { class: "doeltekst" }, kpi.target_rule.text_nl), regionalNote(kpi, filter)),
      s,
      el("div", { class: "legenda" }, el("span", { class: "l-waarde" }, "Waarde"), hasTarget ? el("span", { class: "l-doel" }, "Doel") : null),
    );
  }

  // ---- page ---------------------------------------------------------------------------

  const selSub = document.getElementById("filter-subregio");
  const selGem = document.getElementById("filter-gemeente");
  const melding = document.getElementById("melding");

  function currentFilter() { return { subregio: selSub.value, gemeente: selGem.value }; }

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
      tegels.replaceChildren(...all.filter(([k]) => k.target_rule.kind !== "none").map(([k, s]) => tile(k, s, f)));
      grafieken.replaceChildren(...all.map(([k, s]) => chart(k, s, f)));
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

  const params = new URLSearchParams(window.location.search);
  if (params.get("subregio")) selSub.value = params.get("subregio");
  syncGemeenten();
  if (params.get("gemeente")) selGem.value = params.get("gemeente");
  selSub.addEventListener("change", () => { syncGemeenten(); render(); });
  selGem.addEventListener("change", render);
  document.getElementById("afdrukken").addEventListener("click", () => window.print());
  render();
})();
