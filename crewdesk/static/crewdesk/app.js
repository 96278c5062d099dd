// Crewdesk's small shared behaviours. Pages work without it; it only adds comfort.
document.addEventListener("DOMContentLoaded", () => {
  // Forms that ask "are you sure?" before a destructive action.
  document.body.addEventListener("submit", (event) => {
    const question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
});

// The lists that search as you type (clients, jobs): their search box says aria-keyshortcuts="/"
// and "/" jumps to it from anywhere but a field; filters left empty stay out of the query of a
// search form (role="search"), so the address bar shows only what was chosen.
(() => {
  const typingIn = (el) =>
    el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typingIn(event.target)) return;
    const search = document.querySelector('[aria-keyshortcuts="/"]');
    if (!search) return;
    event.preventDefault();
    search.focus();
    search.select();
  });

  document.addEventListener("htmx:configRequest", (event) => {
    const elt = event.detail.elt;
    if (!elt || !elt.closest || !elt.closest('form[role="search"]')) return;
    const params = event.detail.parameters;
    for (const key of Object.keys(params)) {
      if (params[key] === "") delete params[key];
    }
  });
})();
