// Every page of the shared citizen app loads this small module; pages that need more (the
// wizard, the map) load their own entry beside it.
import "../js/enhance.js";
// Reports saved on this phone while offline are sent on the next page load with a connection.
if (navigator.onLine && localStorage.getItem("warga-drafts-waiting") === "1") {
  import("../js/drafts.js").then((drafts) => drafts.sendWaiting()).catch(() => undefined);
}
