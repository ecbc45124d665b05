// Every page of the shared citizen app loads this small module; pages that need more (the
// wizard, the map) load their own entry beside it.
import "../js/enhance.js";
