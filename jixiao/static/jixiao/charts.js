/* Jixiao's charts, drawn with the vendored ECharts. No network access. */
function jixiaoExecutionChart(elementId, data) {
  var chart = echarts.init(document.getElementById(elementId));
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
    legend: { data: ["累计执行率", "序时进度"], top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 28 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", min: 0, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: "累计执行率", type: "line", data: data.rate.map(Number), symbolSize: 7, lineStyle: { width: 3 }, color: "#a4262c" },
      { name: "序时进度", type: "line", data: data.time.map(Number), lineStyle: { type: "dashed" }, color: "#6c757d" }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
  return chart;
}

/* Monitoring: cumulative execution against the expected progress (the project's own plan or its
   category's pattern) and, dashed, the straight time line peers use. */
function jixiaoProgressChart(elementId, curve) {
  var chart = echarts.init(document.getElementById(elementId));
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
    legend: { data: ["累计执行率", "预期执行进度", "序时进度"], top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 28 },
    xAxis: { type: "category", data: curve.map(function (p) { return p.month + "月"; }) },
    yAxis: { type: "value", min: 0, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: "累计执行率", type: "line", data: curve.map(function (p) { return p.actual; }), symbolSize: 7, lineStyle: { width: 3 }, color: "#a4262c" },
      { name: "预期执行进度", type: "line", data: curve.map(function (p) { return p.expected; }), color: "#2e9d4f" },
      { name: "序时进度", type: "line", data: curve.map(function (p) { return p.time; }), lineStyle: { type: "dashed" }, color: "#6c757d" }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
  return chart;
}

function jixiaoLightChart(elementId, counts) {
  var chart = echarts.init(document.getElementById(elementId));
  var items = [
    { name: "红灯", value: counts.red || 0, itemStyle: { color: "#d9342b" } },
    { name: "黄灯", value: counts.yellow || 0, itemStyle: { color: "#f0ad00" } },
    { name: "蓝灯", value: counts.blue || 0, itemStyle: { color: "#2f6fd6" } },
    { name: "绿灯", value: counts.green || 0, itemStyle: { color: "#2e9d4f" } }
  ];
  chart.setOption({
    animation: false,
    tooltip: { trigger: "item", formatter: "{b}：{c} 个（{d}%）" },
    series: [{ type: "pie", radius: ["45%", "75%"], label: { formatter: "{b} {c}" }, data: items }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
  return chart;
}

// Self-evaluation: how many forms got each grade (优/良/中/差).
function jixiaoGradeChart(elementId, grades) {
  var element = document.getElementById(elementId);
  if (!element || !window.echarts) { return; }
  var colours = { "优": "#2e9d4f", "良": "#4f81bd", "中": "#d9a400", "差": "#a4262c" };
  var chart = echarts.init(element);
  chart.setOption({
    animation: false,
    grid: { left: 36, right: 12, top: 24, bottom: 28 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: grades.map(function (g) { return g.name; }) },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: grades.map(function (g) { return { value: g.value, itemStyle: { color: colours[g.name] } }; }), label: { show: true, position: "top" } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
}
