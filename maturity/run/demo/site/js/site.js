// Columbia DNR: mark the current section in the main navigation.
(function () {
  "use strict";
  var here = window.location.pathname;
  var links = document.querySelectorAll(".site-nav a");
  for (var i = 0; i < links.length; i++) {
    var path = links[i].pathname;
    if (path !== "/" && here.indexOf(path) === 0) {
      links[i].setAttribute("aria-current", "page");
    }
  }
})();
