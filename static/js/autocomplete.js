/* Search-box suggestions: the ARIA 1.2 combobox pattern, no dependencies.
   The form works without this script; with it, typing shows up to eight names. */
(function () {
  "use strict";
  // The page's language: the script element carries the words it says.
  var text = (document.currentScript || {}).dataset || {};
  document.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
    var endpoint = input.getAttribute("data-autocomplete");
    var list = document.createElement("ul");
    var status = document.createElement("div");
    var items = [], active = -1, timer = null, lastQuery = null, request = 0;
    list.id = input.id + "-listbox";
    list.className = "autocomplete";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", text.label || "Suggestions");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(status);

    function close() {
      list.hidden = true; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) input.setAttribute("aria-activedescendant", items[index].id);
      else input.removeAttribute("aria-activedescendant");
    }
    function render(results) {
      list.textContent = ""; items = [];
      results.forEach(function (result, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.dataset.url = result.url;
        li.textContent = result.label;
        if (result.name_en_status) {
          // The English name is the catalogue's translation: its mark, as on the pages.
          var mark = document.createElement("span");
          var words = document.createElement("span");
          mark.className = "tr-mark";
          mark.title = result.name_en_status;
          mark.textContent = (text.mark || "tr.") + (result.name_en_review === "reviewed" ? "\u2713" : "");
          mark.setAttribute("aria-hidden", "true");
          words.className = "visually-hidden";
          words.textContent = " (" + result.name_en_status + ")";
          li.appendChild(mark); li.appendChild(words);
        }
        if (result.code) li.appendChild(document.createTextNode("  " + result.code));
        li.addEventListener("mousedown", function (event) { event.preventDefault(); window.location.href = result.url; });
        list.appendChild(li); items.push(li);
      });
      status.textContent = results.length === 1
        ? (text.one || "1 suggestion")
        : (text.many || "{n} suggestions").replace("{n}", results.length);
      if (results.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); highlight(-1); }
      else close();
    }
    function fetchSuggestions() {
      var query = input.value.trim();
      if (query === lastQuery) return;
      lastQuery = query;
      if (!query) { render([]); return; }
      var mine = ++request;
      fetch(endpoint + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (mine === request) render(data.results || []); })
        .catch(function () { if (mine === request) render([]); });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(fetchSuggestions, 150); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        if (list.hidden) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
        event.preventDefault(); window.location.href = items[active].dataset.url;
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  });
})();
