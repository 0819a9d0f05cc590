// The export form: only the status boxes of the chosen source are shown and sent.
// Without this script every box is shown, and a status that does not fit the
// source is refused by the server next to the field.
(function () {
  "use strict";

  function sync(form) {
    var chosen = form.querySelector("input[name=source]:checked");
    var source = chosen ? chosen.value : null;
    form.querySelectorAll(".statuses[data-source]").forEach(function (group) {
      var off = group.getAttribute("data-source") !== source;
      group.hidden = off;
      group.querySelectorAll("input").forEach(function (box) {
        box.disabled = off;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-testid=export-form]");
    if (!form) {
      return;
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "source") {
        sync(form);
      }
    });
    sync(form);
  });
})();
