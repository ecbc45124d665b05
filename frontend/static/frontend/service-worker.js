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
