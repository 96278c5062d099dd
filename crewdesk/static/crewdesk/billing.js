// The billing pages' comforts; every page works without them.
(() => {
  // Invoice form: "Add a line" copies the row template with the next number.
  const setUpLines = () => {
    const rows = document.getElementById("hand-lines");
    const template = document.getElementById("hand-line-template");
    const button = document.getElementById("add-hand-line");
    if (!rows || !template || !button) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      const n = rows.querySelectorAll(".hand-line").length;
      const html = template.innerHTML.replaceAll("__n__", String(n));
      rows.insertAdjacentHTML("beforeend", html);
      const added = rows.lastElementChild;
      const first = added && added.querySelector("input");
      if (first) first.focus();
    });
  };

  // Invoice form: the job a deposit is for only matters for a deposit.
  const setUpKind = () => {
    const options = document.getElementById("deposit-options");
    const radios = document.querySelectorAll('input[name="kind"]');
    if (!options || !radios.length) return;
    const sync = () => {
      const chosen = document.querySelector('input[name="kind"]:checked');
      options.hidden = !chosen || chosen.value !== "deposit";
    };
    radios.forEach((radio) => radio.addEventListener("change", sync));
    sync();
  };

  // Ready to invoice: "select every job on this page", and how many are chosen.
  const setUpSelection = () => {
    const all = document.querySelector("[data-select-all]");
    if (!all) return;
    const name = all.getAttribute("data-select-all");
    const boxes = () => [...document.querySelectorAll(`input[type=checkbox][name="${name}"]`)];
    const status = document.getElementById("ready-chosen");
    const label = document.querySelector(`label[for="${all.id}"]`);
    all.hidden = false;
    if (label) label.hidden = false;
    const sync = () => {
      const chosen = boxes().filter((box) => box.checked).length;
      all.checked = chosen > 0 && chosen === boxes().length;
      all.indeterminate = chosen > 0 && chosen < boxes().length;
      if (status) {
        const some = status.getAttribute("data-some") || "%(n)s";
        status.textContent = chosen ? some.replace("%(n)s", String(chosen)) : "";
      }
    };
    all.addEventListener("change", () => {
      boxes().forEach((box) => { box.checked = all.checked; });
      sync();
    });
    boxes().forEach((box) => box.addEventListener("change", sync));
    sync();
  };

  document.addEventListener("DOMContentLoaded", () => {
    setUpLines();
    setUpKind();
    setUpSelection();
  });
})();
