// The public map: reports in the visible box from the feed API, clustered when zoomed out, and
// counts per grid cell when the box holds more than a page (the server decides). The list beside
// the map follows the same answer. Without this script the page is a list with filters.
import L from "../js/leaflet-global.js";
import "leaflet.markercluster";

const element = document.getElementById("peta");
const list = document.getElementById("daftar");
const filters = document.getElementById("saring");
const labels = JSON.parse(document.getElementById("label-peta").textContent);

const box = element.dataset.bbox.split(",").map(Number);
element.hidden = false;
const map = L.map(element, { zoomControl: true }).fitBounds([[box[0], box[1]], [box[2], box[3]]]);
L.tileLayer(element.dataset.tileUrl, { attribution: element.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
const clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
const cells = L.layerGroup();
map.addLayer(clusters).addLayer(cells);

const query = new URLSearchParams(window.location.search);
const category = query.get("kategori") || "";
let asked = 0;

function text(tag, value, className) {
  const node = document.createElement(tag);
  node.textContent = value;
  if (className) node.className = className;
  return node;
}

function badge(status) {
  const pair = labels.statuses[status] || [status, ""];
  const words = pair[0];
  const tone = pair[1];
  return text("span", words, tone ? `badge badge--${tone}` : "badge");
}

function showReports(results) {
  const items = document.createElement("ul");
  items.className = "card-list";
  for (const report of results) {
    const name = labels.categories[report.category_code] || report.category_code;
    const url = `/laporan/${encodeURIComponent(report.tracking_number)}/`;
    const open = labels.open.includes(report.status);
    const marker = L.marker([report.latitude, report.longitude], {
      icon: L.divIcon({ className: "", html: `<span class="report-pin${open ? "" : " report-pin--ok"}"></span>`, iconSize: [22, 22] }),
      title: `${name} · ${report.tracking_number}`,
      alt: name,
    });
    const popup = document.createElement("div");
    const link = text("a", name);
    link.href = url;
    popup.append(link, document.createElement("br"), badge(report.status));
    marker.bindPopup(popup);
    clusters.addLayer(marker);

    const card = document.createElement("li");
    card.className = "card report-card";
    const title = document.createElement("h3");
    title.className = "report-card__title";
    const cardLink = text("a", name);
    cardLink.href = url;
    title.append(cardLink);
    const meta = document.createElement("p");
    meta.className = "report-card__meta";
    meta.append(badge(report.status), " ", text("span", report.tracking_number, "muted"));
    card.append(title, meta);
    items.append(card);
  }
  list.replaceChildren(results.length ? items : text("p", labels.empty));
}

function showCells(body) {
  for (const cell of body.cells) {
    const size = Math.min(64, 30 + Math.round(Math.log10(cell.count) * 10));
    const marker = L.marker([cell.latitude, cell.longitude], {
      icon: L.divIcon({ className: "", html: `<span class="grid-cell">${cell.count}</span>`, iconSize: [size, size] }),
      title: `${cell.count} ${labels.reports}`,
      alt: `${cell.count} ${labels.reports}`,
    });
    marker.on("click", () => map.fitBounds([[cell.south, cell.west], [cell.north, cell.east]]));
    cells.addLayer(marker);
  }
  list.replaceChildren(text("p", labels.tooMany.replace("%s", body.total)));
}

async function refresh() {
  const bounds = map.getBounds();
  const bbox = [bounds.getSouth(), bounds.getWest(), bounds.getNorth(), bounds.getEast()].map((v) => v.toFixed(5)).join(",");
  filters.elements.bbox.value = bbox;
  query.set("bbox", bbox);
  window.history.replaceState(null, "", `?${query}`);
  const params = new URLSearchParams({ bbox, grid: "true", limit: "100", status: element.dataset.statuses });
  if (category) params.set("category", category);
  const mine = ++asked;
  let body;
  try {
    const response = await fetch(`${element.dataset.feedUrl}?${params}`, { headers: { Accept: "application/json" } });
    body = await response.json();
    if (!response.ok) {
      const fields = (body.error && body.error.fields) || {};
      const first = Object.values(fields)[0];
      throw new Error((first && first[0].message) || body.error.message);
    }
  } catch (error) {
    if (mine !== asked) return;
    clusters.clearLayers();
    cells.clearLayers();
    list.replaceChildren(text("p", error.message || labels.failed, "notice notice--warning"));
    return;
  }
  if (mine !== asked) return;
  clusters.clearLayers();
  cells.clearLayers();
  if (body.kind === "grid") showCells(body);
  else showReports(body.results);
}

let timer;
map.on("moveend", () => {
  window.clearTimeout(timer);
  timer = window.setTimeout(refresh, 250);
});
refresh();
