// Crewdesk's small shared behaviours. Pages work without it; it only adds comfort.
document.addEventListener("DOMContentLoaded", () => {
  // Forms that ask "are you sure?" before a destructive action.
  document.body.addEventListener("submit", (event) => {
    const question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
});
