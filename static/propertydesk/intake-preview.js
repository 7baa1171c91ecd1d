// The live preview of a filing form: the portal's and the admin's intake page (a static
// file: the CSP refuses inline scripts). At each pause in typing, the form's place and
// text (never its photos) are posted with its CSRF token to data-preview-url; the answer
// shows a suspected emergency and the suggested category (for staff also level and team)
// with its reason. The fields named in data-preselect take the suggestion unless the
// person chose them. Without this script the form works as before: only the preview is
// missing.
(function () {
  "use strict";

  const WAIT_MS = 400;

  function start(form) {
    const box = document.getElementById("pd-intake-preview");
    if (!box || !window.fetch) {
      return;
    }
    const part = (name) => box.querySelector(".pd-preview-" + name);
    const sentFields = form.dataset.previewFields.split(" ");
    const preselect = (form.dataset.preselect || "")
      .split(" ")
      .map((name) => form.elements.namedItem(name))
      .filter(Boolean);
    const description = form.elements.namedItem("description");
    // Chosen by the person (or already filled when the page came back): left alone.
    const chosen = new Set(preselect.filter((field) => field.value).map((field) => field.name));
    // Set by this script: follows the suggestion, emptied when there is none.
    const suggested = new Set();
    let timer = null;
    let asked = 0;

    function preselectWith(suggestion) {
      for (const field of preselect) {
        if (chosen.has(field.name)) {
          continue;
        }
        const value = suggestion ? String(suggestion[field.name] ?? "") : "";
        const known = Array.from(field.options).some((option) => option.value === value);
        if (value && known) {
          field.value = value;
          suggested.add(field.name);
        } else if (suggested.has(field.name)) {
          field.value = "";
          suggested.delete(field.name);
        }
      }
    }

    function show(answer) {
      const emergency = answer && answer.emergency;
      const suggestion = answer && answer.suggestion;
      part("emergency").textContent = emergency ? emergency.message : "";
      part("emergency").hidden = !emergency;
      part("suggestion").hidden = !suggestion;
      if (suggestion) {
        part("category").textContent = suggestion.category_name;
        part("reason").textContent = suggestion.reason;
        const staff = part("staff");
        if (staff) {
          staff.hidden = suggestion.level === undefined;
          part("level").textContent = suggestion.level_name || "";
          part("team").textContent = suggestion.team_name ? " · " + suggestion.team_name : "";
        }
      }
      box.hidden = !emergency && !suggestion;
      preselectWith(suggestion);
    }

    function ask() {
      if (!description.value.trim()) {
        show(null);
        return;
      }
      const body = new URLSearchParams();
      body.set("csrfmiddlewaretoken", form.elements.namedItem("csrfmiddlewaretoken").value);
      for (const name of sentFields) {
        const field = form.elements.namedItem(name);
        if (field) {
          body.set(name, field.value);
        }
      }
      const mine = ++asked;
      fetch(form.dataset.previewUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then((response) => (response.ok ? response.json() : null))
        .then((answer) => {
          // An older answer arriving late must not replace a newer one.
          if (mine === asked) {
            show(answer);
          }
        })
        .catch(() => undefined);
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(ask, WAIT_MS);
    }

    // Setting a value from a script fires no event: a change is always the person's.
    for (const field of preselect) {
      field.addEventListener("change", () => {
        chosen.add(field.name);
        suggested.delete(field.name);
      });
    }
    for (const name of sentFields) {
      const field = form.elements.namedItem(name);
      if (!field) {
        continue;
      }
      field.addEventListener("input", later);
      field.addEventListener("change", later);
      // The admin's autocomplete menus (select2) announce a choice through jQuery only.
      if (window.django && window.django.jQuery) {
        window.django.jQuery(field).on("change", later);
      }
    }
    if (description.value.trim()) {
      later();
    }
  }

  function startAll() {
    document.querySelectorAll("form[data-preview-url]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
