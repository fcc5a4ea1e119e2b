// The scenario editor: line numbers beside the text, diagnostics that move the cursor to their line,
// and the autosave conflict message. Without this script the editor still works: every diagnostic
// says its line number, and the page reloads the editor with ?line=N.
"use strict";

(() => {
  const text = () => document.getElementById("text");
  const gutter = () => document.getElementById("gutter");

  function renumber() {
    const area = text();
    const numbers = gutter();
    if (!area || !numbers) {
      return;
    }
    const count = area.value.split("\n").length;
    if (numbers.dataset.count !== String(count)) {
      numbers.textContent = Array.from({ length: count }, (_, i) => i + 1).join("\n") + "\n";
      numbers.dataset.count = String(count);
    }
    numbers.scrollTop = area.scrollTop;
  }

  function goToLine(line) {
    const area = text();
    if (!area || !(line > 0)) {
      return false;
    }
    const lines = area.value.split("\n");
    const target = Math.min(line, lines.length);
    let start = 0;
    for (let i = 0; i < target - 1; i += 1) {
      start += lines[i].length + 1;
    }
    area.focus();
    area.setSelectionRange(start, start + lines[target - 1].length);
    const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 20;
    area.scrollTop = Math.max(0, (target - 1) * lineHeight - area.clientHeight / 3);
    renumber();
    return true;
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-line]");
    if (link && goToLine(parseInt(link.dataset.line, 10))) {
      event.preventDefault();
    }
  });

  document.addEventListener("input", (event) => {
    if (event.target === text()) {
      renumber();
    }
  });

  document.addEventListener(
    "scroll",
    (event) => {
      if (event.target === text()) {
        renumber();
      }
    },
    true,
  );

  // A refused autosave (409: another tab saved first) must still show its message to the author.
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 409 && event.detail.target.id === "save-status") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    const area = text();
    if (!area) {
      return;
    }
    renumber();
    const fromHash = /^#line-(\d+)$/.exec(window.location.hash);
    const line = parseInt(area.dataset.gotoLine || (fromHash ? fromHash[1] : ""), 10);
    if (line > 0) {
      goToLine(line);
    }
  });
})();
