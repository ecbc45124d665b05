// The report wizard's enhancements; every step works without them (plain forms).
// - Photos are made smaller on the phone before they are uploaded.
// - The place step gets a map with a draggable pin and the device's location (the map module
//   is loaded on that step only), and a live search of the official village list; offline,
//   the villages this phone has already seen (js/villages.js).
// - The category list filters as the citizen types; an emergency answers "112" at once.
// - Offline: each step is kept on the phone; without a connection the steps open from the
//   service worker's copy, and the finished report waits on the phone until it can be sent.
import {
  anyWaitingFlag,
  currentDraft,
  forgetCurrent,
  queueCurrent,
  saveCurrent,
  sendWaiting,
  showStatus,
  waitingDrafts,
} from "../js/drafts.js";
import { csrfToken } from "../js/csrf.js";
import { resizePhoto } from "../js/photos.js";
import { rememberShown, searchVillages, villageChoice } from "../js/villages.js";

const SHELL_CACHE = "warga-shell-v1";
const OFFLINE_STEPS = ["/lapor/foto/", "/lapor/tempat/", "/lapor/kategori/", "/lapor/uraian/"];
const SHELL_MAX_AGE_MS = 24 * 60 * 60 * 1000;
const strings = document.querySelector("[data-drafts-status]")?.dataset || {};

// --- Service worker, app shell, waiting drafts -------------------------------------------------

async function warmShell() {
  const cache = await caches.open(SHELL_CACHE);
  const assets = new Set(
    performance
      .getEntriesByType("resource")
      .map((entry) => new URL(entry.name))
      .filter((url) => url.origin === location.origin && url.pathname.startsWith("/static/frontend/dist/"))
      .map((url) => url.pathname),
  );
  for (const element of document.querySelectorAll('link[rel="stylesheet"], script[type="module"][src]')) {
    const url = new URL(element.href || element.src, location.href);
    if (url.origin === location.origin) assets.add(url.pathname);
  }
  await Promise.all(
    [...assets].map((path) => cache.match(path).then((hit) => hit || cache.add(path).catch(() => undefined))),
  );
  // The steps' copies are refreshed once a day, not on every page: mobile data costs money.
  await Promise.all(
    OFFLINE_STEPS.map(async (path) => {
      const copy = await cache.match(path);
      const age = copy ? Date.now() - Date.parse(copy.headers.get("Date") || "") : Infinity;
      if (age < SHELL_MAX_AGE_MS) return;
      const response = await fetch(path, { credentials: "same-origin", headers: { "X-Warga-Shell": "1" } });
      if (response.ok && !response.redirected) await cache.put(path, response);
    }),
  );
}

async function clearServerDraft() {
  await fetch("/lapor/ulang/", { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() } });
}

async function sendAndShow() {
  if (!navigator.onLine) return showStatus();
  const results = await sendWaiting();
  if (results.some((result) => result.sent)) await clearServerDraft().catch(() => undefined);
  // The "no connection" notes are out of date once something went out.
  if (results.length) document.querySelectorAll("[data-offline-note]").forEach((note) => note.remove());
  await showStatus(results);
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.type === "warga-drafts-sent") showStatus(event.data.results);
  });
  navigator.serviceWorker
    .register("/service-worker.js")
    .then(() => navigator.serviceWorker.ready)
    .then(() => (navigator.onLine ? warmShell() : undefined))
    .then(() => { document.documentElement.dataset.offlineReady = "1"; })
    .catch(() => undefined);
}
window.addEventListener("online", () => sendAndShow());
waitingDrafts().then((left) => (left.length || anyWaitingFlag() ? sendAndShow() : undefined));

// A finished report (sent online) ends the draft kept on the phone.
if (document.querySelector("[data-wizard-finished]")) forgetCurrent();

// The phone's copy starts afresh with each new draft on the server.
const serverDraft = document.querySelector("[data-server-draft]")?.dataset.serverDraft;
if (serverDraft && navigator.onLine) {
  currentDraft().then((draft) => {
    if (draft.serverDraft !== serverDraft) return forgetCurrent().then(() => saveCurrent({ serverDraft }));
    return undefined;
  });
}

// --- Photos ------------------------------------------------------------------------------------

const photoInput = document.querySelector('input[type="file"][name="photos"]');
let resized = Promise.resolve([]);
if (photoInput && "DataTransfer" in window) {
  photoInput.addEventListener("change", () => {
    const chosen = [...photoInput.files].slice(0, Number(photoInput.dataset.max || 5));
    resized = Promise.all(chosen.map((file) => resizePhoto(file))).then((files) => {
      const transfer = new DataTransfer();
      files.forEach((file) => transfer.items.add(file));
      photoInput.files = transfer.files;
      const previews = document.querySelector("[data-photo-previews]");
      previews.replaceChildren(
        ...files.map((file) => {
          const item = document.createElement("li");
          const image = new Image();
          image.src = URL.createObjectURL(file);
          image.alt = "";
          item.append(image, document.createTextNode(`${Math.round(file.size / 1024)} KB`));
          return item;
        }),
      );
      return files;
    });
  });
}

// --- Steps kept on the phone; offline they continue from the copies ----------------------------

function fieldsOf(form, step, submitter) {
  const data = new FormData(form);
  const value = (name) => (data.get(name) || "").toString();
  switch (step) {
    case "tempat":
      return {
        latitude: value("latitude"),
        longitude: value("longitude"),
        village_code: value("village_code"),
        village_query: value("village_code") ? "" : value("cari"),
      };
    case "kategori":
      return { category_code: value("category_code") };
    case "uraian":
      return { description: value("description"), privacy: value("privacy"), answers: JSON.stringify(answersOf(form)) };
    case "foto":
      return { no_photo: submitter && submitter.value === "skip" ? "1" : "" };
    default:
      return {};
  }
}

// The category's questions on the description step (fields "answer-<code>"; disabled ones are
// not in the form data), as the API takes them: {code: text, or a list for ticked boxes}.
function answersOf(form) {
  const answers = {};
  const lists = new Set([...form.querySelectorAll('input[type="checkbox"][name^="answer-"]')].map((box) => box.name));
  for (const [name, given] of new FormData(form)) {
    if (!name.startsWith("answer-") || given === "") continue;
    const code = name.slice("answer-".length);
    if (lists.has(name)) (answers[code] = answers[code] || []).push(String(given));
    else answers[code] = String(given);
  }
  return answers;
}

function missing(step, fields, photos) {
  if (step === "foto") return !photos.length && !fields.no_photo;
  if (step === "tempat") return !fields.latitude || !fields.longitude || !(fields.village_code || fields.village_query);
  if (step === "kategori") return !fields.category_code;
  if (step === "uraian") return !fields.description.trim() || !fields.privacy;
  return false;
}

function say(form, text) {
  let box = form.querySelector("[data-offline-message]");
  if (!box) {
    box = Object.assign(document.createElement("p"), { className: "notice notice--warning" });
    box.dataset.offlineMessage = "";
    box.setAttribute("role", "alert");
    form.prepend(box);
  }
  box.textContent = text;
}

async function keep(form, step, submitter) {
  const fields = fieldsOf(form, step, submitter);
  const draft = await currentDraft();
  let photos = draft.photos;
  if (step === "foto") {
    const added = await resized;
    photos = photos.concat(added.map((file) => ({ name: file.name, blob: file }))).slice(0, 5);
    resized = Promise.resolve([]);
  }
  await saveCurrent({ fields, photos });
  return { fields, photos };
}

for (const form of document.querySelectorAll("form[data-wizard-step]")) {
  const step = form.dataset.wizardStep;
  let passing = false;
  form.addEventListener("submit", async (event) => {
    if (passing) return;
    const submitter = event.submitter;
    // Decided before anything waits: a form can only be submitted again once this event is over.
    if (step === "kirim") {
      if (navigator.onLine) return;
      event.preventDefault();
      say(form, strings.offlineSend);
      window.addEventListener("online", () => { passing = true; form.requestSubmit(submitter); }, { once: true });
      return;
    }
    if (step === "tempat" && submitter && submitter.value === "search") return;
    if (step === "kategori") {
      const chosen = form.querySelector('input[name="category_code"]:checked');
      if (chosen && chosen.dataset.emergency) {
        event.preventDefault();
        showEmergency(chosen);
        return;
      }
    }
    event.preventDefault();
    const kept = await keep(form, step, submitter).catch(() => null);
    if (navigator.onLine || !kept) {
      passing = true;
      form.requestSubmit(submitter);
      passing = false;
      return;
    }
    if (missing(step, kept.fields, kept.photos)) return say(form, strings.offlineMissing);
    if (step === "uraian") {
      await queueCurrent();
      const note = Object.assign(document.createElement("p"), { className: "notice", textContent: strings.offlineSaved });
      note.dataset.offlineNote = "";
      form.replaceChildren(note);
      await showStatus();
      return;
    }
    location.href = form.dataset.next;
  });
}

// --- Description: the offline copy carries every category's questions; keep the draft's -------

const questionGroups = document.querySelectorAll("[data-questions-for][disabled]");
if (questionGroups.length) {
  currentDraft().then((draft) => {
    for (const group of questionGroups) {
      if (group.dataset.questionsFor === draft.fields.category_code) Object.assign(group, { disabled: false, hidden: false });
      else group.remove();
    }
  });
}

// --- Place: map, location, live village search --------------------------------------------------

const mapBox = document.querySelector("[data-place-map]");
if (mapBox) {
  import("../js/place.js").then((place) => place.enhancePlace(mapBox)).catch(() => undefined);
  enhanceVillageSearch(mapBox.closest("form"), mapBox.dataset);
}

// The official list searched as one types; offline, the villages this phone has seen.
function enhanceVillageSearch(form, words) {
  const search = form.querySelector("[data-village-search]");
  const options = form.querySelector("[data-village-options]");
  const searchButton = form.querySelector("[data-village-search-button]");
  rememberShown(form);
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
    const answer = await searchVillages(text, { latitude: form.latitude.value, longitude: form.longitude.value });
    if (!answer || ticket !== latest) return;
    render(answer.villages);
    if (answer.offline) note(answer.villages.length ? words.searchOffline : words.searchOfflineEmpty);
    else if (!answer.villages.length) note(words.searchEmpty);
  }

  function note(text) {
    const box = Object.assign(document.createElement("p"), { className: "muted", textContent: text });
    box.dataset.villageEmpty = "";
    options.after(box);
  }

  function render(villages) {
    const checked = form.querySelector('input[name="village_code"]:checked');
    const keep = checked ? checked.closest(".choice") : null;
    const items = villages
      .filter((village) => !checked || village.code !== checked.value)
      .map((village) => villageChoice(village, { words }));
    options.replaceChildren(...(keep ? [keep] : []), ...items);
    form.querySelectorAll("[data-village-empty]").forEach((element) => element.remove());
  }
}

// --- Category: filter as one types; emergencies answered at once --------------------------------

function showEmergency(input) {
  const alert = document.querySelector("[data-emergency-alert]");
  alert.querySelector("[data-emergency-text]").textContent = input.dataset.emergency;
  alert.hidden = false;
  alert.scrollIntoView({ block: "start" });
}

const categorySearch = document.querySelector("[data-category-search]");
if (categorySearch) {
  categorySearch.form.addEventListener("submit", (event) => event.preventDefault());
  categorySearch.addEventListener("input", () => {
    const text = categorySearch.value.trim().toLowerCase();
    for (const choice of document.querySelectorAll(".category-choice")) {
      choice.hidden = Boolean(text) && !choice.dataset.categoryName.includes(text);
    }
  });
}
for (const input of document.querySelectorAll('input[name="category_code"]')) {
  input.addEventListener("change", () => {
    if (input.dataset.emergency) showEmergency(input);
    else document.querySelector("[data-emergency-alert]").hidden = true;
  });
}

// --- "Saya juga": support the similar report through the API instead of sending a duplicate ---

for (const form of document.querySelectorAll("form[data-support]")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    let response;
    try {
      response = await fetch(form.dataset.support, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      });
    } catch (error) {
      button.disabled = false;
      return;
    }
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      button.disabled = false;
      say(form, (answer.error && answer.error.message) || `HTTP ${response.status}`);
      return;
    }
    // Supported instead of reported: the draft (and its photos on the server) is done with.
    await Promise.all([clearServerDraft(), forgetCurrent()]).catch(() => undefined);
    const thanks = Object.assign(document.createElement("p"), {
      className: "notice notice--success",
      textContent: `${form.dataset.thanks} ${answer.support_count}`,
    });
    thanks.setAttribute("role", "status");
    thanks.dataset.supportCount = String(answer.support_count);
    form.replaceWith(thanks);
    const sendAnyway = document.querySelector("[data-send-anyway]");
    if (sendAnyway) Object.assign(sendAnyway, { href: "/lapor/", textContent: sendAnyway.dataset.afterSupport });
  });
}

// The first error is where the eye goes.
document.querySelector("[data-error-summary]")?.focus();
