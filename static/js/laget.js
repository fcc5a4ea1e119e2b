// Laget's only script: polite polling for htmx. Everything works without it (and without htmx).
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
