// A form that spreads money over open invoices (payments/_invoice_rows.html): until the office
// types in a line, the amount is spread oldest due first, each line up to its balance; the sums
// below say what is applied and what is left as credit. The server checks it all again.
(function () {
  "use strict";

  function cents(text) {
    const value = String(text || "").replace(/[$,\s]/g, "");
    if (!/^\d*(\.\d{0,2})?$/.test(value) || value === "" || value === ".") return 0;
    return Math.round(parseFloat(value) * 100);
  }

  function shown(amount, currency) {
    const locale = document.documentElement.lang || "en-US";
    return new Intl.NumberFormat(locale, { style: "currency", currency: currency || "USD" }).format(amount / 100);
  }

  function setUp(form) {
    const amountBox = form.querySelector("[name=amount]");
    const boxes = Array.from(form.querySelectorAll("[data-balance]"));
    const summary = form.querySelector("#allocation-summary");
    if (!summary) return;
    const currency = summary.dataset.currency;
    let typed = boxes.some((box) => box.value.trim() !== "") && amountBox && amountBox.value.trim() === "";

    function spread() {
      let left = cents(amountBox ? amountBox.value : "");
      boxes.forEach((box) => {
        const share = Math.max(0, Math.min(left, cents(box.dataset.balance)));
        box.value = share ? (share / 100).toFixed(2) : "";
        left -= share;
      });
    }

    function sums() {
      const amount = amountBox ? cents(amountBox.value) : cents(summary.dataset.available);
      const applied = boxes.reduce((total, box) => total + cents(box.value), 0);
      summary.querySelector("[data-applied]").textContent = shown(applied, currency);
      summary.querySelector("[data-credit]").textContent = shown(Math.max(0, amount - applied), currency);
      const over = form.querySelector("[data-over]");
      if (over) over.classList.toggle("d-none", applied <= amount);
    }

    if (amountBox) {
      amountBox.addEventListener("input", () => {
        if (!typed) spread();
        sums();
      });
    }
    boxes.forEach((box) =>
      box.addEventListener("input", () => {
        typed = true;
        sums();
      })
    );
    sums();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form").forEach((form) => {
      if (form.querySelector("#allocation-summary")) setUp(form);
    });
  });
})();
