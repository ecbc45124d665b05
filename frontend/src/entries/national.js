// Every national page loads this small module.
import "../js/enhance.js";
