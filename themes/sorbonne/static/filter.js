// Filters the list of clubs in place by kind. Without JavaScript the filter
// links lead to each kind's own page, which lists the same clubs.
(function () {
  "use strict";
  var nav = document.querySelector("nav.filters");
  if (!nav) return;
  var status = nav.querySelector("[role=status]");
  var cards = Array.prototype.slice.call(document.querySelectorAll(".cards .card"));
  nav.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-kind]");
    if (!link) return;
    event.preventDefault();
    var kind = link.getAttribute("data-kind");
    var shown = 0;
    cards.forEach(function (card) {
      var kinds = (card.getAttribute("data-kinds") || "").split("|");
      var visible = kind === "" || kinds.indexOf(kind) !== -1;
      card.hidden = !visible;
      if (visible) shown += 1;
    });
    Array.prototype.forEach.call(nav.querySelectorAll("a[data-kind]"), function (a) {
      if (a === link) a.setAttribute("aria-current", "true");
      else a.removeAttribute("aria-current");
    });
    status.textContent = shown === 1 ? nav.getAttribute("data-count-one") : shown + " " + nav.getAttribute("data-count-many");
  });
})();
