(function () {
  "use strict";
  var zh = (document.documentElement.lang || "zh-hans").indexOf("zh") === 0;
  var data = JSON.parse(document.getElementById("stats-data").textContent);
  var charts = [];
  // What depends on a chart's width, set again when the window is resized.
  var fits = [];
  var SLANTS = [30, 45, 60, 90];  // of the category names, the least that keeps them apart
  function init(id) { var el = document.getElementById(id); if (!el) { return null; } var c = echarts.init(el); charts.push(c); return c; }
  var ruler = document.createElement("canvas").getContext("2d");
  ruler.font = "12px sans-serif";  // ECharts' label font
  // How far left of its tick a category name slanted by `rotate` degrees reaches: ECharts hangs it by
  // its right end, and containLabel keeps only its height inside the chart, not this.
  function reach(name, width, rotate) {
    var a = rotate * Math.PI / 180;
    return Math.min(ruler.measureText(name).width, width) * Math.cos(a) + 7 * Math.sin(a);
  }
  function bars(id, rows) {
    var c = init(id); if (!c) { return; }
    var option = {
      tooltip: { trigger: "axis" },
      legend: { data: [zh ? "合同金额" : "Contract amount", zh ? "技术交易额" : "Technology transaction amount"] },
      // Labels inside the chart's box, rotated names cut short rather than cut off at its edge; the
      // axis name (万元) under the legend, which spans the whole width on a phone.
      grid: { left: 10, right: 20, bottom: 10, top: 64, containLabel: true },
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }),
        axisLabel: { rotate: 30, width: 110, overflow: "truncate", interval: 0 } },
      yAxis: { type: "value", name: zh ? "万元" : "10,000 yuan" },
      series: [
        { name: zh ? "合同金额" : "Contract amount", type: "bar", data: rows.map(function (r) { return r.contract; }) },
        { name: zh ? "技术交易额" : "Technology transaction amount", type: "bar", data: rows.map(function (r) { return r.tech; }) }
      ]
    };
    // Laid out with the names slanted by `rotate` degrees: drawn, measured, and the grid moved right by
    // what the furthest-reaching name lacks (a tick moves by 1 - (i + ½) / n of the grid's left edge).
    // Answers the slant the names need in the band they got: neighbours stand a band × sin(slant)
    // apart across their slant, and a line of text needs 16 px (thirteen technical fields in a 366 px
    // wide chart on a phone need 45°; there a name is cut shorter, as it takes more height).
    var x = function (i) { return c.convertToPixel({ xAxisIndex: 0 }, i); };
    var lay = function (rotate) {
      var label = option.xAxis.axisLabel;
      label.rotate = rotate;
      label.width = rotate === 30 ? 110 : 64;
      option.grid.left = 10;
      c.setOption(option);
      var move = 0;
      rows.forEach(function (r, i) {
        var lack = reach(r.name, label.width, rotate) + 2 - x(i);
        if (lack > 0) { move = Math.max(move, lack / (1 - (i + 0.5) / rows.length)); }
      });
      if (move > 0) {
        option.grid.left = 10 + Math.ceil(Math.min(move, c.getWidth() / 3));
        c.setOption(option);
      }
      var band = rows.length > 1 ? x(1) - x(0) : Infinity;
      return SLANTS.filter(function (a) { return band * Math.sin(a * Math.PI / 180) >= 16; })[0] || 90;
    };
    // The first time drawn again from scratch when laid out, so that nothing slides when the page opens.
    var fit = function (first) {
      var rotate = SLANTS[0];
      for (var tries = 0; tries < SLANTS.length; tries++) {
        var wanted = lay(rotate);
        if (wanted <= rotate) { break; }
        rotate = wanted;
      }
      if (first) { c.clear(); c.setOption(option); }
    };
    fit(true);
    fits.push(fit);
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
    var names = [data.history.province ? data.history.province.name : "", data.history.national ? data.history.national.name : "", own];
    // Each series its own axis: the country's total is far above the province's, the platform's far
    // below both. On a phone the three axis names left the plot 146 px of a 366 px chart: there the
    // legend names the series, each axis in its series' colour, and the unit stands once, above the
    // left axis.
    var layout = function () {
      if (h.getWidth() >= 480) {
        return { grid: { left: 150, right: 70, bottom: 30, top: 64 },
          yAxis: [axis(names[0], "left", 0, colours[0], 42), axis(names[1], "right", 0, colours[1], 50), axis(names[2], "left", 78, colours[2], 36)] };
      }
      var bare = function (side, offset, colour) {
        return { type: "value", name: "", position: side, offset: offset, splitLine: { show: offset === 0 && side === "left" },
          axisLine: { show: true, lineStyle: { color: colour } } };
      };
      var left = bare("left", 0, colours[0]);
      left.name = unit; left.nameLocation = "end"; left.nameGap = 10; left.nameTextStyle = { align: "left" };
      return { grid: { left: 96, right: 48, bottom: 30, top: 78 }, yAxis: [left, bare("right", 0, colours[1]), bare("left", 46, colours[2])] };
    };
    var chosen = layout();
    h.setOption({
      // The legend takes two lines on a phone in English.
      color: colours, tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: chosen.grid,
      xAxis: { type: "category", data: axis_years },
      yAxis: chosen.yAxis,
      series: series
    });
    // The axes replaced whole: merged, a phone's axis kept the rotation of a desktop's name.
    fits.push(function () { var again = layout(); h.setOption({ grid: again.grid, yAxis: again.yAxis }, { replaceMerge: ["yAxis"] }); });
  }
  var f = init("chart-flows");
  if (f) {
    var names = {};
    data.flows.forEach(function (l) { names[l.source] = true; names[l.target] = true; });
    // The buyers' names stand right of their nodes, in the room the series leaves on its right: a
    // fifth of the chart (the library's default), at least 128 px on a phone; longer names are cut
    // short there (the tooltip has them whole).
    var room = function () {
      var right = Math.max(128, Math.round(f.getWidth() / 5));
      return { right: right, label: { width: right - 10, overflow: "truncate", ellipsis: "…" } };
    };
    var sankey = room();
    sankey.type = "sankey";
    sankey.emphasis = { focus: "adjacency" };
    sankey.data = Object.keys(names).map(function (n) { return { name: n }; });
    sankey.links = data.flows.filter(function (l) { return l.value > 0; });
    f.setOption({ tooltip: { trigger: "item" }, series: [sankey] });
    fits.push(function () { f.setOption({ series: [room()] }); });
  }
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
    fits.forEach(function (fit) { fit(false); });
  });
})();
