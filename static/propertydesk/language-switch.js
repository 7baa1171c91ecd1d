// The admin's language menu submits its form on change (the Content-Security-Policy
// allows no inline event handlers).
"use strict";
document.querySelectorAll("select[data-submit-on-change]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
