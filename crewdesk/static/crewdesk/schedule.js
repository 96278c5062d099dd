// The schedule: drag a job card to another day or person. The move is posted with fetch (the
// same URL the card's "Move" form posts to), then the grid is reloaded over htmx.
(() => {
  "use strict";
  let dragged = null;

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) return meta.content;
    try {
      const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
    } catch (e) { /* fall through to the cookie */ }
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function showError(text) {
    const box = document.getElementById("schedule-alert");
    if (!box) return;
    box.replaceChildren();
    const alert = document.createElement("div");
    alert.className = "alert alert-danger";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    box.appendChild(alert);
  }

  function reloadGrid() {
    const grid = document.getElementById("schedule-grid");
    if (!grid) return;
    const url = grid.dataset.refreshUrl || window.location.href;
    if (window.htmx) {
      window.htmx.ajax("GET", url, { target: "#schedule-grid", select: "#schedule-grid", swap: "outerHTML" });
    } else {
      window.location.reload();
    }
  }

  async function move(card, fromCell, cell) {
    const body = new FormData();
    if (cell.dataset.date !== card.dataset.date) body.append("date", cell.dataset.date);
    if (fromCell && cell.dataset.assignee !== fromCell.dataset.assignee) {
      body.append("assignee", cell.dataset.assignee);
    }
    if (![...body.keys()].length) { reloadGrid(); return; }
    try {
      const response = await fetch(card.dataset.moveUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch", Accept: "application/json" },
      });
      let data = {};
      try { data = await response.json(); } catch (e) { data = {}; }
      if (!response.ok || !data.ok) showError(data.detail || response.statusText || "The job could not be moved.");
      else document.getElementById("schedule-alert")?.replaceChildren();
    } catch (e) {
      showError(String(e));
    }
    reloadGrid();
  }

  // The "Move" link opens its form in a dialog instead of a new page (the page stays the
  // way without JavaScript).
  document.addEventListener("click", async (event) => {
    const link = event.target.closest && event.target.closest("a[data-move-dialog]");
    const dialog = document.getElementById("move-dialog");
    if (!link || !dialog || typeof dialog.showModal !== "function") return;
    event.preventDefault();
    try {
      const response = await fetch(link.href, { credentials: "same-origin" });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const form = page.querySelector(".move-form-card");
      if (!form) { window.location.href = link.href; return; }
      dialog.replaceChildren(document.importNode(form, true));
      dialog.showModal();
      dialog.querySelector("input, select")?.focus();
    } catch (e) {
      window.location.href = link.href;
    }
  });
  document.addEventListener("click", (event) => {
    const close = event.target.closest && event.target.closest("#move-dialog [data-close-dialog]");
    if (!close) return;
    event.preventDefault();
    close.closest("dialog").close();
  });

  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(".schedule-card[draggable='true']");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.job || "");
  });
  document.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    document.querySelectorAll(".drop-target").forEach((el) => el.classList.remove("drop-target"));
  });
  document.addEventListener("dragover", (event) => {
    const cell = dragged && event.target.closest && event.target.closest(".schedule-cell");
    if (!cell) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    document.querySelectorAll(".drop-target").forEach((el) => el !== cell && el.classList.remove("drop-target"));
    cell.classList.add("drop-target");
  });
  document.addEventListener("drop", (event) => {
    const cell = dragged && event.target.closest && event.target.closest(".schedule-cell");
    if (!cell) return;
    event.preventDefault();
    const card = dragged;
    const fromCell = card.closest(".schedule-cell");
    cell.classList.remove("drop-target");
    if (cell === fromCell) return;
    cell.appendChild(card); // at once, so the move feels immediate; the reload confirms it
    move(card, fromCell, cell);
  });
})();
