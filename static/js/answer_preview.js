// The answer's live preview in the admin: as the editor types, the Markdown is rendered by the server
// (POST to the change form's render-answer endpoint, nothing saved) and shown in the frame beside the
// textarea, in the site's own styles. The frame shows the answer as loaded without this file; it only
// adds. Same origin, no inline code or style: the strict CSP holds.
(function () {
  "use strict";

  var DELAY = 350; // ms after the last keystroke

  function csrfToken(form) {
    var field = form && form.querySelector('input[name="csrfmiddlewaretoken"]');
    return field ? field.value : "";
  }

  function enhance(editor) {
    var textarea = editor.querySelector("textarea");
    var frame = editor.querySelector("iframe");
    var state = editor.querySelector(".qt-live-state");
    var endpoint = editor.getAttribute("data-render-url");
    if (!textarea || !frame || !endpoint) return;
    var timer = null;
    var sent = 0;
    var shown = 0;

    function target() {
      var doc = frame.contentDocument;
      return doc && doc.getElementById("answer");
    }

    function render() {
      var number = ++sent;
      var body = new URLSearchParams();
      body.set("answer", textarea.value);
      state.textContent = "Rendering…";
      fetch(endpoint, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(textarea.form), "Content-Type": "application/x-www-form-urlencoded" },
        body: body.toString()
      })
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (result) {
          if (number < shown) return; // an older answer arriving late
          shown = number;
          var answer = target();
          if (!result.ok || !answer) {
            state.textContent = result.data.error || "Not rendered.";
            editor.classList.add("qt-live-error");
            return;
          }
          // The server's HTML is the renderer's sanitised output, the same the site stores and shows.
          answer.innerHTML = result.data.html;
          editor.classList.remove("qt-live-error");
          state.textContent = "Up to date (not saved)";
        })
        .catch(function () {
          state.textContent = "Preview unavailable: the server did not answer.";
          editor.classList.add("qt-live-error");
        });
    }

    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      state.textContent = "Typing…";
      timer = window.setTimeout(render, DELAY);
    });
    editor.classList.add("qt-live-ready");
  }

  function start() {
    var editors = document.querySelectorAll(".qt-answer-editor");
    for (var i = 0; i < editors.length; i++) enhance(editors[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
