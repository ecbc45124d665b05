// The place step's map (Leaflet, loaded on this step only): a draggable pin that fills in the
// coordinates, the device's location with its accuracy, and villages found as one types.
import L from "leaflet";

const INDONESIA = [-2.5, 118];

function number(input) {
  const value = Number.parseFloat((input.value || "").replace(",", "."));
  return Number.isFinite(value) ? value : null;
}

export function enhancePlace(box) {
  const form = box.closest("form");
  const lat = form.querySelector("#latitude");
  const lon = form.querySelector("#longitude");
  const accuracy = box.querySelector("[data-accuracy]");
  const mapElement = box.querySelector("#peta");
  box.hidden = false;

  const start = number(lat) !== null && number(lon) !== null ? [number(lat), number(lon)] : null;
  const map = L.map(mapElement, { zoomControl: true }).setView(start || INDONESIA, start ? 17 : 5);
  L.tileLayer(mapElement.dataset.tileUrl, { attribution: mapElement.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
  const icon = L.divIcon({ className: "place-pin", html: "", iconSize: [28, 28], iconAnchor: [14, 28] });
  const pin = L.marker(start || INDONESIA, { draggable: true, autoPan: true, icon, keyboard: true, title: box.dataset.pinLabel || "" });
  if (start) pin.addTo(map);

  function place(latlng, { zoom = false, fromInputs = false } = {}) {
    pin.setLatLng(latlng);
    if (!map.hasLayer(pin)) pin.addTo(map);
    if (!fromInputs) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      lat.dispatchEvent(new Event("change", { bubbles: true }));
    }
    if (zoom) map.setView(latlng, Math.max(map.getZoom(), 17));
  }

  pin.on("dragend", () => place(pin.getLatLng()));
  map.on("click", (event) => place(event.latlng));
  for (const input of [lat, lon]) {
    input.addEventListener("change", () => {
      if (number(lat) !== null && number(lon) !== null) place(L.latLng(number(lat), number(lon)), { fromInputs: true });
    });
  }

  const locate = box.querySelector("[data-locate]");
  if (!("geolocation" in navigator)) {
    locate.hidden = true;
  } else {
    locate.addEventListener("click", () => {
      accuracy.textContent = box.dataset.locating;
      navigator.geolocation.getCurrentPosition(
        (position) => {
          place(L.latLng(position.coords.latitude, position.coords.longitude), { zoom: true });
          accuracy.textContent = box.dataset.accuracyText.replace("{metres}", String(Math.round(position.coords.accuracy)));
        },
        () => { accuracy.textContent = box.dataset.locateFailed; },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
      );
    });
  }

  // Live search of the official list; the villages of earlier reports near the pin first.
  const search = form.querySelector("[data-village-search]");
  const options = form.querySelector("[data-village-options]");
  const searchButton = form.querySelector("[data-village-search-button]");
  let timer = null;
  let latest = 0;
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); run(); }
  });
  search.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 250); });
  searchButton.addEventListener("click", (event) => { event.preventDefault(); run(); });

  async function run() {
    const text = search.value.trim();
    if (text.length < 3) return;
    const ticket = ++latest;
    const params = new URLSearchParams({ q: text, limit: "10" });
    if (number(lat) !== null && number(lon) !== null) { params.set("latitude", lat.value); params.set("longitude", lon.value); }
    let villages;
    try {
      const response = await fetch(`/api/v1/regions/villages/?${params}`, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      villages = await response.json();
    } catch (error) {
      showEmpty(box.dataset.searchOffline);
      return;
    }
    if (ticket !== latest) return;
    render(villages);
  }

  function showEmpty(text) {
    form.querySelectorAll("[data-village-empty]").forEach((element) => element.remove());
    const note = Object.assign(document.createElement("p"), { className: "muted", textContent: text });
    note.dataset.villageEmpty = "";
    options.after(note);
  }

  function render(villages) {
    const checked = form.querySelector('input[name="village_code"]:checked');
    const keep = checked ? checked.closest(".choice") : null;
    const items = villages
      .filter((village) => !checked || village.code !== checked.value)
      .map((village) => {
        const wrap = Object.assign(document.createElement("div"), { className: "choice" });
        const input = Object.assign(document.createElement("input"), {
          type: "radio", name: "village_code", id: `desa-${village.code}`, value: village.code,
        });
        const label = document.createElement("label");
        label.htmlFor = input.id;
        const strong = Object.assign(document.createElement("strong"), { textContent: village.name });
        label.append(strong);
        if (village.near) {
          label.append(" ", Object.assign(document.createElement("span"), { className: "badge badge--info", textContent: box.dataset.suggested }));
        }
        const hint = Object.assign(document.createElement("span"), {
          className: "hint",
          textContent: `${box.dataset.kecamatan} ${village.district_name}, ${village.regency_name}, ${village.province_name}`,
        });
        label.append(hint);
        wrap.append(input, label);
        return wrap;
      });
    options.replaceChildren(...(keep ? [keep] : []), ...items);
    form.querySelectorAll("[data-village-empty]").forEach((element) => element.remove());
    if (!villages.length) showEmpty(box.dataset.searchEmpty);
  }
}
