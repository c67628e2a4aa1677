// Events calendar widget.
// It builds its whole index on the main thread right after the first paint, which freezes
// the page for about 0.75 s (a deliberate defect of the demo: total blocking time).
(function () {
  "use strict";
  var started = false;

  function buildIndex() {
    if (started) { return; }
    started = true;
    var end = performance.now() + 750;
    var n = 0;
    while (performance.now() < end) {
      n += Math.sqrt(n + 1);
    }
    var status = document.getElementById("calendar-status");
    if (status) {
      status.textContent = "The calendar is up to date.";
    }
  }

  function afterPaint() {
    window.setTimeout(buildIndex, 10);
  }

  if (performance.getEntriesByName("first-contentful-paint").length > 0) {
    afterPaint();
  } else if ("PerformanceObserver" in window) {
    new PerformanceObserver(function (list, observer) {
      if (list.getEntriesByName("first-contentful-paint").length > 0) {
        observer.disconnect();
        afterPaint();
      }
    }).observe({ type: "paint", buffered: true });
  } else {
    window.addEventListener("load", function () { window.setTimeout(buildIndex, 500); });
  }
})();
