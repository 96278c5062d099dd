// The crew pages work without this; it only says "Uploading…" on a slow connection and stops
// a second tap from sending the same form twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || form.hasAttribute("hx-post")) return;
  const button = form.querySelector("button:not([type='button'])");
  if (!button) return;
  if (form.dataset.sending) { event.preventDefault(); return; }
  form.dataset.sending = "1";
  if (form.dataset.busy) button.textContent = form.dataset.busy;
  button.setAttribute("aria-disabled", "true");
});
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[data-sending]").forEach((form) => delete form.dataset.sending);
});
