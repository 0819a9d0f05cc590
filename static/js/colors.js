// Label colours come from the project's scheme. The Content-Security-Policy forbids
// style="" attributes, so templates write data-color="#rrggbb" and this script sets
// the custom property --label-color through the CSSOM (which the policy allows), on
// the page and on everything htmx swaps in. CSS then uses var(--label-color).
(function () {
  "use strict";

  function paint(root) {
    if (!root || !root.querySelectorAll) {
      return;
    }
    if (root.matches && root.matches("[data-color]")) {
      root.style.setProperty("--label-color", root.dataset.color);
    }
    root.querySelectorAll("[data-color]").forEach(function (element) {
      element.style.setProperty("--label-color", element.dataset.color);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    paint(document.body);
  });
  document.addEventListener("htmx:load", function (event) {
    paint(event.target);
  });
})();
