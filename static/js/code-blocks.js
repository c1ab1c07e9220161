/* A bar above each code block of an answer: the code's language, and a button that copies the code.
   Without this script the code is still there, plain text to select. */
(function () {
  "use strict";

  var NAMES = {
    bash: "Bash", c: "C", cpp: "C++", "c++": "C++", csharp: "C#", "c#": "C#", cs: "C#", css: "CSS",
    go: "Go", html: "HTML", java: "Java", javascript: "JavaScript", js: "JavaScript", json: "JSON",
    kotlin: "Kotlin", latex: "LaTeX", matlab: "MATLAB", php: "PHP", python: "Python", py: "Python",
    r: "R", ruby: "Ruby", rust: "Rust", scala: "Scala", sh: "Shell", shell: "Shell", sql: "SQL",
    swift: "Swift", ts: "TypeScript", typescript: "TypeScript", xml: "XML", yaml: "YAML"
  };

  function languageOf(code) {
    var match = /(?:^|\s)language-(\S+)/.exec(code.className);
    if (!match) {
      return "Code";
    }
    return NAMES[match[1]] || match[1].charAt(0).toUpperCase() + match[1].slice(1);
  }

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copy(code, button, status) {
    function done(message) {
      button.textContent = message;
      status.textContent = message;
      window.setTimeout(function () {
        button.textContent = "Copy";
        status.textContent = "";
      }, 2000);
    }
    // The clipboard API needs a secure context; elsewhere the code is selected for the reader to copy.
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(code.textContent).then(function () {
        done("Copied");
      }, function () {
        selectText(code);
        done("Selected");
      });
    } else {
      selectText(code);
      done("Selected");
    }
  }

  document.querySelectorAll(".answer pre > code").forEach(function (code) {
    var pre = code.parentElement;
    var language = languageOf(code);
    var bar = document.createElement("div");
    bar.className = "code-bar";
    var label = document.createElement("span");
    label.className = "code-language";
    label.textContent = language;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy " + language + (language === "Code" ? "" : " code"));
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      copy(code, button, status);
    });
    bar.append(label, button, status);
    pre.before(bar);
  });
})();
