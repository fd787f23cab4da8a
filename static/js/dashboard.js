// The dashboard. Without this file the page still works: the tables hold every number and
// every link, and the form is a plain GET.
// - Charts are drawn FROM the tables (data-* attributes), never from data of their own, and
//   clicking a bucket follows that bucket's link in its table row: one source of truth.
// - Bars in rankings get their length from data-fraction (set through the CSSOM: the CSP
//   forbids style attributes, not style properties).
// - Choosing a brand or a bucket applies it at once; typed dates apply with "Show".
(function () {
  "use strict";
  const SENTIMENT_ORDER = ["negative", "neutral", "positive", "unknown"];

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function drawBars() {
    for (const bar of document.querySelectorAll(".bar[data-fraction]")) {
      const fraction = Math.max(0, Math.min(1, parseFloat(bar.dataset.fraction) || 0));
      bar.style.inlineSize = (fraction * 100).toFixed(2) + "%";
    }
  }

  function autosubmit() {
    document.addEventListener("change", function (event) {
      const control = event.target;
      if (!(control instanceof HTMLSelectElement) || !control.hasAttribute("data-autosubmit")) return;
      const form = control.closest("form");
      if (form) form.requestSubmit();
    });
  }

  // The table's rows as columns: x (bucket start, epoch seconds), then one array per
  // header cell carrying data-series, in header order.
  function readTable(table) {
    const headers = Array.from(table.tHead.rows[0].cells);
    const series = [];
    headers.forEach(function (cell, index) {
      if (cell.dataset.series) series.push({ name: cell.dataset.series, label: cell.textContent.trim(), index: index });
    });
    const rows = Array.from(table.tBodies[0].rows).filter(function (row) { return row.dataset.start; });
    const xs = rows.map(function (row) { return parseInt(row.dataset.start, 10); });
    const ends = rows.map(function (row) { return parseInt(row.dataset.end, 10); });
    const labels = rows.map(function (row) { return row.cells[0].textContent.trim(); });
    const columns = series.map(function (s) {
      return rows.map(function (row) {
        const raw = row.cells[s.index].dataset.value;
        return raw === "" || raw === undefined ? null : parseFloat(raw);
      });
    });
    return { rows: rows, xs: xs, ends: ends, labels: labels, series: series, columns: columns };
  }

  // The bucket under the pointer: bars span [start, end), so it is the last bucket that
  // starts at or before the pointer (uPlot's own cursor index is the nearest start).
  function followBucket(plot, data) {
    const rows = data.rows;
    plot.over.addEventListener("click", function () {
      if (plot.cursor.left === undefined || plot.cursor.left < 0) return;
      const at = plot.posToVal(plot.cursor.left, "x");
      let index = -1;
      data.xs.forEach(function (start, i) { if (start <= at && at < data.ends[i]) index = i; });
      if (index < 0 || !rows[index]) return;
      const link = rows[index].querySelector("a[data-bucket-link]");
      if (link) window.location.assign(link.href);
    });
  }

  function incidentMarks(listId) {
    const list = listId ? document.getElementById(listId) : null;
    if (!list) return [];
    return Array.from(list.querySelectorAll("li[data-at]")).map(function (item) {
      return parseInt(item.dataset.at, 10);
    });
  }

  function incidentPlugin(times) {
    return {
      hooks: {
        draw: [function (plot) {
          if (!times.length) return;
          const ctx = plot.ctx;
          ctx.save();
          ctx.strokeStyle = cssVar("--dash-incident");
          ctx.lineWidth = 2 * devicePixelRatio;
          ctx.setLineDash([5 * devicePixelRatio, 4 * devicePixelRatio]);
          for (const at of times) {
            const x = plot.valToPos(at, "x", true);
            if (x < plot.bbox.left || x > plot.bbox.left + plot.bbox.width) continue;
            ctx.beginPath();
            ctx.moveTo(x, plot.bbox.top);
            ctx.lineTo(x, plot.bbox.top + plot.bbox.height);
            ctx.stroke();
          }
          ctx.restore();
        }],
      },
    };
  }

  // The x axis names the buckets as the table's first column does, thinned to fit.
  function axes(data, rightScale, rightFormat) {
    const grid = { stroke: cssVar("--dash-grid") };
    const text = cssVar("--text") || "#1f2328";
    const found = [
      {
        stroke: text, grid: grid, ticks: grid,
        splits: function (plot) {
          const every = Math.max(1, Math.ceil(data.xs.length / Math.max(1, Math.floor(plot.bbox.width / devicePixelRatio / 110))));
          return data.xs.filter(function (x, i) { return i % every === 0; });
        },
        values: function (plot, splits) {
          return splits.map(function (x) { return data.labels[data.xs.indexOf(x)] || ""; });
        },
      },
      { stroke: text, grid: grid, ticks: grid, size: 55 },
    ];
    if (rightScale) {
      found.push({ scale: rightScale, side: 1, stroke: text, grid: { show: false }, values: rightFormat, size: 55 });
    }
    return found;
  }

  // The chart is as wide as its table (the chart's own box is empty until drawn).
  function widthFor(element) {
    const table = document.getElementById(element.dataset.table);
    return Math.max(table ? table.offsetWidth : element.clientWidth, 280);
  }

  function baseOptions(element, data, plugins) {
    return {
      width: widthFor(element),
      height: 240,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
      // Each bar spans its bucket from its start: the axis runs to the last bucket's end.
      scales: { x: { time: true, range: function () { return [data.xs[0], data.ends[data.ends.length - 1]]; } } },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      // The legend with its labels and totals is the panel's own line above the chart.
      legend: { show: false },
      plugins: plugins || [],
    };
  }

  // Stacked bars: each series is drawn as its running total, the top of the stack first, so
  // the lower ones paint over it; the legend shows each series' own count.
  function volumeChart(element, data) {
    const order = SENTIMENT_ORDER.filter(function (name) {
      return data.series.some(function (s) { return s.name === name; });
    });
    const own = {};
    data.series.forEach(function (s, i) { own[s.name] = data.columns[i]; });
    const stacked = {};
    let running = data.xs.map(function () { return 0; });
    for (const name of order) {
      running = running.map(function (sum, i) { return sum + (own[name][i] || 0); });
      stacked[name] = running.slice();
    }
    const drawOrder = order.slice().reverse();
    const bars = uPlot.paths.bars({ size: [0.85, Infinity], align: 1, gap: 1 });
    const series = [{ label: "Bucket (UTC)" }];
    const columns = [data.xs];
    for (const name of drawOrder) {
      const label = data.series.find(function (s) { return s.name === name; }).label;
      const colour = cssVar("--dash-" + name);
      series.push({
        label: label,
        fill: colour,
        stroke: colour,
        width: 0,
        paths: bars,
        points: { show: false },
        value: (function (values) {
          return function (plot, v, si, index) { return index === null || index === undefined ? "—" : String(values[index] || 0); };
        })(own[name]),
      });
      columns.push(stacked[name]);
    }
    const options = baseOptions(element, data, [incidentPlugin(incidentMarks(element.dataset.incidents))]);
    options.series = series;
    options.axes = axes(data);
    options.scales.y = { range: function (plot, min, max) { return [0, Math.max(1, max * 1.05)]; } };
    return new uPlot(options, columns, element);
  }

  function complaintsChart(element, data) {
    const complaints = data.columns[data.series.findIndex(function (s) { return s.name === "complaints"; })];
    const rates = data.columns[data.series.findIndex(function (s) { return s.name === "rate"; })];
    const previousIndex = data.series.findIndex(function (s) { return s.name === "previous"; });
    const options = baseOptions(element, data);
    options.series = [
      { label: "Bucket (UTC)" },
      { label: "Complaints", fill: cssVar("--dash-negative"), stroke: cssVar("--dash-negative"), width: 0,
        paths: uPlot.paths.bars({ size: [0.85, Infinity], align: 1, gap: 1 }), points: { show: false } },
      { label: "Complaint rate", scale: "rate", stroke: cssVar("--dash-rate"), width: 2,
        value: function (plot, v) { return v === null || v === undefined ? "—" : (v * 100).toFixed(1) + " %"; } },
    ];
    const columns = [data.xs, complaints, rates];
    if (previousIndex >= 0) {
      // The previous period's complaints, bucket by bucket (aligned by position), dashed
      // on the complaints' own scale, each point at its bucket's start as the rate's.
      options.series.push({ label: "previous period", stroke: cssVar("--dash-previous"), width: 2,
        dash: [6, 4], points: { show: false } });
      columns.push(data.columns[previousIndex]);
    }
    options.axes = axes(data, "rate", function (plot, ticks) {
      return ticks.map(function (t) { return (t * 100).toFixed(0) + " %"; });
    });
    options.scales.y = { range: function (plot, min, max) { return [0, Math.max(1, max * 1.1)]; } };
    options.scales.rate = { range: function (plot, min, max) { return [0, Math.max(0.05, (max || 0) * 1.1)]; } };
    return new uPlot(options, columns, element);
  }

  const CHARTS = { volume: volumeChart, complaints: complaintsChart };

  function drawCharts() {
    if (typeof window.uPlot !== "function") return;
    for (const element of document.querySelectorAll(".chart[data-chart]")) {
      const table = document.getElementById(element.dataset.table);
      const make = CHARTS[element.dataset.chart];
      if (!table || !make) continue;
      const data = readTable(table);
      if (!data.xs.length) continue;
      const plot = make(element, data);
      element.dataset.drawn = "true";
      // What was drawn, by label (the legend is the panel's line; tests read this).
      element.dataset.drawnSeries = plot.series.slice(1).map(function (s) { return s.label; }).join("|");
      followBucket(plot, data);
      let width = widthFor(element);
      new ResizeObserver(function () {
        // Only a new width redraws: the chart's own height changes must not loop.
        if (widthFor(element) === width) return;
        width = widthFor(element);
        requestAnimationFrame(function () { plot.setSize({ width: width, height: 240 }); });
      }).observe(table);
    }
  }

  function start() {
    drawBars();
    autosubmit();
    drawCharts();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
