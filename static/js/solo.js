// Solo practice: after a choice or an answer is swapped in by htmx, move focus to the feedback.
//
// The pressed button is gone after the swap, so without this the keyboard focus would fall back to
// the top of the page. The feedback is also in a live region, so screen readers hear it either way.
"use strict";

document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.elt.id !== "solo-play") {
    return;
  }
  // A form sent without a pick comes back marked: go to its first option, next to the message.
  const invalid = event.detail.elt.querySelector("input[aria-invalid=true]");
  const target =
    invalid || document.getElementById("solo-feedback-heading") || document.getElementById("scene-heading");
  if (target) {
    target.focus({ preventScroll: false });
  }
});
