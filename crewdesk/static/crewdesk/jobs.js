// The office's job pages: the job form shows the new-property fields only when "+ New
// property" is chosen, adds and removes line rows, fills a line's price from its service and
// shows an estimated total; the checklist form adds item rows (the list's search box: app.js).
// Every page works without it (the forms then show a few blank rows).
(() => {
  function showNewProperty() {
    const select = document.getElementById("id_property");
    const fields = document.getElementById("new-property");
    if (!select || !fields) return;
    fields.classList.toggle("d-none", select.value !== "new");
  }

  // --- numbered rows (lines, checklist items) ---

  function renumber(row, n) {
    row.dataset.n = String(n);
    row.querySelectorAll("[name], [id], label[for]").forEach((el) => {
      for (const attr of ["name", "id", "for"]) {
        const value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(/_\d+$/, `_${n}`));
      }
    });
    row.querySelectorAll("legend, [aria-label]").forEach((el) => {
      if (el.tagName === "LEGEND") el.textContent = el.textContent.replace(/\d+/, n + 1);
      else el.setAttribute("aria-label", el.getAttribute("aria-label").replace(/\d+/, n + 1));
    });
  }

  function addRow(container, selector) {
    const rows = container.querySelectorAll(selector);
    if (!rows.length) return null;
    const last = rows[rows.length - 1];
    const next = Math.max(...[...rows].map((r) => Number(r.dataset.n) || 0)) + 1;
    const row = last.cloneNode(true);
    renumber(row, next);
    row.querySelectorAll("input, select").forEach((el) => {
      if (el.type === "checkbox") el.checked = false;
      else if (el.tagName === "SELECT") el.selectedIndex = 0;
      else el.value = el.classList.contains("line-quantity") ? "1" : "";
    });
    last.after(row);
    const first = row.querySelector("select, input");
    if (first) first.focus();
    return row;
  }

  function number(text) {
    const value = Number(String(text || "").replace(",", ".").trim());
    return Number.isFinite(value) ? value : NaN;
  }

  function updateTotal() {
    const total = document.getElementById("lines-total");
    if (!total) return;
    let cents = 0;
    let any = false;
    document.querySelectorAll(".job-line").forEach((row) => {
      const qty = number(row.querySelector(".line-quantity").value || "1");
      const priceInput = row.querySelector(".line-price");
      const price = number(priceInput.value || priceInput.placeholder);
      if (!Number.isNaN(qty) && !Number.isNaN(price) && (priceInput.value || priceInput.dataset.auto)) {
        cents += Math.round(qty * price * 100);
        any = true;
      }
    });
    // Written as the server writes money (core/formats.py): the company's locale and currency.
    const money = total.dataset.currency
      ? new Intl.NumberFormat(total.dataset.locale || undefined, { style: "currency", currency: total.dataset.currency })
      : null;
    const amount = money ? money.format(cents / 100) : (cents / 100).toFixed(2);
    total.textContent = any ? `${total.dataset.label || "Total"} ${amount}` : "";
  }

  // The chosen property's own price for a service, else the one on the option (catalog).
  function propertyPrice(serviceId) {
    const property = document.getElementById("id_property");
    const option = property && property.selectedOptions[0];
    if (!option || !option.dataset.prices) return undefined;
    try {
      return JSON.parse(option.dataset.prices)[serviceId];
    } catch {
      return undefined;
    }
  }

  function serviceChosen(select) {
    const row = select.closest(".job-line");
    const option = select.selectedOptions[0];
    const price = row.querySelector(".line-price");
    const value = option && option.value ? propertyPrice(option.value) || option.dataset.price : "";
    if (!price.value || price.dataset.auto === "1") {
      price.value = value || "";
      price.dataset.auto = value ? "1" : "";
    }
  }

  function setUp() {
    showNewProperty();
    const lines = document.getElementById("job-lines");
    const addLine = document.getElementById("line-add");
    if (lines && addLine) {
      addLine.classList.remove("d-none");
      lines.querySelectorAll(".line-remove").forEach((b) => b.classList.remove("d-none"));
      const total = document.getElementById("lines-total");
      if (total) total.dataset.label = addLine.dataset.total || "≈";
      updateTotal();
    }
    const addItem = document.getElementById("item-add");
    if (addItem) addItem.classList.remove("d-none");
  }

  document.addEventListener("DOMContentLoaded", setUp);
  document.addEventListener("htmx:afterSettle", showNewProperty);

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target.id === "id_property") showNewProperty();
    if (target.classList && target.classList.contains("line-service")) {
      serviceChosen(target);
      updateTotal();
    }
  });

  document.addEventListener("input", (event) => {
    const target = event.target;
    if (target.classList && target.classList.contains("line-price")) target.dataset.auto = "";
    if (target.closest && target.closest(".job-line")) updateTotal();
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("button");
    if (!button) return;
    if (button.id === "line-add") {
      const row = addRow(document.getElementById("job-lines"), ".job-line");
      if (row) row.querySelector(".line-price").dataset.auto = "";
    } else if (button.classList.contains("line-remove")) {
      const lines = document.getElementById("job-lines");
      const row = button.closest(".job-line");
      if (lines.querySelectorAll(".job-line").length > 1) {
        row.remove();
        const next = lines.querySelector(".line-service");
        if (next) next.focus();
      } else {
        row.querySelectorAll("input, select").forEach((el) => {
          if (el.tagName === "SELECT") el.selectedIndex = 0;
          else el.value = el.classList.contains("line-quantity") ? "1" : "";
        });
      }
      updateTotal();
    } else if (button.id === "item-add") {
      addRow(document.getElementById("checklist-items"), ".checklist-item-row");
    }
  });
})();
