// xxgk web: show a report cell's findings and provenance on click or keyboard focus,
// and jump from a finding in the list to its cells. No framework, no network.
(function () {
  "use strict";
  function show(cell) {
    var box = document.getElementById("cell-info");
    if (!box) { return; }
    document.querySelectorAll("td.selected").forEach(function (td) { td.classList.remove("selected"); });
    cell.classList.add("selected");
    var lines = ["单元格 " + cell.getAttribute("data-cell")];
    var notes = cell.getAttribute("data-notes");
    var source = cell.getAttribute("data-source");
    if (notes) { lines.push(notes); }
    lines.push(source || "来源：未记录（由台账生成或缺少数据）");
    box.textContent = lines.join("\n");
    box.hidden = false;
  }
  document.addEventListener("click", function (event) {
    var cell = event.target.closest("td[data-cell]");
    if (cell) { show(cell); return; }
    var item = event.target.closest("ol.findings li[data-cells]");
    if (item) {
      var keys = item.getAttribute("data-cells").split(" ").filter(Boolean);
      var scope = item.closest("section") || document;
      var first = keys.length ? scope.querySelector('td[data-cell="' + keys[0] + '"]') : null;
      if (first) { first.scrollIntoView({block: "center"}); show(first); }
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches("td[data-cell]")) {
      show(event.target);
    }
    if (event.key === "Escape") {
      var box = document.getElementById("cell-info");
      if (box) { box.hidden = true; }
    }
  });
}());
