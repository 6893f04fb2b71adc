/* 公开进度 The city's trend chart on the public progress page.
 *
 * No inline script (CSP script-src 'self'): the data comes from the page's
 * <script type="application/json" id="public-progress-data">. The same
 * figures are in the table below the chart; without ECharts the table
 * stands alone.
 */
(function () {
  "use strict";

  function draw() {
    var node = document.getElementById("public-progress-data");
    var el = document.querySelector('[data-chart="public-trend"]');
    if (!node || !el || !window.echarts) { return; }
    var data = JSON.parse(node.textContent);
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 50, right: 60, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.years.map(String) },
      yAxis: [
        { type: "value", name: "%", scale: true },
        { type: "value", name: data.labels.transfers, splitLine: { show: false } }
      ],
      series: [
        { name: data.labels.resident_rate, type: "line", data: data.resident_rate },
        { name: data.labels.hukou_rate, type: "line", data: data.hukou_rate },
        { name: data.labels.transfers, type: "bar", yAxisIndex: 1, data: data.transfers }
      ]
    });
    el.setAttribute("data-rendered", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
