// Villages of the official list that this phone has already seen (search answers, the
// suggestions of a place step), kept in IndexedDB so that the list still answers offline.
// 83,000 names do not fit on a phone; the ones a citizen searched for or was offered near
// their reports do, and they are the ones they are most likely to need again.
import { openDB } from "idb";

const DB_NAME = "warga-villages";
const STORE = "villages";
const KEEP = 500;
const SEARCH_URL = "/api/v1/regions/villages/";

function database() {
  return openDB(DB_NAME, 1, {
    upgrade(db) {
      db.createObjectStore(STORE, { keyPath: "code" });
    },
  });
}

function fold(text) {
  return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ").trim();
}

// Keeps these villages (newest first when the store is full).
export async function rememberVillages(villages) {
  if (!villages.length || !("indexedDB" in globalThis)) return;
  const db = await database();
  const tx = db.transaction(STORE, "readwrite");
  const seenAt = Date.now();
  for (const village of villages) {
    const { code, name, district_name, regency_name, province_name } = village;
    if (code && name) tx.store.put({ code, name, district_name, regency_name, province_name, seenAt });
  }
  await tx.done;
  const all = await db.getAll(STORE);
  if (all.length > KEEP) {
    const old = all.sort((a, b) => b.seenAt - a.seenAt).slice(KEEP);
    const trim = db.transaction(STORE, "readwrite");
    old.forEach((village) => trim.store.delete(village.code));
    await trim.done;
  }
  db.close();
}

// The kept villages whose name contains the text (names that start with it first).
export async function knownVillages(text, limit = 10) {
  const wanted = fold(text);
  if (!wanted || !("indexedDB" in globalThis)) return [];
  const db = await database();
  const all = await db.getAll(STORE);
  db.close();
  return all
    .filter((village) => fold(village.name).includes(wanted))
    .sort((a, b) => Number(fold(b.name).startsWith(wanted)) - Number(fold(a.name).startsWith(wanted)) || b.seenAt - a.seenAt)
    .slice(0, limit)
    .map((village) => ({ ...village, near: false, offline: true }));
}

// The official list's answer for the text, kept for later; without a connection, the kept
// villages that match. Returns {villages, offline}; null when the server refused the question.
export async function searchVillages(text, { latitude, longitude, limit = 10 } = {}) {
  const params = new URLSearchParams({ q: text, limit: String(limit) });
  if (latitude && longitude) { params.set("latitude", latitude); params.set("longitude", longitude); }
  if (navigator.onLine) {
    try {
      const response = await fetch(`${SEARCH_URL}?${params}`, { headers: { Accept: "application/json" } });
      if (!response.ok) return null;
      const villages = await response.json();
      await rememberVillages(villages).catch(() => undefined);
      return { villages, offline: false };
    } catch (error) {
      // No connection after all: the kept villages below.
    }
  }
  return { villages: await knownVillages(text, limit).catch(() => []), offline: true };
}

// One radio choice for a village, as the place step's template draws it.
export function villageChoice(village, { name = "village_code", idPrefix = "desa", words = {} } = {}) {
  const wrap = Object.assign(document.createElement("div"), { className: "choice" });
  const input = Object.assign(document.createElement("input"), {
    type: "radio", name, id: `${idPrefix}-${village.code}`, value: village.code,
  });
  const label = document.createElement("label");
  label.htmlFor = input.id;
  label.append(Object.assign(document.createElement("strong"), { textContent: village.name }));
  if (village.near && words.suggested) {
    label.append(" ", Object.assign(document.createElement("span"), { className: "badge badge--info", textContent: words.suggested }));
  }
  label.append(Object.assign(document.createElement("span"), {
    className: "hint",
    textContent: `${words.kecamatan || "Kecamatan"} ${village.district_name}, ${village.regency_name}, ${village.province_name}`,
  }));
  wrap.append(input, label);
  return wrap;
}

// The villages a page was rendered with (data-village-* on each choice): kept as if searched.
export function rememberShown(root = document) {
  const shown = [...root.querySelectorAll("[data-village-code]")].map((element) => ({
    code: element.dataset.villageCode,
    name: element.dataset.villageName,
    district_name: element.dataset.districtName,
    regency_name: element.dataset.regencyName,
    province_name: element.dataset.provinceName,
  }));
  return rememberVillages(shown).catch(() => undefined);
}
