// Every page on a government host loads this small module.
import "../js/enhance.js";
