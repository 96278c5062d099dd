// The client directory and client form: the person/company switch moves the name that matters
// first, and the tag filter says how many tags are chosen (the search box: app.js).
// The pages work without it.
(() => {
  function showKind(form, kind) {
    form.dataset.kind = kind;
    const person = form.querySelector("#person-name-fields");
    if (person) person.classList.toggle("order-last", kind === "company");
    form.querySelectorAll(".kind-mark").forEach((mark) => {
      mark.classList.toggle("d-none", mark.dataset.kind !== kind);
    });
    const hint = form.querySelector("#kind-hint");
    if (hint && hint.dataset[kind]) hint.textContent = hint.dataset[kind];
  }

  function countTags(filters) {
    const count = filters.querySelector("#tag-filter-count");
    if (!count) return;
    const chosen = filters.querySelectorAll('input[name="tag"]:checked').length;
    const some = count.dataset.some || "%(n)s";
    count.textContent = chosen ? some.replace("%(n)s", chosen) : count.dataset.none || "";
  }

  document.addEventListener("change", (event) => {
    const target = event.target;
    const form = target.closest && target.closest("#client-form");
    if (form && target.name === "kind") showKind(form, target.value);
    const filters = target.closest && target.closest("#client-filters");
    if (filters && target.name === "tag") countTags(filters);
  });
})();
