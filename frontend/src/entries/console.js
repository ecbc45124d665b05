// The admin console's enhancement: htmx answers the routing simulator in place (the form
// still works as a plain GET without it). The CSP allows no inline style or eval.
import htmx from "htmx.org";

htmx.config.includeIndicatorStyles = false;
htmx.config.allowEval = false;
htmx.config.allowScriptTags = false;
