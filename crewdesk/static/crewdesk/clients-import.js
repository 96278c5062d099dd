// The client import pages: while a form works (uploading a big file, checking rows, starting
// the import) its button says so and cannot be pressed twice. The pages work without this.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-busy-text]").forEach((form) => {
    form.addEventListener("submit", () => {
      const button = form.querySelector("button[type=submit]");
      if (!button || button.disabled) return;
      const spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm me-1";
      spinner.setAttribute("aria-hidden", "true");
      button.replaceChildren(spinner, document.createTextNode(form.dataset.busyText));
      // Disabled only after the browser has read the form, so the submission goes through.
      setTimeout(() => { button.disabled = true; }, 0);
      form.setAttribute("aria-busy", "true");
    });
  });
});
