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
    // The bucket's name is its link's text (the cell also says when a bucket is partial).
    const labels = rows.map(function (row) {
      const link = row.cells[0].querySelector("a");
      return (link || row.cells[0]).textContent.trim();
    });
    const partials = rows.map(function (row) { return row.hasAttribute("data-partial"); });
    const columns = series.map(function (s) {
      return rows.map(function (row) {
        const raw = row.cells[s.index].dataset.value;
        return raw === "" || raw === undefined ? null : parseFloat(raw);
      });
    });
    return { rows: rows, xs: xs, ends: ends, labels: labels, partials: partials, series: series, columns: columns };
  }

  // The bucket under the pointer: bars span [start, end), so it is the bucket whose span
  // holds the pointer (uPlot's own cursor index is the nearest start).
  function bucketAt(plot, data) {
    if (plot.cursor.left === undefined || plot.cursor.left === null || plot.cursor.left < 0) return -1;
    const at = plot.posToVal(plot.cursor.left, "x");
    let index = -1;
    data.xs.forEach(function (start, i) { if (start <= at && at < data.ends[i]) index = i; });
    return index;
  }

  function followBucket(plot, data) {
    const rows = data.rows;
    plot.over.addEventListener("click", function () {
      const index = bucketAt(plot, data);
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

  // Partial buckets (the range's edge cuts them, or they are still running) are painted
  // over lighter and hatched: their shorter bars are fewer hours, not a collapse.
  function partialPlugin(data) {
    return {
      hooks: {
        draw: [function (plot) {
          const ctx = plot.ctx;
          const surface = cssVar("--surface") || "#ffffff";
          const top = plot.bbox.top;
          const height = plot.bbox.height;
          data.partials.forEach(function (partial, i) {
            if (!partial) return;
            const x0 = plot.valToPos(data.xs[i], "x", true);
            const x1 = plot.valToPos(data.ends[i], "x", true);
            ctx.save();
            ctx.beginPath();
            ctx.rect(x0, top, x1 - x0, height);
            ctx.clip();
            ctx.globalAlpha = 0.4;
            ctx.fillStyle = surface;
            ctx.fillRect(x0, top, x1 - x0, height);
            ctx.globalAlpha = 0.8;
            ctx.strokeStyle = surface;
            ctx.lineWidth = 1.5 * devicePixelRatio;
            ctx.beginPath();
            for (let x = x0 - height; x < x1; x += 6 * devicePixelRatio) {
              ctx.moveTo(x, top + height);
              ctx.lineTo(x + height, top);
            }
            ctx.stroke();
            ctx.restore();
          });
        }],
      },
    };
  }

  // Hovering a bucket reads its row out under the chart (the row's own words and numbers:
  // what the table says, no second formatting of them).
  function readoutPlugin(element, data) {
    const readout = document.createElement("p");
    readout.className = "chart-readout small muted";
    readout.dataset.readout = element.dataset.chart;
    readout.setAttribute("aria-hidden", "true");
    readout.textContent = "Point at a bar to read its numbers; click it to see its mentions.";
    const idle = readout.textContent;
    element.insertAdjacentElement("afterend", readout);
    const headers = Array.from(data.rows.length ? data.rows[0].closest("table").tHead.rows[0].cells : []);
    return {
      hooks: {
        setCursor: [function (plot) {
          const index = bucketAt(plot, data);
          const row = data.rows[index];
          if (!row) { readout.textContent = idle; return; }
          const parts = [row.cells[0].textContent.trim().replace(/\s+/g, " ")];
          for (let c = 1; c < row.cells.length; c++) {
            const name = headers[c] ? headers[c].textContent.trim() : "";
            parts.push(name + " " + row.cells[c].textContent.trim());
          }
          readout.textContent = parts.join(" · ");
        }],
      },
    };
  }

  // Counts have whole-number ticks only: uPlot picks its y step from these.
  const WHOLE_STEPS = [];
  for (let power = 1; power <= 1e9; power *= 10) WHOLE_STEPS.push(power, 2 * power, 5 * power);

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
      { stroke: text, grid: grid, ticks: grid, size: 55, incrs: WHOLE_STEPS,
        values: function (plot, ticks) {
          const labels = ticks.map(function (t) { return String(Math.round(t)); });
          // The ticks drawn, for the tests (the canvas holds them as pixels only).
          plot.root.parentElement.dataset.yTicks = labels.join(" ");
          return labels;
        } },
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
      plugins: [partialPlugin(data), readoutPlugin(element, data)].concat(plugins || []),
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

  // The bucket tables open at their end: the newest buckets are the ones read first (the
  // rows stay oldest first, as the chart runs left to right).
  function scrollToNewest() {
    for (const box of document.querySelectorAll(".table-scroll")) box.scrollTop = box.scrollHeight;
  }

  function start() {
    drawBars();
    autosubmit();
    drawCharts();
    scrollToNewest();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
