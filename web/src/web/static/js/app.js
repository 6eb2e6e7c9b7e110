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

  // Live updates: the person's server-sent events, relayed by /portal/live. A notification refreshes what is
  // marked data-live-kind="notification" (the unread count); a change of a dossier refreshes what is marked with
  // that dossier (data-live-dossier) and a prefix of the change's type (data-live-types). While the stream is
  // open the fallback polls (data-poll-fallback) are skipped; when it is refused or down they poll as before,
  // and the script tries again later from the last event it received.
  var RETRY_AFTER_FAILURE_MS = 30000;

  function setUpLiveUpdates(url) {
    var lastEventId = "";
    var open = false;

    function refresh(elements) {
      elements.forEach(function (element) {
        htmx.trigger(element, "live-change");
      });
    }
    function remember(event) {
      if (event.lastEventId) lastEventId = event.lastEventId;
    }
    function onNotification(event) {
      remember(event);
      refresh(document.querySelectorAll('[data-live-kind~="notification"]'));
    }
    function onDossier(event) {
      remember(event);
      var change = JSON.parse(event.data);
      var concerned = [];
      document.querySelectorAll("[data-live-dossier]").forEach(function (element) {
        if (element.getAttribute("data-live-dossier") !== change.dossier_id) return;
        var prefixes = (element.getAttribute("data-live-types") || "").split(" ");
        if (prefixes.some(function (prefix) { return prefix && change.type.indexOf(prefix) === 0; })) {
          concerned.push(element);
        }
      });
      refresh(concerned);
    }
    function connect() {
      var source = new EventSource(lastEventId ? url + "?last_event_id=" + encodeURIComponent(lastEventId) : url);
      var fresh = true;
      source.addEventListener("open", function () {
        open = true;
        document.body.setAttribute("data-live", "open");
        if (fresh) refresh(document.querySelectorAll("[data-poll-fallback]")); // what changed before it opened
        fresh = false;
      });
      source.addEventListener("notification", onNotification);
      source.addEventListener("dossier", onDossier);
      source.addEventListener("error", function () {
        // CONNECTING: the response ended and the browser reconnects with Last-Event-ID (nothing is missed).
        if (source.readyState !== EventSource.CLOSED) return;
        open = false; // refused (too many streams), signed out or unreachable: poll, and try again later
        document.body.removeAttribute("data-live");
        setTimeout(connect, RETRY_AFTER_FAILURE_MS);
      });
    }
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      var element = event.detail.elt;
      var config = event.detail.requestConfig || {};
      var polled = !config.triggeringEvent; // htmx's "every" (and "load") give no event
      if (open && polled && element && element.hasAttribute("data-poll-fallback")) event.preventDefault();
    });
    connect();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-attestation-form]").forEach(setUpAttestationForm);
    document.querySelectorAll("[data-copy]").forEach(setUpCopyButton);
    var liveUrl = document.body.getAttribute("data-live-url");
    if (liveUrl && window.EventSource && window.htmx) setUpLiveUpdates(liveUrl);
  });
})();
