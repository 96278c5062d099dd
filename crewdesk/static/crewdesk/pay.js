// The public pay page: Stripe's Payment Element makes a ConfirmationToken, which the form
// posts back; the server answers with the final amount (the card fee from the card's funding)
// for the customer to confirm. A card that asks for its bank's check gets it on the next page.
(function () {
  "use strict";

  function showError(box, message) {
    box.textContent = message;
    box.classList.remove("d-none");
  }

  function payForm(form) {
    const stripe = window.Stripe(form.dataset.key);
    const elements = stripe.elements({
      mode: "payment",
      amount: Number(form.dataset.amount),
      currency: form.dataset.currency,
      paymentMethodCreation: "manual",
      paymentMethodTypes: ["card", "us_bank_account"],
      paymentMethodOptions: { us_bank_account: { verification_method: "instant" } },
    });
    elements.create("payment").mount("#payment-element");
    const errorBox = form.querySelector("#pay-js-error");
    const button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", async (event) => {
      if (form.dataset.tokenMade) return;
      event.preventDefault();
      button.disabled = true;
      const submitted = await elements.submit();
      if (submitted.error) {
        showError(errorBox, submitted.error.message);
        button.disabled = false;
        return;
      }
      const made = await stripe.createConfirmationToken({ elements });
      if (made.error) {
        showError(errorBox, made.error.message);
        button.disabled = false;
        return;
      }
      form.elements.confirmation_token.value = made.confirmationToken.id;
      form.dataset.tokenMade = "1";
      form.submit();
    });
  }

  async function nextAction(box) {
    const stripe = window.Stripe(box.dataset.key);
    await stripe.handleNextAction({ clientSecret: box.dataset.clientSecret });
    window.location.assign(box.dataset.done);
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!window.Stripe) return;
    const form = document.getElementById("pay-form");
    if (form) payForm(form);
    const box = document.getElementById("pay-next-action");
    if (box) nextAction(box);
  });
})();
