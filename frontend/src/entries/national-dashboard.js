// Charts of the national dashboard, drawn from the tables under them: the page shows every
// number in its tables without JavaScript; with it, each <figure data-chart> is unhidden and
// filled from its table's data-value cells (the same values as the table's CSV).
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip);

const BLUE = "#2166ac";

function columnValues(table, labelColumn, valueColumn) {
  const labels = [];
  const values = [];
  for (const row of table.tBodies[0]?.rows ?? []) {
    const cells = row.cells;
    if (cells.length <= Math.max(labelColumn, valueColumn)) continue;
    labels.push(cells[labelColumn].textContent.trim());
    values.push(Number(cells[valueColumn].dataset.value || 0));
  }
  return { labels, values };
}

for (const figure of document.querySelectorAll("figure[data-chart]")) {
  const table = document.getElementById(figure.dataset.table);
  if (!table) continue;
  const kind = figure.dataset.chart;
  // Series: day, reports. Categories: name, code, type, reports.
  const { labels, values } = kind === "line" ? columnValues(table, 0, 1) : columnValues(table, 0, 3);
  if (!labels.length) continue;
  figure.hidden = false;
  // One bar takes about two lines; a single category should not fill a screen.
  if (kind === "bar") figure.style.height = `${Math.max(6, labels.length * 2.2 + 3)}rem`;
  new Chart(figure.querySelector("canvas"), {
    type: kind,
    data: { labels, datasets: [{ data: values, borderColor: BLUE, backgroundColor: BLUE, pointRadius: 2 }] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      indexAxis: kind === "bar" ? "y" : "x",
      plugins: { legend: { display: false } },
      scales: {
        x: { beginAtZero: kind === "bar", ticks: kind === "bar" ? { precision: 0 } : {} },
        y: { beginAtZero: kind === "line", ticks: kind === "line" ? { precision: 0 } : {} },
      },
    },
  });
}
