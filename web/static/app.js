// chartfile review desk: keyboard shortcuts, zoom, picking split ranges on thumbnails, idle log-off.
// No inline script anywhere (the CSP forbids it): everything the pages do in the browser is here.
(function () {
  "use strict";

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  // Idle log-off: the server refuses a session idle for longer; reload then, so the page shows why.
  var idle = document.querySelector('meta[name="chartfile-idle-minutes"]');
  if (idle) {
    var timer = null;
    var arm = function () {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(function () { window.location.reload(); },
        parseFloat(idle.content) * 60000 + 1500);
    };
    arm();
    document.addEventListener("htmx:afterRequest", arm);
  }

  // Zoom the page image.
  var frame = document.getElementById("page-frame");
  var zoom = 0;
  function setZoom(step) {
    if (!frame) { return; }
    zoom = step === 0 ? 0 : Math.max(-1, Math.min(3, zoom + step));
    frame.className = "page-frame zoom-" + zoom;
  }
  document.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () { setZoom(parseInt(button.dataset.zoom, 10)); });
  });

  // Split: thumbnails fill the page range of the part last focused (first page, then last page).
  var active = document.querySelector(".split-range");
  document.querySelectorAll(".split-range").forEach(function (field) {
    field.addEventListener("focus", function () { active = field; });
  });
  document.querySelectorAll(".thumb").forEach(function (thumb) {
    thumb.addEventListener("click", function () {
      if (!active) { return; }
      var page = parseInt(thumb.dataset.page, 10);
      var now = active.value.split("-").map(function (p) { return parseInt(p, 10); })
        .filter(function (n) { return !isNaN(n); });
      if (now.length === 0) {
        active.value = String(page);
      } else {
        var low = Math.min(now[0], page), high = Math.max(now[now.length - 1], page);
        active.value = low === high ? String(low) : low + "-" + high;
      }
      thumb.setAttribute("aria-pressed", "true");
    });
  });

  // Keyboard shortcuts for the common path (shown on each page).
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var go = function (selector) {
      var link = document.querySelector(selector);
      if (link) { event.preventDefault(); link.click(); }
    };
    switch (event.key) {
      case "n": case "j": go("#next-doc, #first-doc"); break;
      case "a": {
        var top = document.getElementById("assign-top");
        if (top) { event.preventDefault(); top.requestSubmit(); }
        break;
      }
      case "r": {
        var reason = document.getElementById("reject-reason");
        if (reason) { event.preventDefault(); reason.focus(); }
        break;
      }
      case "/": {
        var find = document.getElementById("find-name");
        if (find) { event.preventDefault(); find.focus(); }
        break;
      }
      case "+": case "=": setZoom(1); break;
      case "-": setZoom(-1); break;
      default: break;
    }
  });
})();
