/* Kylään: the visit form, enhanced. Everything here is optional: without JavaScript the form
   still works with native controls and a "Check whether it counts" button. */
(function () {
  "use strict";

  function debounce(fn, wait) {
    var timer;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, wait);
    };
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      });
  }

  function withParams(url, params) {
    var query = new URLSearchParams(params).toString();
    return url + (url.indexOf("?") === -1 ? "?" : "&") + query;
  }

  function element(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  /* An editable combobox with a list popup (WAI-ARIA 1.2 combobox pattern): the picker's own
     text box searches the server as one types; the options come and go in a listbox beside it
     while focus stays in the box (aria-activedescendant). Down and Up move through the options
     (Alt+Down opens the list), Enter chooses, Escape closes the list and then empties the box;
     a live region says how many were found and what was chosen. */
  function combobox(picker, options) {
    var input = picker.querySelector("[data-picker-input]");
    var listId = input.id + "-listbox";
    var list = element("ul", { id: listId, role: "listbox", class: "picker__list",
      "aria-label": options.listLabel });
    var status = element("div", { role: "status", class: "visually-hidden" });
    var popup = element("div", { class: "picker__popup" });
    popup.append(list);
    popup.hidden = true;
    input.closest(".picker__row").after(popup);
    picker.append(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    picker.querySelectorAll("[data-picker-button]").forEach(function (button) {
      button.hidden = true;  /* the search answers as one types */
    });
    var items = [];
    var active = -1;
    var asked = 0;

    function setActive(index) {
      var nodes = list.children;
      if (active >= 0 && nodes[active]) { nodes[active].setAttribute("aria-selected", "false"); }
      active = index;
      if (active >= 0 && nodes[active]) {
        nodes[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", nodes[active].id);
        nodes[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function isOpen() { return !popup.hidden && items.length > 0; }
    function open() {
      if (!items.length) { return; }
      popup.hidden = false;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function close() {
      setActive(-1);
      popup.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }
    function choose(index) {
      var item = items[index];
      close();
      if (item) {
        status.textContent = options.pick(item);
        input.focus();
      }
    }
    function reset() {
      items = [];
      list.replaceChildren();
      var empty = popup.querySelector("[data-picker-nothing]");
      if (empty) { empty.remove(); }
      close();
      status.textContent = "";
    }
    function show(results, query) {
      items = results;
      list.replaceChildren();
      results.forEach(function (item, index) {
        var option = element("li", { id: listId + "-" + index, role: "option",
          "aria-selected": "false", class: "picker__option" });
        option.append(element("span", { class: "picker__name" }, item.name));
        var details = options.details(item);
        if (details) { option.append(element("span", { class: "picker__details" }, details)); }
        option.addEventListener("click", function () { choose(index); });
        list.append(option);
      });
      var empty = popup.querySelector("[data-picker-nothing]");
      if (empty) { empty.remove(); }
      if (!results.length && options.empty) {
        popup.append(options.empty(query));
        popup.hidden = false;
        list.hidden = true;
      } else if (results.length) {
        open();
      } else {
        close();
      }
      active = -1;
      status.textContent = results.length === 1 ? text.foundOne : results.length
        ? text.found.replace("%s", results.length) : (options.nothing || text.nobodyFound);
    }

    var search = debounce(function () {
      var query = input.value.trim();
      var ticket = ++asked;
      if (query.length < 2) { reset(); return; }
      getJSON(withParams(options.url, { q: query })).then(function (data) {
        if (ticket !== asked || document.activeElement !== input) { return; }  /* outdated */
        show(data.results, query);
      }).catch(function () {
        if (ticket === asked) { status.textContent = text.searchFailed; }
      });
    }, 200);

    input.addEventListener("input", function () {
      if (options.typed) { options.typed(); }
      search();
    });
    input.addEventListener("keydown", function (event) {
      var count = items.length;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!isOpen()) { open(); if (!event.altKey && count) { setActive(0); } return; }
        setActive(active < count - 1 ? active + 1 : 0);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (!isOpen()) { open(); setActive(count - 1); return; }
        setActive(active > 0 ? active - 1 : count - 1);
      } else if (event.key === "Enter") {
        /* Enter in the box never sends the whole form half filled. */
        event.preventDefault();
        if (isOpen() && active >= 0) { choose(active); }
      } else if (event.key === "Escape") {
        if (!popup.hidden) { event.preventDefault(); close(); popup.hidden = true; }
        else if (input.value) {
          event.preventDefault();
          input.value = "";
          if (options.typed) { options.typed(); }
        }
      } else if (event.key === "Tab") {
        close();
      }
    });
    /* A press on an option keeps the focus in the box, so the click still chooses it. */
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    picker.addEventListener("focusout", function (event) {
      if (!event.relatedTarget || !picker.contains(event.relatedTarget)) { close(); }
    });
    /* Typed in before this script ran (a slow connection): searched for now. */
    if (document.activeElement === input && input.value.trim().length >= 2) { search(); }
    return { input: input, status: status, close: close };
  }

  var form = document.querySelector("form.visit-form");
  if (!form) { return; }
  var text = JSON.parse(document.getElementById("visit-form-text").textContent);

  /* Client picker and "who already visited this client". */
  var clientPicker = form.querySelector("[data-client-picker]");
  var clientValue = null;
  var clientBox = null;
  var chooseClient = null;
  if (clientPicker) {
    var picker = clientPicker.querySelector("[data-picker]");
    clientValue = picker.querySelector("[data-picker-value]");
    var earlier = clientPicker.querySelector("#earlier-visits");
    var showEarlier = function () {
      if (!clientValue.value) { earlier.replaceChildren(); return; }
      getJSON(withParams(clientPicker.dataset.visitsUrl, { client: clientValue.value }))
        .then(function (data) { earlier.innerHTML = data.html; })
        .catch(function () { earlier.replaceChildren(); });
    };
    var forgetMatches = function () {
      picker.querySelectorAll("[data-picker-matches], [data-picker-note]").forEach(
        function (node) { node.remove(); });
    };
    chooseClient = function (id, name) {
      clientValue.value = String(id);
      clientBox.input.value = name;
      forgetMatches();
      showEarlier();
      return text.chosen.replace("%s", name);
    };
    /* A match offered by the server (without a search run here) is chosen like an option. */
    picker.addEventListener("change", function (event) {
      if (event.target.matches("[data-picker-matches] input[type=radio]")) {
        chooseClient(event.target.value, event.target.dataset.name);
        clientBox.input.focus();
      }
    });
    clientBox = combobox(picker, {
      url: clientPicker.dataset.searchUrl,
      listLabel: text.clientResults,
      nothing: text.noClientFound,
      details: function (item) { return [item.kind, item.region].filter(Boolean).join(" · "); },
      pick: function (item) { return chooseClient(item.id, item.name); },
      typed: function () {
        /* Typing over a chosen client un-chooses it: the form sends what the box says. */
        if (clientValue.value) { clientValue.value = ""; showEarlier(); }
      },
      empty: function (query) {
        /* Nothing found: say so where the options would be, and lead to adding the client. */
        var box = element("div", { class: "picker__nothing",
          "data-picker-nothing": "" });
        box.append(element("p", {}, text.noClientFound));
        var add = element("button", { type: "button", class: "button button--secondary" },
          text.addNewClient);
        add.addEventListener("click", function () {
          var details = form.querySelector("[data-new-client]");
          if (!details) { return; }
          details.open = true;
          var name = details.querySelector("[name=new_client_name]");
          if (!name.value.trim()) {
            name.value = query;
            name.dispatchEvent(new Event("input"));
          }
          clientBox.input.value = "";
          box.remove();
          name.focus();
        });
        box.append(add);
        return box;
      }
    });
  }

  /* New client in place: warn about similar names and a business ID already in use. */
  var newClient = form.querySelector("[data-new-client]");
  if (newClient) {
    var nameInput = newClient.querySelector("[name=new_client_name]");
    var businessInput = newClient.querySelector("[name=new_client_business_id]");
    var similar = newClient.querySelector("#similar-clients");
    var checkSimilar = debounce(function () {
      if (nameInput.value.trim().length < 3 && !businessInput.value.trim()) {
        similar.replaceChildren();
        return;
      }
      getJSON(withParams(newClient.dataset.similarUrl, {
        name: nameInput.value, business_id: businessInput.value
      })).then(function (data) { similar.innerHTML = data.html; }).catch(function () {});
    }, 300);
    nameInput.addEventListener("input", checkSimilar);
    businessInput.addEventListener("input", checkSimilar);
    /* Picking one of the similar clients makes it the visit's client and drops the new one. */
    similar.addEventListener("change", function (event) {
      var choice = event.target.closest("[data-pick-client]");
      if (!choice || !chooseClient) { return; }
      clientBox.status.textContent = chooseClient(choice.value, choice.dataset.name);
      newClient.querySelectorAll("input[type=text], input:not([type])").forEach(function (input) {
        input.value = "";
      });
      var confirmed = newClient.querySelector("[name=new_client_confirmed]");
      if (confirmed) { confirmed.checked = false; }
      similar.replaceChildren();
      newClient.open = false;
      clientBox.input.focus();
    });
  }

  /* Co-visitors: each one chosen is a ticked box in the list; the combobox adds to it. */
  var staffPicker = form.querySelector("[data-staff-picker]");
  if (staffPicker) {
    var people = staffPicker.querySelector("[data-picker]");
    var chosen = people.querySelector("[data-picker-chosen]");
    var fieldName = people.querySelector("[data-picker-input]").name.replace(/_query$/, "");
    var boxFor = function (id) {
      return chosen.querySelector('input[name="' + fieldName + '"][value="' + id + '"]');
    };
    chosen.setAttribute("aria-label", text.chosenCoVisitors);
    combobox(people, {
      url: staffPicker.dataset.searchUrl,
      listLabel: text.staffResults,
      details: function (item) { return item.unit; },
      pick: function (item) {
        var box = boxFor(item.id);
        if (box) {
          if (box.checked) { return text.alreadyAdded.replace("%s", item.name); }
          box.checked = true;
        } else {
          var label = element("label");
          box = element("input", { type: "checkbox", name: fieldName, value: String(item.id),
            id: "id_" + fieldName + "_" + item.id });
          box.checked = true;
          label.append(box, " " + item.name + (item.unit ? " (" + item.unit + ")" : ""));
          var chip = element("li", { class: "chip" });
          chip.append(label);
          chosen.append(chip);
        }
        var empty = people.querySelector("[data-picker-empty]");
        if (empty) { empty.remove(); }
        people.querySelectorAll("[data-picker-matches], [data-picker-note]").forEach(
          function (node) { node.remove(); });
        people.querySelector("[data-picker-input]").value = "";
        return text.added.replace("%s", item.name);
      }
    });
  }

  /* Live "will this count and why", from the server's rule. */
  var verdict = form.querySelector("#verdict");
  if (verdict) {
    var previewButton = form.querySelector("[data-preview-button]");
    if (previewButton) { previewButton.hidden = true; }
    var updateVerdict = debounce(function () {
      var data = new FormData(form);
      var params = {
        visited_on: data.get("visited_on") || "",
        minutes: data.get("minutes") || "",
        is_remote: data.get("is_remote") || "False",
        status: data.get("status") || ""
      };
      if (data.get("listened_most")) { params.listened_most = "on"; }
      if (data.get("not_without_campaign")) { params.not_without_campaign = "on"; }
      getJSON(withParams(verdict.dataset.verdictUrl, params)).then(function (result) {
        verdict.innerHTML = result.html;
        verdict.classList.toggle("verdict--counts", result.counts === true);
        verdict.classList.toggle("verdict--blocked", result.blocked === true);
      }).catch(function () {});
    }, 250);
    ["visited_on", "minutes", "is_remote", "status", "listened_most", "not_without_campaign"]
      .forEach(function (name) {
        form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
          input.addEventListener("input", updateVerdict);
          input.addEventListener("change", updateVerdict);
        });
      });
  }

  /* Ideas: add rows in place instead of a round trip to the server. */
  var addIdea = form.querySelector("[data-add-idea]");
  var template = document.getElementById("idea-template");
  if (addIdea && template) {
    var total = form.querySelector("[name=ideas-TOTAL_FORMS]");
    var maximum = parseInt(form.querySelector("[name=ideas-MAX_NUM_FORMS]").value, 10);
    addIdea.addEventListener("click", function (event) {
      var count = parseInt(total.value, 10);
      if (count >= maximum) { return; }
      event.preventDefault();
      var html = template.innerHTML
        .replace(/__prefix__/g, String(count))
        .replace(/__number__/g, String(count + 1));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var fieldset = holder.firstElementChild;
      document.getElementById("idea-forms").append(fieldset);
      total.value = String(count + 1);
      fieldset.querySelector("input, textarea, select").focus();
    });
  }
}());
