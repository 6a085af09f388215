// The goal-sheet editor: add, remove and reorder indicator rows, keep 二级 options matching the
// 一级, add indicators from the library's suggestions. The live review itself is htmx: the form
// posts to the check URL on input and on the "jx:rows" event this script fires after a change.
(function () {
  "use strict";
  var form = document.getElementById("goal-editor");
  if (!form) return;
  var body = document.querySelector("#indicator-rows tbody");
  var template = document.getElementById("row-template");

  function renumber() {
    Array.prototype.forEach.call(body.querySelectorAll(".jx-row-findings"), function (el, n) {
      el.id = "rf-" + n;
    });
  }
  function changed() {
    renumber();
    if (window.htmx) window.htmx.trigger(form, "jx:rows");
  }
  function filterLevel2(row) {
    var level1 = row.querySelector("[name=row_level1]").value;
    var select = row.querySelector("[name=row_level2]");
    Array.prototype.forEach.call(select.options, function (o) {
      var fits = !o.dataset.level1 || !level1 || o.dataset.level1 === level1;
      o.hidden = !fits;
      if (!fits && o.selected) select.value = "";
    });
  }
  function addRow(values) {
    var row = template.content.firstElementChild.cloneNode(true);
    body.appendChild(row);
    if (values) {
      Object.keys(values).forEach(function (key) {
        var input = row.querySelector("[name=row_" + key + "]");
        if (input && values[key]) input.value = values[key];
      });
    }
    filterLevel2(row);
    if (values && values.level2) row.querySelector("[name=row_level2]").value = values.level2;
    changed();
    var focus = row.querySelector(values ? "[name=row_value]" : "[name=row_level1]");
    if (focus) focus.focus();
  }
  body.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    var row = button.closest("tr");
    if (button.classList.contains("jx-remove")) row.remove();
    else if (button.classList.contains("jx-up") && row.previousElementSibling) body.insertBefore(row, row.previousElementSibling);
    else if (button.classList.contains("jx-down") && row.nextElementSibling) body.insertBefore(row.nextElementSibling, row);
    else return;
    changed();
  });
  body.addEventListener("change", function (event) {
    if (event.target.name === "row_level1") filterLevel2(event.target.closest("tr"));
  });
  document.getElementById("add-row").addEventListener("click", function () { addRow(null); });
  Array.prototype.forEach.call(document.querySelectorAll(".jx-add-suggestion"), function (button) {
    button.addEventListener("click", function () {
      var d = button.dataset;
      addRow({ level1: d.level1, level2: d.level2, name: d.name, symbol: d.symbol === "定性" ? "定性" : "", unit: d.unit, basis: d.basis, source: d.source, lib: d.lib });
      button.disabled = true;
    });
  });
  Array.prototype.forEach.call(body.querySelectorAll("tr"), filterLevel2);
  renumber();
})();
