// Shows Warga's web push messages. The payload arrives decrypted by the browser:
// {"title": "...", "body": "...", "url": "/notifikasi/"}; the URL is a path on this host.
"use strict";

self.addEventListener("push", function (event) {
  var message = { title: "Warga", body: "", url: "/notifikasi/" };
  if (event.data) {
    try {
      message = Object.assign(message, event.data.json());
    } catch (error) {
      message.body = event.data.text();
    }
  }
  event.waitUntil(
    self.registration.showNotification(message.title, {
      body: message.body,
      icon: "/static/frontend/favicon.svg",
      data: { url: message.url },
    })
  );
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var path = (event.notification.data && event.notification.data.url) || "/notifikasi/";
  // Only paths on this host: a message can never send the reader elsewhere.
  var local = /^\/(?![\/\\])/.test(path) ? path : "/notifikasi/";
  var target = new URL(local, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i += 1) {
        if (windows[i].url === target && "focus" in windows[i]) {
          return windows[i].focus();
        }
      }
      return self.clients.openWindow(target);
    })
  );
});

// --- The report wizard offline (the citizen app's shell and drafts) ----------------------------
// The wizard's steps that can be answered without a connection are kept in SHELL_CACHE by the
// pages (src/js/drafts.js warms it); hashed bundles are cached as they are fetched (their names
// change with their content). Navigations to those steps go to the network first and fall back
// to the copy; nothing else is intercepted. Drafts saved offline are sent by Background Sync.
importScripts("/static/frontend/draft-sender.js");

var SHELL_CACHE = "warga-shell-v1";
var OFFLINE_STEPS = ["/lapor/", "/lapor/foto/", "/lapor/tempat/", "/lapor/kategori/", "/lapor/uraian/"];

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && OFFLINE_STEPS.indexOf(url.pathname) !== -1) {
    event.respondWith(
      fetch(request).catch(function () {
        return caches.open(SHELL_CACHE).then(function (cache) {
          return cache.match(url.pathname === "/lapor/" ? "/lapor/foto/" : url.pathname, { ignoreSearch: true });
        }).then(function (copy) {
          return copy || Response.error();
        });
      })
    );
    return;
  }
  if (url.pathname.indexOf("/static/frontend/dist/") === 0 || url.pathname.indexOf("/static/frontend/icons/") === 0) {
    event.respondWith(
      caches.open(SHELL_CACHE).then(function (cache) {
        return cache.match(request).then(function (copy) {
          return copy || fetch(request).then(function (response) {
            if (response.ok) cache.put(request, response.clone());
            return response;
          });
        });
      })
    );
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag !== "warga-drafts") return;
  event.waitUntil(
    self.wargaDrafts.sendAll().then(function (results) {
      return self.clients.matchAll({ type: "window" }).then(function (windows) {
        windows.forEach(function (client) { client.postMessage({ type: "warga-drafts-sent", results: results }); });
        return self.wargaDrafts.waiting();
      });
    }).then(function (left) {
      // Still offline (or refused for now): failing the event makes the browser try again later.
      if (left.some(function (draft) { return draft.state === "waiting"; })) throw new Error("drafts still waiting");
    })
  );
});
