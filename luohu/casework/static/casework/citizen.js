// Progressive help for the citizen forms; every page works without it.
(function () {
  "use strict";
  // Show only the townships of the chosen county.
  var county = document.getElementById("id_destination_county");
  var township = document.getElementById("id_destination");
  function filterTownships() {
    if (!county || !township) { return; }
    var chosen = county.options[county.selectedIndex];
    var name = chosen && chosen.value ? chosen.text : "";
    Array.prototype.forEach.call(township.querySelectorAll("optgroup"), function (group) {
      var show = !name || group.label === name;
      group.hidden = !show;
      group.disabled = !show;
    });
    var current = township.options[township.selectedIndex];
    if (current && current.parentNode.tagName === "OPTGROUP" && current.parentNode.disabled) {
      township.value = "";
    }
  }
  if (county) { county.addEventListener("change", filterTownships); filterTownships(); }

  // Add one more form to a formset from its <template>.
  Array.prototype.forEach.call(document.querySelectorAll("[data-add]"), function (button) {
    var prefix = button.getAttribute("data-add");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.querySelector(prefix === "members" ? "[data-member-template]" : "[data-document-template]");
    var target = document.querySelector("[data-" + prefix + "]");
    if (!total || !template || !target) { return; }
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var number = holder.querySelector("[data-member-number]");
      if (number) { number.textContent = String(index + 1); }
      while (holder.firstChild) { target.appendChild(holder.firstChild); }
      total.value = String(index + 1);
    });
  });
})();
