// The report's print button (the Content-Security-Policy allows no inline handlers).
"use strict";
document.querySelectorAll("button[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
