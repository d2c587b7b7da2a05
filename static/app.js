// Progressive enhancement: the pages work as plain forms; with JavaScript, math is typeset with KaTeX,
// answers are checked without a full reload, and formula fields show a live preview.
(function () {
  "use strict";

  function typeset(root) {
    if (!window.katex) return;
    root.querySelectorAll(".math:not([data-typeset])").forEach(function (el) {
      var tex = el.textContent;
      try {
        window.katex.render(tex, el, { displayMode: el.classList.contains("block"), throwOnError: false });
        el.setAttribute("data-typeset", "1");
        el.setAttribute("data-tex", tex);
      } catch (err) { /* leave the TeX readable */ }
    });
  }

  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function verdictText(section) {
    var verdict = section.querySelector(".verdict");
    var message = section.querySelector(".message");
    return (verdict ? verdict.textContent.trim() : "") + (message ? ". " + message.textContent.trim() : "");
  }

  async function submitAnswers(event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.answers")) return;
    event.preventDefault();
    var submitter = event.submitter;
    var data = new FormData(form, submitter);
    var action = submitter && submitter.hasAttribute("formaction") ? submitter.formAction : form.action;
    var target = submitter ? submitter.value : "*";
    form.setAttribute("aria-busy", "true");
    try {
      var response = await fetch(action, { method: "POST", body: new URLSearchParams(data), credentials: "same-origin" });
      if (!response.ok) {  // e.g. 503 during an outage: nothing was recorded
        announce("Your answer could not be recorded right now; please send it again in a few seconds.");
        return;
      }
      var html = await response.text();
      var page = new DOMParser().parseFromString(html, "text/html");
      // The fresh page's form carries fresh hidden tokens (templates/_form_tokens.html): the next post sends them.
      var fresh = page.querySelector("form.answers");
      if (fresh) fresh.querySelectorAll(":scope > input[type=hidden][name]").forEach(function (input) {
        var mine = form.querySelector(':scope > input[type=hidden][name="' + input.name + '"]');
        if (mine) mine.value = input.value;
      });
      var ids = target === "*" ? Array.from(form.querySelectorAll("section.part")).map(function (s) { return s.dataset.part; }) : [target];
      ids.forEach(function (id) {
        var fresh = page.getElementById("part-" + id);
        var old = document.getElementById("part-" + id);
        if (fresh && old) { old.replaceWith(fresh); typeset(fresh); }
      });
      var score = page.querySelector(".meta .score");
      if (score) document.querySelector(".meta .score").textContent = score.textContent;
      var first = document.getElementById("part-" + ids[0]);
      if (first) {
        announce(ids.length === 1 ? verdictText(first) : "Answers checked.");
        var feedback = first.querySelector(".feedback");
        if (feedback) feedback.focus();
      }
    } catch (err) {
      announce("Could not reach the server; your answer was not sent. Try again.");
    } finally {
      form.removeAttribute("aria-busy");
    }
  }

  var timers = {};
  function schedulePreview(input) {
    var part = input.dataset.preview;
    window.clearTimeout(timers[part]);
    timers[part] = window.setTimeout(function () { preview(input, part); }, 250);
  }

  async function preview(input, part) {
    var box = document.getElementById("preview-" + part);
    var problem = document.querySelector("article.problem");
    if (!box || !problem) return;
    if (!input.value.trim()) { box.innerHTML = ""; return; }
    var body = { problem_id: problem.dataset.problem, part_id: part, seed: Number(problem.dataset.seed), text: input.value };
    try {
      var response = await fetch("/api/v1/preview", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
      });
      var result = await response.json();
      if (input.value !== body.text) return; // a newer keystroke will answer
      box.innerHTML = "";
      if (result.latex) {
        var p = document.createElement("p");
        p.className = "interpreted";
        p.append("Interpreted as ");
        var span = document.createElement("span");
        span.className = "math inline";
        span.textContent = result.latex;
        p.append(span);
        if (result.shape) p.append(" (" + result.shape + ")");
        box.append(p);
        typeset(box);
      } else {
        var pre = document.createElement("pre");
        pre.className = "message error";
        pre.textContent = result.feedback || "Cannot read this yet.";
        box.append(pre);
      }
    } catch (err) { /* the preview is a convenience; checking still works */ }
  }

  document.addEventListener("submit", submitAnswers);
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-preview]")) schedulePreview(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () { typeset(document.body); });
})();
