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

// A choice form is kept across polls (hx-preserve) while the choices stay the same; when a choice opens
// or closes mid-scene the server names the form anew and the poll swaps it. The person's picked but
// unconfirmed choice is then picked again in the new form of the same scene and role, if it is still
// offered, and focus goes back to it if it was there.
let pickedChoice = null;

function choiceForm(form) {
  const field = (name) => form.querySelector(`input[name=${name}]`)?.value ?? "";
  return `${field("scene")} ${field("role")}`;
}

document.addEventListener("htmx:beforeSwap", (event) => {
  pickedChoice = null;
  if (event.detail.requestConfig?.verb !== "get") {
    return;
  }
  const picked = event.detail.target.querySelector("form.choices input[name=choice]:checked");
  if (picked) {
    pickedChoice = {
      form: choiceForm(picked.form),
      value: picked.value,
      focused: document.activeElement === picked,
    };
  }
});

document.addEventListener("htmx:afterSettle", () => {
  if (pickedChoice === null) {
    return;
  }
  const { form, value, focused } = pickedChoice;
  pickedChoice = null;
  const again = [...document.querySelectorAll("form.choices input[name=choice]")].find(
    (input) => input.value === value && choiceForm(input.form) === form,
  );
  if (again && !again.checked) {
    again.checked = true;
    if (focused) {
      again.focus();
    }
  }
});

// When a poll swaps the participant screen while focus is in it (a choice or checkpoint form that the new
// scene replaces), focus would fall to the page and the next Tab land in the footer. It goes to the new
// scene's heading (or the ending's) instead; focus that htmx could keep (same id) is left where it is.
let focusWasInSwap = false;

document.addEventListener("htmx:beforeSwap", (event) => {
  const active = document.activeElement;
  focusWasInSwap = Boolean(active && active !== document.body && event.detail.target.contains(active));
});

document.addEventListener("htmx:afterSettle", () => {
  if (!focusWasInSwap) {
    return;
  }
  focusWasInSwap = false;
  const active = document.activeElement;
  if (active && active !== document.body && document.contains(active)) {
    return;
  }
  const heading = document.querySelector("#scene-heading, #ending-heading");
  if (heading) {
    heading.focus();
  }
});

// A swapped form that marks a field with autofocus (the observer's note after saving, a form sent back with
// errors) takes focus there once htmx has settled, after htmx has put focus back on the clicked button.
document.addEventListener("htmx:afterSettle", (event) => {
  // An outerHTML swap reports the element it replaced; its successor carries the same id.
  let target = event.detail.target;
  if (target && !document.contains(target)) {
    target = target.id ? document.getElementById(target.id) : null;
  }
  const field = target ? target.querySelector("[autofocus]") : null;
  if (field && document.activeElement !== field) {
    field.focus();
  }
});
