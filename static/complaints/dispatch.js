// The dispatch form offers as the person only members of the team chosen (a static file:
// the CSP refuses inline scripts). Without it every member is listed under their team,
// and the server still refuses anyone outside the team chosen.
(function () {
  "use strict";

  function scope(person) {
    const team = person.form && person.form.elements.namedItem("team");
    if (!team) {
      return;
    }
    function apply() {
      for (const option of person.querySelectorAll("option[data-team]")) {
        const other = option.dataset.team !== team.value;
        option.hidden = other;
        option.disabled = other;
      }
      for (const group of person.querySelectorAll("optgroup")) {
        group.hidden = !group.querySelector("option:not([hidden])");
      }
      const chosen = person.selectedOptions[0];
      if (chosen && chosen.disabled) {
        person.value = "";
      }
    }
    team.addEventListener("change", apply);
    apply();
  }

  function start() {
    document.querySelectorAll("select[data-team-members]").forEach(scope);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
