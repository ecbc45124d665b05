// The officials' report page: the map of the place (the page states the coordinates in words
// too, so it is usable without tiles or JavaScript), and the proof form's capture time and
// position read from the device when it can tell them.
import "leaflet/dist/leaflet.css";
import L from "leaflet";

const mapElement = document.getElementById("peta");
if (mapElement) {
  const lat = Number(mapElement.dataset.lat);
  const lon = Number(mapElement.dataset.lon);
  const map = L.map(mapElement, { scrollWheelZoom: false }).setView([lat, lon], 17);
  if (mapElement.dataset.tileUrl) {
    L.tileLayer(mapElement.dataset.tileUrl, { attribution: mapElement.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  L.circleMarker([lat, lon], { radius: 10, color: "#b3261e", weight: 3, fillOpacity: 0.4 }).addTo(map).bindTooltip("Laporan");
  for (const name of Object.keys(mapElement.dataset)) {
    if (!name.startsWith("proof")) continue;
    const parts = mapElement.dataset[name].split(",").map(Number);
    L.circleMarker([parts[0], parts[1]], { radius: 7, color: "#00703c", weight: 3, fillOpacity: 0.6 }).addTo(map).bindTooltip("Foto bukti");
  }
}

function localDateTime(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

const proofForm = document.querySelector("form[data-proof-form]");
if (proofForm) {
  const photo = proofForm.querySelector("input[type=file]");
  const taken = proofForm.querySelector("input[name$='diambil']");
  const lat = proofForm.querySelector("input[name$='lintang']");
  const lon = proofForm.querySelector("input[name$='bujur']");
  const status = document.createElement("p");
  status.className = "hint";
  status.setAttribute("role", "status");
  proofForm.insertBefore(status, proofForm.querySelector("button[type=submit]"));
  const locate = () => {
    if (!("geolocation" in navigator)) {
      status.textContent = "Perangkat ini tidak memberi lokasi: isi lintang dan bujur sendiri.";
      return;
    }
    status.textContent = "Membaca lokasi perangkat…";
    navigator.geolocation.getCurrentPosition(
      (position) => {
        lat.value = position.coords.latitude.toFixed(6);
        lon.value = position.coords.longitude.toFixed(6);
        status.textContent = `Lokasi terbaca (±${Math.round(position.coords.accuracy)} m).`;
      },
      () => {
        status.textContent = "Lokasi tidak dapat dibaca: izinkan lokasi, atau isi lintang dan bujur sendiri.";
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  };
  photo.addEventListener("change", () => {
    const file = photo.files && photo.files[0];
    // A photo taken just now with the camera: its capture time is now; a picked file keeps its own.
    const when = file && file.lastModified ? new Date(file.lastModified) : new Date();
    if (taken && !taken.value) taken.value = localDateTime(when);
    if (!lat.value || !lon.value) locate();
  });
}
