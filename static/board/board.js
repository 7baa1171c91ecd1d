/* The site board refreshes its figures in place: it polls data.json (next to the page)
   and writes each number into the element that names it (data-field="month.on_time_text",
   data-list="by_state" data-key="new"). Nothing else changes, so the screen never
   flashes; a failed poll shows "connection lost" and is tried again. */
(function () {
  "use strict";

  function pick(data, path) {
    return path.split(".").reduce(function (value, key) {
      return value == null ? undefined : value[key];
    }, data);
  }

  function clockText(iso) {
    var moment = new Date(iso);
    return isNaN(moment) ? iso : moment.toTimeString().slice(0, 5);
  }

  function render(data) {
    document.querySelectorAll("[data-field]").forEach(function (element) {
      var value = pick(data, element.dataset.field);
      if (value === undefined) return;
      if (element.dataset.format === "time") {
        element.setAttribute("datetime", value);
        value = clockText(value);
      }
      element.textContent = value === null ? "—" : String(value);
    });
    document.querySelectorAll("[data-list]").forEach(function (element) {
      var row = (data[element.dataset.list] || []).find(function (entry) {
        return entry.key === element.dataset.key;
      });
      if (row) element.textContent = String(row.count);
    });
    document.querySelectorAll("[data-alert-when]").forEach(function (element) {
      element.classList.toggle("is-alert", Number(data[element.dataset.alertWhen]) > 0);
    });
  }

  function start() {
    var body = document.body;
    var source = new URL(body.dataset.source, window.location.href);
    var every = Math.max(1, Number(body.dataset.poll) || 15) * 1000;
    var stale = document.querySelector("[data-stale]");
    document.querySelectorAll("[data-format=time]").forEach(function (element) {
      element.textContent = clockText(element.getAttribute("datetime"));
    });

    function poll() {
      fetch(source, { cache: "no-store", credentials: "omit" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          render(data);
          if (stale) stale.hidden = true;
        })
        .catch(function () {
          if (stale) stale.hidden = false;
        })
        .finally(function () {
          window.setTimeout(poll, every);
        });
    }
    window.setTimeout(poll, every);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
