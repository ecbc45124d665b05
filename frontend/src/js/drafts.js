// The report being written, kept on the phone as the citizen goes (IndexedDB through `idb`),
// and the reports waiting to be sent. Sending is shared with the service worker
// (static/frontend/draft-sender.js); this module adds the page's side: the current draft,
// queueing it, Background Sync, and saying what is waiting.
import { openDB } from "idb";
import "../../static/frontend/draft-sender.js";
import { csrfToken } from "./csrf.js";
import { searchVillages, villageChoice } from "./villages.js";

const CURRENT = "current";
const FLAG = "warga-drafts-waiting";
const sender = globalThis.wargaDrafts;

function database() {
  return openDB(sender.DB_NAME, 1, {
    upgrade(db) {
      if (!db.objectStoreNames.contains(sender.STORE)) db.createObjectStore(sender.STORE, { keyPath: "id" });
    },
  });
}

export async function currentDraft() {
  const db = await database();
  const draft = (await db.get(sender.STORE, CURRENT)) || { id: CURRENT, state: "writing", fields: {}, photos: [] };
  db.close();
  return draft;
}

export async function saveCurrent(update) {
  const draft = await currentDraft();
  Object.assign(draft.fields, update.fields || {});
  if (update.photos) draft.photos = update.photos;
  if (update.serverDraft) draft.serverDraft = update.serverDraft;
  const db = await database();
  await db.put(sender.STORE, draft);
  db.close();
  return draft;
}

export async function forgetCurrent() {
  const db = await database();
  await db.delete(sender.STORE, CURRENT);
  db.close();
}

// The current draft becomes a waiting report with its own idempotency key.
export async function queueCurrent() {
  const draft = await currentDraft();
  const key = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const waiting = { ...draft, id: key, state: "waiting", csrf: csrfToken(), savedAt: new Date().toISOString() };
  const db = await database();
  const tx = db.transaction(sender.STORE, "readwrite");
  await Promise.all([tx.store.put(waiting), tx.store.delete(CURRENT), tx.done]);
  db.close();
  localStorage.setItem(FLAG, "1");
  try {
    const registration = await navigator.serviceWorker.ready;
    if (registration.sync) await registration.sync.register("warga-drafts");
  } catch (error) {
    // No Background Sync: the next page load (or the `online` event) sends it.
  }
  return waiting;
}

export function waitingDrafts() {
  return sender.waiting();
}

let sending = null;

// Sends what is waiting (once at a time per page); returns the results.
export function sendWaiting() {
  if (!sending) {
    sending = sender.sendAll(csrfToken()).finally(() => { sending = null; });
  }
  return sending.then(async (results) => {
    const left = await sender.waiting();
    if (!left.length) localStorage.removeItem(FLAG);
    return results;
  });
}

export function anyWaitingFlag() {
  return localStorage.getItem(FLAG) === "1";
}

// Says on the page what is waiting, what was sent and what was refused.
export async function showStatus(results = []) {
  const box = document.querySelector("[data-drafts-status]");
  if (!box) return;
  const left = await sender.waiting();
  const lines = [];
  for (const result of results) {
    if (result.sent) lines.push(`${box.dataset.sent} ${result.tracking_number} (${result.government_name})`);
  }
  const waitingCount = left.filter((d) => d.state === "waiting").length;
  if (waitingCount === 1) lines.push(box.dataset.waitingOne);
  else if (waitingCount > 1) lines.push(box.dataset.waitingMany.replace("{count}", String(waitingCount)));
  const paragraphs = lines.map((line) => Object.assign(document.createElement("p"), { textContent: line }));
  // A refused draft stays until the citizen throws it away (its text is shown to copy from).
  for (const draft of left.filter((d) => d.state === "failed" || d.error)) {
    const item = Object.assign(document.createElement("p"), { textContent: `${box.dataset.failed} ${draft.error} ` });
    const picker = draft.state === "failed" && (draft.errorFields || []).includes("village_code") ? villagePicker(box, draft) : null;
    if (draft.state === "failed") {
      const discard = Object.assign(document.createElement("button"), {
        type: "button",
        className: "button button--secondary",
        textContent: box.dataset.discard,
      });
      discard.addEventListener("click", async () => {
        await sender.remove(draft.id);
        if (!(await sender.waiting()).length) localStorage.removeItem(FLAG);
        showStatus();
      });
      const text = Object.assign(document.createElement("span"), { className: "hint", textContent: draft.fields.description || "" });
      item.append(text, discard);
    }
    paragraphs.push(item);
    if (picker) paragraphs.push(picker);
  }
  box.replaceChildren(...paragraphs);
  box.hidden = paragraphs.length === 0;
  box.classList.toggle("notice--success", results.some((r) => r.sent) && waitingCount === 0);
}

// A draft refused because its village could not be placed (a name typed offline that matches
// none or several): the citizen chooses the village from the list now, and it is sent again
// with the same idempotency key. Nothing written offline is lost.
function villagePicker(box, draft) {
  const words = box.dataset;
  const id = `desa-draf-${draft.id}`;
  const picker = Object.assign(document.createElement("div"), { className: "draft-village" });
  picker.dataset.draftVillage = draft.id;
  const label = Object.assign(document.createElement("label"), { htmlFor: id, textContent: words.pickLabel });
  const hint = Object.assign(document.createElement("span"), { className: "hint", id: `${id}-hint`, textContent: words.pickHint });
  const search = Object.assign(document.createElement("input"), { type: "search", id, value: draft.fields.village_query || "", autocomplete: "off" });
  search.setAttribute("aria-describedby", hint.id);
  const searchButton = Object.assign(document.createElement("button"), { type: "button", className: "button button--secondary", textContent: words.pickSearch });
  const row = Object.assign(document.createElement("div"), { className: "search-row" });
  row.append(search, searchButton);
  const list = document.createElement("fieldset");
  list.append(Object.assign(document.createElement("legend"), { textContent: words.pickLegend }));
  const options = document.createElement("div");
  const message = Object.assign(document.createElement("p"), { className: "muted" });
  message.setAttribute("role", "status");
  list.append(options, message);
  const send = Object.assign(document.createElement("button"), { type: "button", className: "button", textContent: words.pickSend });
  picker.append(label, hint, row, list, send);

  async function run() {
    const text = search.value.trim();
    if (text.length < 3) return;
    const answer = await searchVillages(text, { latitude: draft.fields.latitude, longitude: draft.fields.longitude });
    const villages = answer ? answer.villages : [];
    options.replaceChildren(...villages.map((village) => villageChoice(village, { name: id, idPrefix: id, words: { suggested: words.pickSuggested, kecamatan: words.pickKecamatan } })));
    message.textContent = villages.length ? "" : words.pickEmpty;
  }
  search.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); run(); } });
  searchButton.addEventListener("click", run);
  options.addEventListener("change", () => { message.textContent = ""; });
  send.addEventListener("click", async () => {
    const chosen = options.querySelector("input:checked");
    if (!chosen) { message.textContent = words.pickNone; return; }
    const fields = { ...draft.fields, village_code: chosen.value, village_query: "" };
    await sender.put({ ...draft, fields, state: "waiting", error: "", errorFields: [] });
    localStorage.setItem(FLAG, "1");
    showStatus(navigator.onLine ? await sendWaiting() : []);
  });
  run();
  return picker;
}
