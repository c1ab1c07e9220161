// The admin's page preview shows the page at desktop and at phone width. Without this file both frames
// show, one under the other; with it, buttons choose one, and each frame grows to its page's height
// (its document is inline and same origin). Same origin, no inline code or style: the strict CSP holds.
(function () {
  "use strict";

  function fit(frame) {
    var doc = frame.contentDocument;
    if (!doc || !doc.documentElement) return;
    frame.classList.add("qt-fitted");
    frame.height = String(Math.max(doc.documentElement.scrollHeight, 400));
  }

  function start() {
    var group = document.querySelector(".qt-preview-widths");
    var sections = document.querySelectorAll("[data-frame-name]");
    if (!group || !sections.length) return;
    var buttons = group.querySelectorAll("button");

    function choose(name) {
      for (var i = 0; i < sections.length; i++) {
        sections[i].hidden = sections[i].getAttribute("data-frame-name") !== name;
        if (!sections[i].hidden) fit(sections[i].querySelector("iframe"));
      }
      for (var j = 0; j < buttons.length; j++) {
        buttons[j].setAttribute("aria-pressed", String(buttons[j].getAttribute("data-frame") === name));
      }
    }

    for (var k = 0; k < buttons.length; k++) {
      buttons[k].addEventListener("click", function (event) { choose(event.currentTarget.getAttribute("data-frame")); });
    }
    var frames = document.querySelectorAll(".qt-page-frame");
    for (var m = 0; m < frames.length; m++) {
      frames[m].addEventListener("load", function (event) { fit(event.currentTarget); });
    }
    group.hidden = false;
    document.body.classList.add("qt-preview-tabs");
    choose(buttons[0].getAttribute("data-frame"));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
