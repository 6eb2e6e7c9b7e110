// Small enhancements over pages that work without JavaScript (no build step, no inline script: the CSP
// allows only this file and htmx). The attestation form shows only what the current choice needs.
(function () {
  "use strict";

  function setUpAttestationForm(form) {
    var blocks = form.querySelectorAll("[data-entity-block]");
    function currentEntity() {
      var checked = form.querySelector('input[name="beneficiary_id"]:checked');
      if (checked) return checked.getAttribute("data-entity");
      return blocks.length ? blocks[0].getAttribute("data-entity-block") : "contract";
    }
    function chosenTemplate(block) {
      var radio = block.querySelector("input[data-template-choice]:checked");
      if (radio) return radio.value;
      var only = block.querySelector("[data-template-inputs]");
      return only ? only.getAttribute("data-template-inputs") : null;
    }
    function refresh() {
      var entity = currentEntity();
      blocks.forEach(function (block) {
        var active = block.getAttribute("data-entity-block") === entity;
        block.hidden = !active;
        var template = chosenTemplate(block);
        block.querySelectorAll("[data-template-inputs]").forEach(function (inputs) {
          inputs.hidden = !active || inputs.getAttribute("data-template-inputs") !== template;
        });
      });
    }
    form.addEventListener("change", refresh);
    refresh();
  }

  // A key shown once (CRM): the copy button puts it on the clipboard and says so.
  function setUpCopyButton(button) {
    button.addEventListener("click", function () {
      var target = document.querySelector(button.getAttribute("data-copy"));
      if (!target) return;
      var text = target.textContent.trim();
      var done = function () {
        var label = button.querySelector("span");
        if (label) label.textContent = button.getAttribute("data-copied") || "Copied";
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () {});
      } else {
        var range = document.createRange();
        range.selectNodeContents(target);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        if (document.execCommand("copy")) done();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-attestation-form]").forEach(setUpAttestationForm);
    document.querySelectorAll("[data-copy]").forEach(setUpCopyButton);
  });
})();
