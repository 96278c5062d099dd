// The client profile: Ctrl+Enter (Cmd+Enter on a Mac) sends a note, and the open tab is kept
// in the address so a reload, a link or the back button shows the same tab.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  const field = event.target;
  if (!(field instanceof HTMLTextAreaElement) || !field.hasAttribute("data-submit-on-ctrl-enter")) return;
  event.preventDefault();
  if (field.form) field.form.requestSubmit();
});

document.addEventListener("shown.bs.tab", (event) => {
  const tab = event.target.getAttribute("data-profile-tab");
  if (!tab) return;
  const url = new URL(window.location.href);
  url.searchParams.set("tab", tab);
  window.history.replaceState(window.history.state, "", url);
});
