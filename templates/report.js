// Optional: sorting and filtering of the cookie table. Without scripts the table is complete
// and the tools stay hidden. Only textContent is read or written, never HTML.
(function () {
  var table = document.getElementById("cookie-table");
  if (!table) return;
  var tools = document.querySelector(".table-tools");
  var filter = document.getElementById("cookie-filter");
  var category = document.getElementById("category-filter");
  var count = document.getElementById("cookie-count");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  tools.hidden = false;

  function apply() {
    var words = filter.value.toLowerCase().trim();
    var cat = category.value;
    var shown = 0;
    rows.forEach(function (row) {
      var match = (!words || row.textContent.toLowerCase().indexOf(words) >= 0) &&
        (!cat || row.getAttribute("data-category") === cat);
      row.hidden = !match;
      if (match) shown++;
    });
    count.textContent = shown + " of " + rows.length + " cookies";
  }
  filter.addEventListener("input", apply);
  category.addEventListener("change", apply);

  var headers = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(headers, function (th, col) {
    th.className += " sortable-th";
    th.tabIndex = 0;
    function sort() {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var numeric = th.getAttribute("data-type") === "number";
      var key = function (row) {
        var cell = row.cells[col];
        var v = cell.getAttribute("data-sort");
        return numeric ? parseFloat(v) : cell.textContent.trim().toLowerCase();
      };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var c = numeric ? x - y : x.localeCompare(y);
        return asc ? c : -c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
  });
  apply();
})();
