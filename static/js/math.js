/* An answer's equations. Their font, STIX Two Math, is asked for once the page has loaded: the words
   show at once, the equations take their proper font a moment later (without this script they keep
   the browser's own). And wide math scrolls inside its own box (answer.css): a box that scrolls must
   be reachable from the keyboard, so an equation joins the tab order while it is wider than its box,
   and leaves it when a wider screen shows it whole. Code blocks and tables carry their tabindex from
   the renderer. */
(function () {
  "use strict";

  function update() {
    document.querySelectorAll(".answer math").forEach(function (box) {
      var wide = box.scrollWidth > box.clientWidth + 1;
      if (wide && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
      } else if (!wide && box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }

  var pending = false;
  function schedule() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        update();
      });
    }
  }

  update();
  window.addEventListener("resize", schedule);
  if (document.readyState === "complete") {
    document.documentElement.classList.add("math-font");
  } else {
    window.addEventListener("load", function () {
      document.documentElement.classList.add("math-font");
    });
  }
  // The math font arrives after the page: equations change width when it does.
  if (document.fonts && document.fonts.ready) {
    document.fonts.ready.then(schedule);
  }
})();
