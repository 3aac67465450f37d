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
      legend: { data: [zh ? "合同金额" : "Contract amount", zh ? "技术交易额" : "Technology transaction amount"] },
      // Labels inside the chart's box, rotated names cut short rather than cut off at its edge.
      grid: { left: 10, right: 20, bottom: 10, top: 40, containLabel: true },
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }),
        axisLabel: { rotate: 30, width: 110, overflow: "truncate", interval: 0 } },
      yAxis: { type: "value", name: zh ? "万元" : "10,000 yuan" },
      series: [
        { name: zh ? "合同金额" : "Contract amount", type: "bar", data: rows.map(function (r) { return r.contract; }) },
        { name: zh ? "技术交易额" : "Technology transaction amount", type: "bar", data: rows.map(function (r) { return r.tech; }) }
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
    var axis_years = Object.keys(years).sort();
    function pick(ys, vs) { var m = {}; ys.forEach(function (y, i) { m[y] = vs[i]; }); return axis_years.map(function (y) { return m[y] === undefined ? null : m[y]; }); }
    if (data.history.province) { series.push({ name: data.history.province.name, type: "bar", data: pick(data.history.province.years, data.history.province.values) }); }
    if (data.history.national) { series.push({ name: data.history.national.name, type: "line", yAxisIndex: 1, data: pick(data.history.national.years, data.history.national.values) }); }
    // The yearbooks count contract turnover (成交额): beside it, the contract amounts registered here
    // (万元 → 亿元), as points a year.
    var own = zh ? "本平台登记合同金额" : "Contract amount registered here";
    series.push({ name: own, type: "line", yAxisIndex: 2, symbolSize: 8, data: pick(data.by_year.map(function (r) { return r.name; }), data.by_year.map(function (r) { return r.contract / 10000; })) });
    var unit = zh ? "亿元" : "100 million yuan";
    // Each axis named along its side (the names never meet at the top), in the series' colour.
    function axis(name, side, offset, colour, gap) {
      return { type: "value", name: name + "（" + unit + "）", nameLocation: "middle", nameGap: gap,
        nameRotate: side === "left" ? 90 : -90, position: side, offset: offset, splitLine: { show: offset === 0 && side === "left" },
        axisLine: { show: true, lineStyle: { color: colour } } };
    }
    var colours = ["#5470c6", "#91cc75", "#ee6666"];
    h.setOption({
      color: colours, tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 150, right: 70, bottom: 30, top: 50 },
      xAxis: { type: "category", data: axis_years },
      // Each series its own axis: the country's total is far above the province's, the platform's
      // far below both.
      yAxis: [
        axis(data.history.province ? data.history.province.name : "", "left", 0, colours[0], 42),
        axis(data.history.national ? data.history.national.name : "", "right", 0, colours[1], 50),
        axis(own, "left", 78, colours[2], 36)
      ],
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
