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

  /* A search box above a native select: results from the server as buttons; picking one sets
     the select, so the form posts exactly what it would without JavaScript. */
  function searchBox(container, select, options) {
    var id = select.id + "_search";
    var label = element("label", { for: id, class: "search-box__label" }, options.label);
    var input = element("input", {
      type: "search", id: id, class: "search-box__input", autocomplete: "off",
      placeholder: options.placeholder
    });
    var status = element("p", { class: "visually-hidden", "aria-live": "polite" });
    var results = element("ul", { class: "search-box__results" });
    var box = element("div", { class: "search-box" });
    box.append(label, input, status, results);
    options.insert(box);

    function clear() { results.replaceChildren(); }

    var search = debounce(function () {
      var query = input.value.trim();
      if (query.length < 2) { clear(); status.textContent = ""; return; }
      getJSON(withParams(options.url, { q: query })).then(function (data) {
        clear();
        if (!box.contains(document.activeElement)) { return; }  /* the user moved on */
        data.results.forEach(function (item) {
          var button = element("button", { type: "button", class: "search-box__result" });
          button.append(element("span", { class: "search-box__name" }, item.name));
          button.append(element("span", { class: "search-box__details" }, options.details(item)));
          button.addEventListener("click", function () {
            options.pick(item);
            clear();
            input.value = options.keepQuery ? input.value : "";
            status.textContent = options.picked(item);
            input.focus();
          });
          var row = element("li");
          row.append(button);
          results.append(row);
        });
        if (!data.results.length && options.empty) { results.append(options.empty(query)); }
        status.textContent = options.found(data.results.length);
      }).catch(function () { status.textContent = ""; });
    }, 200);
    input.addEventListener("input", search);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
      if (event.key === "Escape" && results.firstChild) { event.preventDefault(); clear(); }
      if (event.key === "ArrowDown") {
        var first = results.querySelector("button");
        if (first) { event.preventDefault(); first.focus(); }
      }
    });
    results.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.slice.call(results.querySelectorAll("button"));
      var index = buttons.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && index < buttons.length - 1) {
        event.preventDefault(); buttons[index + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault(); (index > 0 ? buttons[index - 1] : input).focus();
      } else if (event.key === "Escape") {
        clear(); input.focus();
      }
    });
    /* The list closes when focus leaves the search box for another field. A press on a result
       keeps the focus in the box, so the click still picks it. */
    results.addEventListener("mousedown", function (event) { event.preventDefault(); });
    box.addEventListener("focusout", function (event) {
      if (!event.relatedTarget || !box.contains(event.relatedTarget)) { clear(); }
    });
    return input;
  }

  var form = document.querySelector("form.visit-form");
  if (!form) { return; }
  var text = JSON.parse(document.getElementById("visit-form-text").textContent);

  /* Client picker and "who already visited this client". */
  var clientPicker = form.querySelector("[data-client-picker]");
  if (clientPicker) {
    var clientSelect = clientPicker.querySelector("select");
    var earlier = clientPicker.querySelector("#earlier-visits");
    var showEarlier = function () {
      if (!clientSelect.value) { earlier.replaceChildren(); return; }
      getJSON(withParams(clientPicker.dataset.visitsUrl, { client: clientSelect.value }))
        .then(function (data) { earlier.innerHTML = data.html; })
        .catch(function () { earlier.replaceChildren(); });
    };
    clientSelect.addEventListener("change", showEarlier);
    searchBox(clientPicker, clientSelect, {
      url: clientPicker.dataset.searchUrl,
      label: text.searchClients,
      placeholder: text.searchClientsPlaceholder,
      insert: function (box) { clientSelect.parentNode.insertBefore(box, clientSelect); },
      details: function (item) { return [item.kind, item.region].filter(Boolean).join(" · "); },
      pick: function (item) {
        if (!clientSelect.querySelector('option[value="' + item.id + '"]')) {
          clientSelect.append(element("option", { value: item.id }, item.name));
        }
        clientSelect.value = String(item.id);
        clientSelect.dispatchEvent(new Event("change"));
      },
      picked: function (item) { return text.chosen.replace("%s", item.name); },
      found: function (count) {
        return count ? text.found.replace("%s", count) : text.noClientFound;
      },
      empty: function (query) {
        /* Nothing found: say so where the results would be, and lead to adding the client. */
        var row = element("li", { class: "search-box__empty" });
        row.append(element("p", {}, text.noClientFound));
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
          name.focus();
        });
        row.append(add);
        return row;
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
      if (!choice || !clientSelect) { return; }
      if (!clientSelect.querySelector('option[value="' + choice.value + '"]')) {
        clientSelect.append(element("option", { value: choice.value }, choice.dataset.name));
      }
      clientSelect.value = choice.value;
      clientSelect.dispatchEvent(new Event("change"));
      newClient.querySelectorAll("input[type=text], input:not([type])").forEach(function (input) {
        input.value = "";
      });
      var confirmed = newClient.querySelector("[name=new_client_confirmed]");
      if (confirmed) { confirmed.checked = false; }
      similar.replaceChildren();
      newClient.open = false;
      clientSelect.focus();
    });
  }

  /* Co-visitors: search and chips; the native multiple select stays the source of truth. */
  var staffPicker = form.querySelector("[data-staff-picker]");
  if (staffPicker) {
    var staffSelect = staffPicker.querySelector("select");
    var chips = element("ul", { class: "chips", "aria-label": text.chosenCoVisitors });
    var renderChips = function () {
      chips.replaceChildren();
      Array.prototype.forEach.call(staffSelect.selectedOptions, function (option) {
        var item = element("li", { class: "chip" });
        item.append(element("span", {}, option.textContent));
        var remove = element("button", {
          type: "button", class: "chip__remove",
          "aria-label": text.remove.replace("%s", option.textContent)
        }, "×");
        remove.addEventListener("click", function () {
          option.selected = false;
          renderChips();
          staffSearch.focus();
        });
        item.append(remove);
        chips.append(item);
      });
    };
    var staffSearch = searchBox(staffPicker, staffSelect, {
      url: staffPicker.dataset.searchUrl,
      label: text.searchStaff,
      placeholder: text.searchStaffPlaceholder,
      insert: function (box) {
        staffSelect.parentNode.insertBefore(box, staffSelect);
        box.after(chips);
      },
      details: function (item) { return item.unit; },
      pick: function (item) {
        var option = staffSelect.querySelector('option[value="' + item.id + '"]');
        if (option) { option.selected = true; }
        renderChips();
      },
      picked: function (item) { return text.added.replace("%s", item.name); },
      found: function (count) { return text.found.replace("%s", count); }
    });
    staffSelect.hidden = true;
    var staffLabel = staffPicker.querySelector('label[for="' + staffSelect.id + '"]');
    if (staffLabel) { staffLabel.htmlFor = staffSearch.id; }
    staffPicker.querySelector(".search-box__label").classList.add("visually-hidden");
    renderChips();
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
