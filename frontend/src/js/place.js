// The place step's map (Leaflet, loaded on this step only): a draggable pin that fills in the
// coordinates, and the device's location with its accuracy. The village search is the
// wizard's own (it must work offline, where this module may not have been loaded before).
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
}
