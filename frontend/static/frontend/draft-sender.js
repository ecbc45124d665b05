// Reports saved on the phone while offline, and how they are sent. One copy of this code for
// both places that send them: the service worker (Background Sync, importScripts) and the
// pages (bundled by esbuild from src/js/drafts.js). Plain IndexedDB, because a classic
// service worker script cannot import the `idb` module the pages use; the database layout
// (warga-drafts v1, store "drafts", key "id") is the same in both.
//
// A waiting draft is {id: <idempotency key>, state: "waiting"|"failed", fields: {...},
// photos: [{name, blob}], csrf, error, errorFields, savedAt}. Sending POSTs it to /api/v1/reports/ with its
// idempotency key, so a draft sent twice (by the worker and a page at once) makes one report.
(function (scope) {
  "use strict";
  var DB_NAME = "warga-drafts";
  var STORE = "drafts";
  var SUBMIT_URL = "/api/v1/reports/";
  var VILLAGE_URL = "/api/v1/regions/villages/";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        if (!request.result.objectStoreNames.contains(STORE)) {
          request.result.createObjectStore(STORE, { keyPath: "id" });
        }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function waiting() {
    return run("readonly", function (store) { return store.getAll(); }).then(function (all) {
      return (all || []).filter(function (draft) { return draft.state === "waiting" || draft.state === "failed"; });
    });
  }

  function put(draft) { return run("readwrite", function (store) { store.put(draft); }); }
  function remove(id) { return run("readwrite", function (store) { store.delete(id); }); }

  function messageOf(answer, status) {
    var error = answer && answer.error;
    if (!error) return "HTTP " + status;
    var parts = [];
    if (error.fields) {
      Object.keys(error.fields).forEach(function (name) {
        error.fields[name].forEach(function (item) { parts.push(item.message); });
      });
    }
    return parts.length ? parts.join(" ") : error.message;
  }

  // A village typed while offline is matched when the connection returns: the one village of
  // that exact name, or the one of an earlier report near the point.
  function resolveVillage(fields) {
    if (fields.village_code || !fields.village_query) return Promise.resolve(fields.village_code || "");
    var url = VILLAGE_URL + "?limit=5&q=" + encodeURIComponent(fields.village_query);
    if (fields.latitude && fields.longitude) {
      url += "&latitude=" + encodeURIComponent(fields.latitude) + "&longitude=" + encodeURIComponent(fields.longitude);
    }
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) return "";
      return response.json().then(function (villages) {
        var near = villages.filter(function (v) { return v.near; });
        if (near.length === 1) return near[0].code;
        var exact = villages.filter(function (v) { return v.name.toLowerCase() === fields.village_query.trim().toLowerCase(); });
        return exact.length === 1 ? exact[0].code : "";
      });
    });
  }

  function sendOne(draft, csrf) {
    return resolveVillage(draft.fields).then(function (villageCode) {
      var body = new FormData();
      // Unmatched, the typed name goes as the code: the service's refusal then names it.
      var village = villageCode || (draft.fields.village_query || "").trim().slice(0, 20);
      var fields = Object.assign({}, draft.fields, { village_code: village, idempotency_key: draft.id, type: "pengaduan" });
      delete fields.village_query;
      Object.keys(fields).forEach(function (name) { body.append(name, fields[name]); });
      (draft.photos || []).forEach(function (photo) { body.append("photos", photo.blob, photo.name); });
      return fetch(SUBMIT_URL, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf || draft.csrf || "", "Idempotency-Key": draft.id, Accept: "application/json" },
      });
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (answer) {
        if (response.ok) {
          return remove(draft.id).then(function () {
            return { id: draft.id, sent: true, tracking_number: answer.tracking_number, government_name: answer.government_name };
          });
        }
        // Refused for what it says (bad input): kept, marked, and shown; the citizen decides.
        // Not signed in, throttled or a server error: kept waiting for the next try.
        var final = response.status === 400 || response.status === 422;
        draft.state = final ? "failed" : "waiting";
        draft.error = messageOf(answer, response.status);
        // Which fields were refused: a village the server could not place is chosen again.
        draft.errorFields = answer && answer.error && answer.error.fields ? Object.keys(answer.error.fields) : [];
        return put(draft).then(function () { return { id: draft.id, sent: false, error: draft.error }; });
      });
    });
  }

  // Sends every waiting draft in turn; stops at the first network failure (still offline).
  function sendAll(csrf) {
    return waiting().then(function (drafts) {
      var results = [];
      var chain = Promise.resolve();
      drafts.filter(function (d) { return d.state === "waiting"; }).forEach(function (draft) {
        chain = chain.then(function () {
          return sendOne(draft, csrf).then(function (result) { results.push(result); });
        });
      });
      return chain.then(function () { return results; }, function () { return results; });
    });
  }

  scope.wargaDrafts = { open: open, waiting: waiting, put: put, remove: remove, sendAll: sendAll, DB_NAME: DB_NAME, STORE: STORE };
})(typeof self !== "undefined" ? self : globalThis);
