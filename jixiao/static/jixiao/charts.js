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
