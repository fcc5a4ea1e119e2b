// Laget's shared script: polite polling for htmx, and keyboard access to wide tables. Everything
// works without it (and without htmx).
//
// A polled fragment carries the ETag of what it shows in data-etag. Sending it back as
// If-None-Match lets the server answer 304 Not Modified, which htmx is configured to ignore, so
// the page (focus, open details, half-filled forms) is left alone while nothing has changed.
// Polls are skipped while the tab is hidden, so a forgotten tab costs the server nothing.
"use strict";

document.addEventListener("htmx:configRequest", (event) => {
  const etag = event.detail.elt.dataset.etag;
  if (etag === undefined) {
    return;
  }
  if (document.visibilityState === "hidden") {
    event.preventDefault();
    return;
  }
  event.detail.headers["If-None-Match"] = etag;
});

// A table wider than a phone scrolls sideways inside .table-wrap; keyboard users can scroll it only
// if the wrapper takes focus, and screen readers then need a name for it (WCAG 2.1.1, 4.1.2). Only
// wrappers that really scroll become tab stops, named by their table's caption or their section's heading.
function makeScrollingTablesFocusable(root) {
  for (const wrap of root.querySelectorAll(".table-wrap:not([tabindex])")) {
    if (wrap.scrollWidth <= wrap.clientWidth) {
      continue;
    }
    wrap.tabIndex = 0;
    if (!wrap.hasAttribute("role")) {
      wrap.setAttribute("role", "region");
    }
    if (wrap.hasAttribute("aria-label") || wrap.hasAttribute("aria-labelledby")) {
      continue;
    }
    const caption = wrap.querySelector("caption");
    const section = wrap.closest("[aria-labelledby]");
    if (caption) {
      wrap.setAttribute("aria-label", caption.textContent.trim());
    } else if (section) {
      wrap.setAttribute("aria-labelledby", section.getAttribute("aria-labelledby"));
    }
  }
}

document.addEventListener("DOMContentLoaded", () => makeScrollingTablesFocusable(document));
document.addEventListener("htmx:afterSettle", (event) => makeScrollingTablesFocusable(event.detail.elt));
window.addEventListener("resize", () => makeScrollingTablesFocusable(document));
