// The client directory and client form: "/" jumps to the search box, the person/company switch
// moves the name that matters first, and the tag filter says how many tags are chosen.
// The pages work without it.
(() => {
  const typingIn = (el) =>
    el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typingIn(event.target)) return;
    const search = document.getElementById("client-search");
    if (!search) return;
    event.preventDefault();
    search.focus();
    search.select();
  });

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

  // Filters left empty stay out of the query, so the address bar shows only what was chosen.
  document.addEventListener("htmx:configRequest", (event) => {
    const elt = event.detail.elt;
    if (!elt || !elt.closest || !elt.closest("#client-filters")) return;
    const params = event.detail.parameters;
    for (const key of Object.keys(params)) {
      if (params[key] === "") delete params[key];
    }
  });

  document.addEventListener("change", (event) => {
    const target = event.target;
    const form = target.closest && target.closest("#client-form");
    if (form && target.name === "kind") showKind(form, target.value);
    const filters = target.closest && target.closest("#client-filters");
    if (filters && target.name === "tag") countTags(filters);
  });
})();
