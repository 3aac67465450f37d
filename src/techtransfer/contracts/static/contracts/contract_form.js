// The contract form offers only the subtypes of the chosen contract type (the server checks it too).
(function () {
  "use strict";
  var data = document.getElementById("contract-subtypes");
  var type = document.getElementById("id_contract_type");
  var sub = document.getElementById("id_subtype");
  if (!data || !type || !sub) return;
  var map = JSON.parse(data.textContent);
  function sync() {
    var allowed = map[type.value] || [];
    sub.querySelectorAll("option").forEach(function (opt) {
      if (!opt.value) return;
      var ok = allowed.indexOf(opt.value) >= 0;
      opt.hidden = !ok;
      opt.disabled = !ok;
    });
    sub.querySelectorAll("optgroup").forEach(function (group) {
      group.hidden = !Array.prototype.some.call(group.children, function (o) { return !o.hidden; });
    });
    if (sub.value && allowed.indexOf(sub.value) < 0) sub.value = "";
    sub.disabled = allowed.length === 0;  // a type without subtypes: nothing to choose
  }
  type.addEventListener("change", sync);
  // After the browser has put back what the form held (Back, reload): run at once, the type was
  // still its default and the subtype was cleared and disabled before the saved type came back.
  window.addEventListener("pageshow", sync);
})();
