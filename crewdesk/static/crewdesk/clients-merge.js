// The merge page: when another client is chosen to keep, the rows the office has not touched
// take that client's values (or the first non-empty one), and the summary of what moves
// follows. Without this script the page still works: the server uses what is checked.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-merge-form]");
  if (!form) return;
  const touched = new Set();

  const followSurvivor = (survivorId) => {
    form.querySelectorAll("[data-client]").forEach((el) => {
      el.classList.toggle("merge-kept", el.dataset.client === survivorId);
    });
    form.querySelectorAll("[data-follow-survivor]").forEach((row) => {
      const radios = [...row.querySelectorAll("input[type=radio]")];
      if (!radios.length || touched.has(radios[0].name)) return;
      const filled = radios.filter((radio) => radio.dataset.empty !== "1");
      const pick = filled.find((radio) => radio.value === survivorId) || filled[0];
      if (pick) pick.checked = true;
    });
    const totals = {};
    form.querySelectorAll("[data-counts-for]").forEach((card) => {
      if (card.dataset.countsFor === survivorId) return;
      Object.entries(JSON.parse(card.dataset.counts || "{}")).forEach(([kind, count]) => {
        totals[kind] = (totals[kind] || 0) + count;
      });
    });
    let any = false;
    form.querySelectorAll("[data-summary-kind]").forEach((item) => {
      const count = totals[item.dataset.summaryKind] || 0;
      item.querySelector("[data-summary-count]").textContent = count;
      item.hidden = count === 0;
      any = any || count > 0;
    });
    const none = form.querySelector("[data-summary-none]");
    if (none) none.hidden = any;
  };

  form.addEventListener("change", (event) => {
    const input = event.target;
    if (input.name === "survivor") followSurvivor(input.value);
    else if (input.name && input.name.startsWith("choice_")) touched.add(input.name);
  });
});
