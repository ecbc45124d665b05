// "Nyalakan notifikasi": registers the service worker, asks the browser for a push
// subscription to this installation's VAPID key and hands it to the API. The button stays
// hidden where the browser cannot do web push; the rest of the page needs no script.
(function () {
  "use strict";
  var button = document.getElementById("nyalakan-notifikasi");
  var status = document.getElementById("status-notifikasi");
  if (!button || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return;
  }

  function say(text) {
    status.textContent = text;
  }

  function keyBytes(base64url) {
    var base64 = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function send(subscription) {
    return fetch(button.dataset.langganan, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(subscription.toJSON()),
    }).then(function (response) {
      if (!response.ok) {
        return response.json().then(function (answer) {
          throw new Error(answer.error ? answer.error.message : "HTTP " + response.status);
        });
      }
    });
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") {
          throw new Error("Izin notifikasi tidak diberikan di peramban ini.");
        }
        return navigator.serviceWorker.register("/service-worker.js", { scope: "/" });
      })
      .then(function () {
        return navigator.serviceWorker.ready;
      })
      .then(function (registration) {
        return registration.pushManager.getSubscription().then(function (existing) {
          return (
            existing ||
            registration.pushManager.subscribe({
              userVisibleOnly: true,
              applicationServerKey: keyBytes(button.dataset.vapidKey),
            })
          );
        });
      })
      .then(send)
      .then(function () {
        say("Notifikasi di peramban ini aktif.");
      })
      .catch(function (error) {
        say("Notifikasi belum dapat dinyalakan: " + error.message);
        button.disabled = false;
      });
  });
})();
