// Suggestions as you type in a search box: questions from /search/suggest, in a listbox that follows
// the WAI-ARIA combobox pattern (list autocomplete, manual selection). The form works without this file;
// it only adds. Same origin, no inline code or style: the strict CSP holds.
(function () {
  "use strict";

  var DELAY = 120; // ms after the last keystroke
  var MIN_LENGTH = 2;
  var count = 0;
  // Where suggestions come from and how they look: on this script's own tag (the page may hold it twice).
  var script = document.currentScript;
  var endpoint = script && script.getAttribute("data-suggest");
  var styles = script && script.getAttribute("data-styles");

  function loadStyles() {
    var href = styles;
    if (!href || document.querySelector('link[href="' + href + '"]')) return;
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }

  function enhance(form) {
    var input = form.querySelector('input[type="search"]');
    if (!input || !endpoint || form.hasAttribute("data-suggest-ready")) return;
    form.setAttribute("data-suggest-ready", "");
    loadStyles();
    count += 1;
    var id = input.id || "search-" + count;
    var list = document.createElement("ul");
    list.id = id + "-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggested questions");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    form.classList.add("has-suggestions");
    form.querySelector(".search-row").appendChild(list);
    form.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var items = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var cache = new Map();
    var shownFor = null;

    function setActive(index) {
      if (active >= 0 && items[active]) items[active].setAttribute("aria-selected", "false");
      active = index;
      if (active >= 0 && items[active]) {
        items[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", items[active].id);
        items[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      setActive(-1);
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function open() {
      if (!items.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function render(query, suggestions) {
      shownFor = query;
      list.replaceChildren();
      items = suggestions.map(function (suggestion, index) {
        var option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.className = "suggestion";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-url", suggestion.url);
        var question = document.createElement("span");
        question.className = "suggestion-question";
        question.textContent = suggestion.question;
        var subject = document.createElement("span");
        subject.className = "suggestion-subject";
        subject.textContent = suggestion.subject;
        option.append(question, subject);
        list.appendChild(option);
        return option;
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (items.length) {
        open();
        status.textContent = items.length + (items.length === 1 ? " suggestion" : " suggestions") +
          ": up and down arrows to review, Enter to open.";
      } else {
        close();
        status.textContent = "";
      }
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (query.length < MIN_LENGTH) {
        render(query, []);
        return;
      }
      var key = input.value;
      if (cache.has(key)) {
        render(key, cache.get(key));
        return;
      }
      if (controller) controller.abort();
      controller = new AbortController();
      fetch(endpoint + "?q=" + encodeURIComponent(key), {
        signal: controller.signal,
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (data) {
          cache.set(key, data.suggestions);
          if (input.value === key && document.activeElement === input) render(key, data.suggestions);
        })
        .catch(function () {}); // aborted or offline: the form still searches
    }

    function go(option) {
      window.location.assign(option.getAttribute("data-url"));
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) {
          if (shownFor === input.value) open();
          else fetchSuggestions();
          if (!event.altKey && items.length) setActive(0);
        } else {
          setActive(active + 1 < items.length ? active + 1 : -1);
        }
      } else if (event.key === "ArrowUp") {
        if (list.hidden) return;
        event.preventDefault();
        setActive(active < 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          go(items[active]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    // Searching: no suggestion is wanted any more (a request still to start would only be cut short).
    form.addEventListener("submit", function () {
      clearTimeout(timer);
      close();
    });

    input.addEventListener("blur", function () {
      close();
    });

    // pointerdown, not click: the input keeps its focus, so blur does not close the list first.
    list.addEventListener("pointerdown", function (event) {
      var option = event.target.closest('[role="option"]');
      event.preventDefault();
      if (option) go(option);
    });
  }

  document.querySelectorAll('form.search-form[role="search"]').forEach(enhance);
})();
