(function () {
  "use strict";
  var lang = document.documentElement.lang || "zh-hans";
  var zh = lang.indexOf("zh") === 0;
  var stats = JSON.parse(document.getElementById("challenge-stats").textContent);
  var charts = [];
  var trend = echarts.init(document.getElementById("trend-chart"));
  trend.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [zh ? "新增" : "New", zh ? "累计" : "Total"] },
    xAxis: { type: "category", data: stats.trend.map(function (r) { return r.day; }) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: zh ? "新增" : "New", type: "bar", data: stats.trend.map(function (r) { return r.new; }) },
      { name: zh ? "累计" : "Total", type: "line", data: stats.trend.map(function (r) { return r.total; }) }
    ]
  });
  charts.push(trend);
  [["regions-chart", stats.regions], ["types-chart", stats.solver_types], ["orgtypes-chart", stats.organisation_types]].forEach(function (pair) {
    var c = echarts.init(document.getElementById(pair[0]));
    c.setOption({ tooltip: { trigger: "item" }, series: [{ type: "pie", radius: ["35%", "70%"], data: pair[1] }] });
    charts.push(c);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
