(function () {
  "use strict";
  var lang = document.documentElement.lang || "zh-hans";
  var zh = lang.indexOf("zh") === 0;
  var series = JSON.parse(document.getElementById("turnover-data").textContent);
  var years = series.national.years;
  var jxByYear = {};
  series.jiangxi.years.forEach(function (y, i) { jxByYear[y] = series.jiangxi.values[i]; });
  var chart = echarts.init(document.getElementById("turnover-chart"));
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [zh ? "江西" : "Jiangxi", zh ? "31省合计" : "Sum of 31 provinces"] },
    grid: { left: 60, right: 60, bottom: 30, top: 60 },
    xAxis: { type: "category", data: years },
    yAxis: [
      { type: "value", name: zh ? "江西 亿元" : "Jiangxi, 100 million yuan" },
      { type: "value", name: zh ? "全国 亿元" : "National, 100 million yuan" }
    ],
    series: [
      { name: zh ? "江西" : "Jiangxi", type: "bar", data: years.map(function (y) { return jxByYear[y] === undefined ? null : jxByYear[y]; }) },
      { name: zh ? "31省合计" : "Sum of 31 provinces", type: "line", yAxisIndex: 1, data: series.national.values, smooth: true }
    ]
  });
  var orgs = JSON.parse(document.getElementById("orgs-data").textContent);
  var pie = echarts.init(document.getElementById("orgs-chart"));
  pie.setOption({
    tooltip: { trigger: "item" },
    // Names in a legend below, not beside the slices, where long English names were cut short
    // ("Governme…") and a small slice's name was lost.
    legend: { bottom: 0, type: "scroll" },
    series: [{ type: "pie", radius: ["30%", "60%"], center: ["50%", "42%"], label: { show: false },
      data: orgs.filter(function (o) { return o.value > 0; }) }]
  });
  window.addEventListener("resize", function () { chart.resize(); pie.resize(); });
})();
