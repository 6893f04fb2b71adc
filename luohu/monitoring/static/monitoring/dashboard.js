/* 监测看板 Dashboards: draws the charts from the page's json_script data.
 *
 * No inline script (CSP script-src 'self'): the page carries its data in
 * <script type="application/json" id="dashboard-data"> and marks each chart
 * container with data-chart. ECharts is served from luohu's static files.
 * Every chart repeats a table on the page, so nothing is only in a picture.
 */
(function () {
  "use strict";

  var COLOURS = { on_track: "#2e7d32", at_risk: "#c62828", unknown: "#9e9e9e" };

  function data() {
    var node = document.getElementById("dashboard-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function draw(name, option) {
    var el = document.querySelector('[data-chart="' + name + '"]');
    if (!el) { return; }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    option.animation = false;
    chart.setOption(option);
    el.setAttribute("data-rendered", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function column(rows, key) {
    return rows.map(function (r) { return r[key]; });
  }

  function flat(value, n) {
    var out = [];
    for (var i = 0; i < n; i += 1) { out.push(value); }
    return out;
  }

  function overview(d) {
    var L = d.labels;
    var years = d.years.map(String);
    var rateSeries = [
      { name: L.resident, type: "line", data: column(d.rows, "resident_urbanization_rate") },
      { name: L.hukou, type: "line", data: column(d.rows, "hukou_urbanization_rate") }
    ];
    if (d.hukou_rate_target !== null) {
      rateSeries.push({
        name: L.target, type: "line", symbol: "none",
        lineStyle: { type: "dashed" }, data: flat(d.hukou_rate_target, years.length)
      });
    }
    var axisYears = years.slice();
    if (d.forecast && d.forecast.forecast_hukou_rate !== null && years.indexOf(String(d.target_year)) < 0) {
      axisYears.push(String(d.target_year));
      rateSeries.forEach(function (s) { s.data = s.data.concat([s.name === L.target ? d.hukou_rate_target : null]); });
      var fc = flat(null, axisYears.length);
      fc[years.length - 1] = d.rows.length ? d.rows[d.rows.length - 1].hukou_urbanization_rate : null;
      fc[axisYears.length - 1] = d.forecast.forecast_hukou_rate;
      rateSeries.push({ name: L.forecast, type: "line", connectNulls: true, lineStyle: { type: "dotted" }, data: fc });
    }
    draw("rates", {
      tooltip: { trigger: "axis" }, legend: {},
      xAxis: { type: "category", data: axisYears }, yAxis: { type: "value", scale: true, name: "%" },
      series: rateSeries
    });
    var gapSeries = [{ name: L.gap, type: "bar", data: column(d.rows, "gap_points") }];
    if (d.gap_target !== null) {
      gapSeries.push({ name: L.gap_target, type: "line", symbol: "none", lineStyle: { type: "dashed" }, data: flat(d.gap_target, years.length) });
    }
    draw("gap", {
      tooltip: { trigger: "axis" }, legend: {},
      xAxis: { type: "category", data: years }, yAxis: { type: "value" }, series: gapSeries
    });
    var transferSeries = [{ name: L.transfers, type: "bar", data: column(d.rows, "hukou_transfers") }];
    if (d.yearly_transfers_target !== null) {
      transferSeries.push({ name: L.transfers_target, type: "line", symbol: "none", lineStyle: { type: "dashed" }, data: flat(d.yearly_transfers_target, years.length) });
    }
    draw("transfers", {
      tooltip: { trigger: "axis" }, legend: {},
      xAxis: { type: "category", data: years }, yAxis: { type: "value" }, series: transferSeries
    });
  }

  function counties(d) {
    var L = d.labels;
    var names = d.counties.map(function (c) { return c.name; });
    function figure(key) {
      return d.counties.map(function (c) { return c.figures ? c.figures[key] : null; });
    }
    draw("comparison", {
      tooltip: { trigger: "axis" }, legend: {},
      grid: { bottom: 90 },
      xAxis: { type: "category", data: names, axisLabel: { rotate: 30 } },
      yAxis: { type: "value", name: "%" },
      series: [
        { name: L.resident, type: "bar", data: figure("resident_urbanization_rate") },
        { name: L.hukou, type: "bar", data: figure("hukou_urbanization_rate") },
        { name: L.target, type: "scatter", symbol: "diamond", symbolSize: 12, data: d.counties.map(function (c) { return c.target_rate; }) }
      ]
    });
    var tiles = d.counties.filter(function (c) { return c.tile; }).map(function (c) {
      var rate = c.figures ? c.figures.hukou_urbanization_rate : null;
      return {
        name: c.name,
        value: [c.tile[0], c.tile[1]],
        rate: rate,
        flag: d.flags[c.overall],
        itemStyle: { color: COLOURS[c.overall] || COLOURS.unknown }
      };
    });
    draw("tiles", {
      tooltip: { formatter: function (p) { return p.data.name + "<br>" + p.data.flag + (p.data.rate !== null ? " · " + p.data.rate + " %" : ""); } },
      xAxis: { type: "value", min: -0.5, max: 3.5, show: false },
      yAxis: { type: "value", min: -0.5, max: 3.5, inverse: true, show: false },
      grid: { left: 0, right: 0, top: 0, bottom: 0 },
      series: [{
        type: "scatter", symbol: "roundRect", symbolSize: [118, 80], data: tiles,
        label: { show: true, color: "#fff", fontSize: 12, formatter: function (p) { return p.data.name.replace("安阳高新技术产业开发区", "高新区") + "\n" + (p.data.rate !== null ? p.data.rate + " %" : "—"); } }
      }]
    });
    sameTreatment(d);
  }

  function sameTreatment(d) {
    if (!d.same_treatment || !d.same_treatment.length) { return; }
    draw("same_treatment", {
      tooltip: { trigger: "axis" },
      grid: { bottom: 60 },
      xAxis: { type: "category", data: d.same_treatment.map(function (r) { return r.name; }), axisLabel: { rotate: 30 } },
      yAxis: { type: "value", min: 0, max: 100, name: d.labels.same_treatment },
      series: [{ type: "bar", data: d.same_treatment.map(function (r) { return r.value; }) }]
    });
  }

  function mix(d) {
    ["channels", "flags"].forEach(function (key) {
      var rows = d[key];
      draw(key, {
        tooltip: { trigger: "axis" },
        grid: { left: 260 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: rows.map(function (r) { return r.name; }), inverse: true },
        series: [{ type: "bar", data: rows.map(function (r) { return r.value; }) }]
      });
    });
  }

  function whatif(d) {
    var r = d.result;
    var L = d.labels;
    draw("whatif", {
      tooltip: { trigger: "axis" }, legend: {},
      grid: [{ left: "6%", width: "38%" }, { left: "56%", width: "38%" }],
      xAxis: [
        { type: "category", data: [L.eligible], gridIndex: 0 },
        { type: "category", data: [L.county + " " + L.hukou, L.city + " " + L.hukou], gridIndex: 1 }
      ],
      yAxis: [{ type: "value", gridIndex: 0 }, { type: "value", gridIndex: 1, scale: true, name: "%" }],
      series: [
        { name: L.before, type: "bar", data: [r.eligible_before], xAxisIndex: 0, yAxisIndex: 0 },
        { name: L.after, type: "bar", data: [r.eligible_after], xAxisIndex: 0, yAxisIndex: 0 },
        { name: L.before, type: "bar", xAxisIndex: 1, yAxisIndex: 1, data: [r.county.before.hukou_urbanization_rate, r.city.before.hukou_urbanization_rate] },
        { name: L.after, type: "bar", xAxisIndex: 1, yAxisIndex: 1, data: [r.county.after.hukou_urbanization_rate, r.city.after.hukou_urbanization_rate] },
        { name: L.target, type: "scatter", symbol: "diamond", symbolSize: 14, xAxisIndex: 1, yAxisIndex: 1, data: [r.targets.county_hukou_rate, r.targets.city_hukou_rate] }
      ]
    });
  }

  function start() {
    var d = data();
    if (!d || !window.echarts) { return; }
    var kinds = { overview: overview, counties: counties, mix: mix, whatif: whatif };
    if (kinds[d.kind]) { kinds[d.kind](d); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
