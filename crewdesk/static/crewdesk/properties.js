// The property service form: the price field suggests the catalog price of the service picked,
// and the days of the week show only for a weekly rule.
(() => {
  const form = document.getElementById("property-service-form");
  if (!form) return;
  const pricesTag = document.getElementById("catalog-prices");
  const prices = pricesTag ? JSON.parse(pricesTag.textContent) : {};
  const service = form.querySelector("select[name=service]");
  const price = form.querySelector("input[name=price]");
  const showPrice = () => {
    if (service && price) price.placeholder = prices[service.value] || "";
  };
  const frequency = form.querySelector("select[name=frequency]");
  const weekly = form.querySelector("[data-weekly-only]");
  const showDays = () => {
    if (frequency && weekly) weekly.hidden = frequency.value !== "weekly";
  };
  if (service) service.addEventListener("change", showPrice);
  if (frequency) frequency.addEventListener("change", showDays);
  showPrice();
  showDays();
})();
