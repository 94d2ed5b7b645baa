// Draw a chart from each insight table (the table stays: it is the accessible version).
(function () {
  "use strict";
  if (!window.Chart) { return; }
  var palette = ["#1d70b8", "#f47738", "#00703c", "#d4351c", "#4c2c92", "#505a5f"];
  document.querySelectorAll("[data-insight-chart]").forEach(function (box) {
    var table = document.getElementById(box.dataset.table);
    if (!table) { return; }
    var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return { key: th.dataset.key, label: th.textContent.trim() };
    });
    var keys = (box.dataset.columns || "").split(",").filter(Boolean);
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var labels = rows.map(function (tr) { return tr.cells[0].textContent.trim(); });
    var datasets = keys.map(function (key, i) {
      var index = headers.findIndex(function (h) { return h.key === key; });
      return {
        label: index >= 0 ? headers[index].label : key,
        data: rows.map(function (tr) {
          var cell = tr.cells[index];
          return cell && cell.dataset.value !== undefined ? Number(cell.dataset.value) : null;
        }),
        borderColor: palette[i % palette.length],
        backgroundColor: palette[i % palette.length],
        spanGaps: false
      };
    });
    box.hidden = false;
    new window.Chart(box.querySelector("canvas"), {
      type: box.dataset.insightChart,
      data: { labels: labels, datasets: datasets },
      options: { animation: false, responsive: true, maintainAspectRatio: false }
    });
  });
})();
