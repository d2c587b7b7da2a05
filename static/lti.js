// The LTI pages' browser side (no inline scripts, so the Content-Security-Policy can forbid them):
// - auto-posting forms (deep linking's answer to the LMS);
// - 1EdTech platform storage through postMessage (lti.put_data / lti.get_data), which binds a login's state to
//   this browser when the LMS frame cannot keep the tool's cookies;
// - the new-window fallback: the new window asks the launch page that opened it (same origin only) for the
//   ticket's key, so a ticket link sent to another browser opens nothing.
(function () {
  "use strict";
  var WAIT_MS = 3000;

  function byData(name) { return document.querySelector("[data-" + name + "]"); }

  function show(id) { var el = document.getElementById(id); if (el) el.hidden = false; }

  function storageFrame(target) {
    try { return target === "_parent" ? window.parent : window.parent.frames[target]; } catch (err) { return null; }
  }

  // One request to the platform's storage frame; `done(value)` gets the answer, or null on error or silence.
  function platformStorage(el, message, done) {
    var origin = el.getAttribute("data-origin"), frame = storageFrame(el.getAttribute("data-target"));
    var id = "quiz-" + Math.random().toString(36).slice(2), finished = false;
    function finish(value) { if (!finished) { finished = true; done(value); } }
    if (!frame || frame === window) { finish(null); return; }
    window.addEventListener("message", function (event) {
      var data = event.data || {};
      if (event.origin !== origin || data.message_id !== id || data.subject !== message.subject + ".response") return;
      finish(data.error ? null : (data.value === undefined ? true : data.value));
    });
    message.message_id = id;
    frame.postMessage(message, origin);
    window.setTimeout(function () { finish(null); }, WAIT_MS);
  }

  var autopost = byData("lti-autopost");
  if (autopost) autopost.submit();

  var put = byData("storage-put");
  if (put) {
    var key = put.getAttribute("data-key"), value = put.getAttribute("data-value");
    platformStorage(put, { subject: "lti.put_data", key: key, value: value }, function () {
      window.location.replace(put.getAttribute("data-redirect"));  // the state cookie may do if storage did not
    });
  }

  var get = byData("storage-get");
  if (get) {
    platformStorage(get, { subject: "lti.get_data", key: get.getAttribute("data-key") }, function (value) {
      if (typeof value !== "string") { show("storage-failed"); return; }
      get.querySelector("[name=storage_value]").value = value;
      get.submit();
    });
  }

  var launch = byData("open-key");
  if (launch) {
    window.addEventListener("message", function (event) {
      var data = event.data || {};
      if (event.origin !== window.location.origin || data.subject !== "quiz.open_key" || !event.source) return;
      event.source.postMessage({ subject: "quiz.open_key.response", key: launch.getAttribute("data-open-key") },
                               window.location.origin);
    });
    fetch("/lti/cookie-check", { credentials: "include" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.cookies) { window.location.replace(launch.getAttribute("data-destination")); }
        else { document.getElementById("lti-continue").hidden = true; }
      })
      .catch(function () { /* both links stay */ });
  }

  var open = byData("open-ticket");
  if (open) {
    var asked = false;
    window.addEventListener("message", function (event) {
      var data = event.data || {};
      if (event.origin !== window.location.origin || event.source !== window.opener) return;
      if (data.subject !== "quiz.open_key.response" || typeof data.key !== "string") return;
      open.querySelector("[name=key]").value = data.key;
      open.submit();
    });
    if (window.opener) { window.opener.postMessage({ subject: "quiz.open_key" }, window.location.origin); asked = true; }
    window.setTimeout(function () { show("open-failed"); }, asked ? WAIT_MS : 0);
  }
})();
