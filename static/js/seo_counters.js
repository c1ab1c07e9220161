// Live SEO counters on the article change form: the page title's length and estimated width in a
// search result (as articles/editorial/seo_checks.py estimates it, from the width table the page hands
// over), the description's length and damage, and the search-result preview, all as the editor types.
// The form and its server-side preview work without this file; it only adds. Same origin, no inline
// code or style: the strict CSP holds.
(function () {
  "use strict";

  var MONEY = /\$\d/g;
  var TEX_REMNANT = /\\[A-Za-z]|[{}]|[_^]\{|\$[^$]*[\\^_{}][^$]*\$/;

  function byId(id) { return document.getElementById(id); }

  function widthTable(data) {
    var table = {};
    Object.keys(data.widths).forEach(function (width) {
      var chars = data.widths[width];
      for (var i = 0; i < chars.length; i++) table[chars[i]] = Number(width);
    });
    return function (text, fontPx) {
      var units = 0;
      for (var i = 0; i < text.length; i++) {
        var char = text[i];
        if (char in table) units += table[char];
        else units += char.charCodeAt(0) >= data.wideFrom ? data.em : data["default"];
      }
      return Math.round(units * fontPx / data.em);
    };
  }

  function isDamaged(text) {
    var plain = text.replace(MONEY, "");
    return (plain.split("$").length - 1) % 2 === 1 || TEX_REMNANT.test(plain);
  }

  function slugify(text) {
    return text.toLowerCase().normalize("NFKD").replace(/[^\w\s-]/g, "").trim().replace(/[-\s_]+/g, "-");
  }

  function cutTitle(text, measure, settings) {
    if (measure(text, settings.fontPx) <= settings.titleMaxPx) return text;
    var end = text.length;
    while (end > 0 && measure(text.slice(0, end) + " …", settings.fontPx) > settings.titleMaxPx) end -= 1;
    var cut = text.slice(0, end);
    if (cut.trim().indexOf(" ") > 0) cut = cut.replace(/\s+\S*$/, "");
    return cut.replace(/[\s|:,-]+$/, "") + " …";
  }

  function cutDescription(text, limit) {
    if (text.length <= limit) return text;
    return text.slice(0, limit).replace(/\s+\S*$/, "").replace(/[\s,;:]+$/, "") + " …";
  }

  function counterAfter(input) {
    var counter = document.createElement("div");
    counter.className = "qt-counter";
    counter.setAttribute("aria-live", "polite");
    counter.id = input.id + "-counter";
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + counter.id).trim());
    input.insertAdjacentElement("afterend", counter);
    return counter;
  }

  function setLevel(element, level) {
    element.classList.remove("qt-check-ok", "qt-check-warn", "qt-check-bad");
    element.classList.add("qt-check-" + level);
  }

  function start() {
    var panel = document.querySelector("[data-seo-snippet]");
    var question = byId("id_question");
    var title = document.querySelector('[data-seo-counter="title"]');
    var description = document.querySelector('[data-seo-counter="description"]');
    if (!panel || !question || !title || !description) return;
    var settings = JSON.parse(panel.getAttribute("data-settings"));
    var measure = widthTable(JSON.parse(panel.getAttribute("data-widths")));
    var subject = byId("id_subject");
    var slug = byId("id_slug");
    var host = panel.getAttribute("data-host");
    var titleCounter = counterAfter(title);
    var descriptionCounter = counterAfter(description);
    var snippetTitle = panel.querySelector('[data-snippet="title"]');
    var snippetDescription = panel.querySelector('[data-snippet="description"]');
    var snippetAddress = panel.querySelector('[data-snippet="address"]');
    var titleCheck = panel.querySelector('[data-check="title"]');
    var descriptionCheck = panel.querySelector('[data-check="description"]');
    var damagedCheck = panel.querySelector('[data-check="damaged"]');

    function subjectName() {
      if (!subject || subject.selectedIndex < 0) return "";
      var option = subject.options[subject.selectedIndex];
      return option && option.value ? option.text : "";
    }

    function update() {
      var name = subjectName();
      var full = question.value.trim() + " | " + (title.value.trim() || settings.siteName + " | " + name);
      var px = measure(full, settings.fontPx);
      var over = px > settings.titleMaxPx;
      var titleText = full.length + " characters, ~" + px + " px of " + settings.titleMaxPx + (over ? ": cut in search results" : "");
      titleCounter.textContent = "Title in search results (question | SEO title): " + titleText;
      titleCounter.className = "qt-counter qt-check-" + (over ? "bad" : "ok");
      titleCheck.querySelector("[data-check-text]").textContent = titleText;
      setLevel(titleCheck, over ? "bad" : "ok");
      snippetTitle.textContent = cutTitle(full, measure, settings);

      var text = description.value.trim();
      var length = text.length;
      var level = length === 0 ? "bad" : (length < settings.descriptionMin || length > settings.descriptionMax ? "warn" : "ok");
      var advice = length === 0 ? ": none" : length < settings.descriptionMin
        ? ": short, aim for " + settings.descriptionMin + "–" + settings.descriptionMax
        : length > settings.descriptionMax ? ": cut after " + settings.descriptionMax : "";
      descriptionCounter.textContent = length + " of " + settings.descriptionMax + " characters" + advice;
      descriptionCounter.className = "qt-counter qt-check-" + level;
      descriptionCheck.querySelector("[data-check-text]").textContent = length + " characters" + advice;
      setLevel(descriptionCheck, level);
      damagedCheck.hidden = !isDamaged(text);
      snippetDescription.textContent = text ? cutDescription(text, settings.descriptionMax) : "(no description: search engines pick text from the page)";

      if (name && slug && slug.value.trim()) {
        snippetAddress.textContent = [host, "learn", slugify(name), "questions", slug.value.trim()].join(" › ");
      }
    }

    [question, title, description, slug].forEach(function (input) {
      if (input) input.addEventListener("input", update);
    });
    if (subject) subject.addEventListener("change", update);
    // The subject box is Select2's (autocomplete_fields): it tells jQuery, not the DOM, of a choice.
    if (window.django && window.django.jQuery && subject) window.django.jQuery(subject).on("change", update);
    update();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
