(function () {
  "use strict";
  var zh = (document.documentElement.lang || "zh-hans").indexOf("zh") === 0;
  var data = JSON.parse(document.getElementById("stats-data").textContent);
  var charts = [];
  function init(id) { var el = document.getElementById(id); if (!el) { return null; } var c = echarts.init(el); charts.push(c); return c; }
  function bars(id, rows) {
    var c = init(id); if (!c) { return; }
    c.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: [zh ? "合同金额" : "Contract amount", zh ? "技术交易额" : "Technology amount"] },
      grid: { left: 60, right: 20, bottom: 80 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { rotate: 30 } },
      yAxis: { type: "value" },
      series: [
        { name: zh ? "合同金额" : "Contract amount", type: "bar", data: rows.map(function (r) { return r.contract; }) },
        { name: zh ? "技术交易额" : "Technology amount", type: "bar", data: rows.map(function (r) { return r.tech; }) }
      ]
    });
  }
  if (data.by_month.length) { bars("chart-month", data.by_month); }
  bars("chart-type", data.by_type);
  bars("chart-field", data.by_field);
  var h = init("chart-history");
  if (h) {
    var years = {};
    var series = [];
    ["province", "national"].forEach(function (k) { var s = data.history[k]; if (s) { s.years.forEach(function (y) { years[y] = true; }); } });
    data.by_year.forEach(function (r) { years[r.name] = true; });
    var axis = Object.keys(years).sort();
    function pick(ys, vs) { var m = {}; ys.forEach(function (y, i) { m[y] = vs[i]; }); return axis.map(function (y) { return m[y] === undefined ? null : m[y]; }); }
    if (data.history.province) { series.push({ name: data.history.province.name, type: "bar", data: pick(data.history.province.years, data.history.province.values) }); }
    if (data.history.national) { series.push({ name: data.history.national.name, type: "line", yAxisIndex: 1, data: pick(data.history.national.years, data.history.national.values) }); }
    series.push({ name: zh ? "本平台登记" : "Registered here", type: "line", yAxisIndex: 2, data: pick(data.by_year.map(function (r) { return r.name; }), data.by_year.map(function (r) { return r.tech / 10000; })) });
    h.setOption({
      tooltip: { trigger: "axis" }, legend: {}, grid: { left: 60, right: 110, bottom: 30 },
      xAxis: { type: "category", data: axis },
      // The platform's own series has its own axis: it is tiny beside the yearbook totals.
      yAxis: [{ type: "value" }, { type: "value" }, { type: "value", position: "right", offset: 55 }],
      series: series
    });
  }
  var f = init("chart-flows");
  if (f) {
    var names = {};
    data.flows.forEach(function (l) { names[l.source] = true; names[l.target] = true; });
    f.setOption({
      tooltip: { trigger: "item" },
      series: [{ type: "sankey", emphasis: { focus: "adjacency" }, data: Object.keys(names).map(function (n) { return { name: n }; }),
        links: data.flows.filter(function (l) { return l.value > 0; }) }]
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
