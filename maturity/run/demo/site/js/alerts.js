// Service alerts: fetched late and pushed in at the top of the page.
// The bar is inserted about 200 ms after the load event with no space reserved for it, so
// everything below jumps down (a deliberate defect of the demo: cumulative layout shift).
(function () {
  "use strict";
  function showAlert() {
    if (document.getElementById("service-alert")) { return; }
    var box = document.createElement("div");
    box.id = "service-alert";
    box.className = "alert-banner";
    box.setAttribute("role", "status");
    var inner = document.createElement("div");
    inner.className = "wrap";
    var p1 = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = "Service alert: ";
    p1.appendChild(strong);
    p1.appendChild(document.createTextNode("Heavy rain has closed three trails at Pine Ridge State Park."));
    var p2 = document.createElement("p");
    p2.textContent = "Check the list of closures before you go. We will update it each morning.";
    inner.appendChild(p1);
    inner.appendChild(p2);
    box.appendChild(inner);
    var first = document.querySelector(".gov-banner") || document.body.firstChild;
    document.body.insertBefore(box, first);
  }
  window.addEventListener("load", function () {
    window.setTimeout(showAlert, 200);
  });
})();
