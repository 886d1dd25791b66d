// Draws every <canvas data-chart="ID"> from the JSON in <script id="ID" type="application/json">
// (Django's json_script): {"type": "bar"|"line"|"scatter", "labels": [...], "datasets": [...]};
// "stacked": true stacks the bars (a dataset of "type": "line" is drawn over them, e.g. a target).
(function () {
  "use strict";
  var colours = ["#1f6f8b", "#c0392b", "#e0a030", "#2e8b57", "#7a5195"];
  function draw() {
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
      spec.datasets.forEach(function (dataset, index) {
        dataset.backgroundColor = dataset.backgroundColor || colours[index % colours.length];
        dataset.borderColor = dataset.borderColor || colours[index % colours.length];
      });
      var options = {responsive: true, maintainAspectRatio: false, animation: false,
                     locale: document.documentElement.lang || "nl"};
      if (spec.stacked) {
        options.scales = {x: {stacked: true}, y: {stacked: true, beginAtZero: true}};
      }
      if (spec.type === "scatter") {
        spec.datasets[spec.datasets.length - 1].showLine = true;
        options.scales = {x: {min: 0, max: 1, title: {display: true, text: canvas.dataset.xLabel || ""}},
                          y: {min: 0, max: 1, title: {display: true, text: canvas.dataset.yLabel || ""}}};
      }
      new window.Chart(canvas, {type: spec.type, data: {labels: spec.labels, datasets: spec.datasets}, options: options});
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
