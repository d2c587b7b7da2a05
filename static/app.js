// Progressive enhancement: the pages work as plain forms; with JavaScript, math is typeset with KaTeX,
// answers are checked without a full reload, and formula fields show a live preview.
//
// Ordering: a part's live preview and its check race each other (both are fetches). Every part keeps two
// generation counters; a response is applied only if no newer request for the same part started since it was
// sent, and a check invalidates (and aborts) any preview in flight. "Interpreted as" lives in ONE element per
// part (the preview box), whose content is replaced, never appended to.
(function () {
  "use strict";

  function typeset(root) {
    if (!window.katex) return;
    root.querySelectorAll(".math:not([data-typeset])").forEach(function (el) {
      // The server sends MathML with its TeX as the annotation (shown as is without JavaScript).
      var annotation = el.querySelector('annotation[encoding="application/x-tex"]');
      var tex = annotation ? annotation.textContent : el.textContent;
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
    return (verdict ? verdict.textContent.trim() : "") + (message ? ". " + spokenText(message) : "");
  }

  // The text of an element whose math is typeset, as read aloud: each formula once (its MathML, not its TeX
  // annotation nor KaTeX's visual copy).
  function spokenText(el) {
    var copy = el.cloneNode(true);
    copy.querySelectorAll("annotation, .katex-html").forEach(function (n) { n.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  // A verdict's message is plain text in which $…$ is TeX, `…` quotes code and \$ is a dollar sign; a line with
  // only a caret points into the answer on the line above. Built as the server builds it (app/web/markdown.py).
  var SPAN = /\\\$|`([^`\n]+)`|\$([^$\n]+)\$/g;

  function messageElement(text, className) {
    var box = document.createElement("div");
    box.className = className;
    var lines = text.split("\n");
    for (var i = 0; i < lines.length; i++) {
      if (i + 1 < lines.length && /^ *\^$/.test(lines[i + 1])) {
        var pre = document.createElement("pre");
        pre.className = "pointer";
        pre.textContent = lines[i] + "\n" + lines[i + 1];
        box.append(pre);
        i++;
      } else if (lines[i].trim()) {
        box.append(messageLine(lines[i]));
      }
    }
    return box;
  }

  function messageLine(line) {
    var p = document.createElement("p"), end = 0, match;
    SPAN.lastIndex = 0;
    while ((match = SPAN.exec(line)) !== null) {
      p.append(line.slice(end, match.index));
      if (match[1] !== undefined) {
        var code = document.createElement("code");
        code.textContent = match[1];
        p.append(code);
      } else if (match[2] !== undefined) {
        var math = document.createElement("span");
        math.className = "math inline";
        math.textContent = match[2];
        p.append(math);
      } else {
        p.append("$");
      }
      end = SPAN.lastIndex;
    }
    p.append(line.slice(end));
    return p;
  }

  // Per-part request generations: a response older than the latest request of its kind is dropped.
  var previewGeneration = {}, checkGeneration = {}, previewInFlight = {}, previewTimers = {};

  function bump(counter, part) {
    counter[part] = (counter[part] || 0) + 1;
    return counter[part];
  }

  function cancelPreview(part) {
    window.clearTimeout(previewTimers[part]);
    bump(previewGeneration, part);
    if (previewInFlight[part]) previewInFlight[part].abort();
    previewInFlight[part] = null;
  }

  function fieldValues(section) {
    return Array.from(section.querySelectorAll("input[name], textarea[name], select[name]")).map(function (el) {
      return el.type === "checkbox" || el.type === "radio" ? el.checked : el.value;
    });
  }

  function restoreValues(section, values) {
    Array.from(section.querySelectorAll("input[name], textarea[name], select[name]")).forEach(function (el, i) {
      if (i >= values.length) return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = values[i];
      else if (el.type !== "hidden") el.value = values[i];
    });
  }

  function sameValues(a, b) {
    return a.length === b.length && a.every(function (v, i) { return v === b[i]; });
  }

  async function submitAnswers(event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.answers")) return;
    event.preventDefault();
    var submitter = event.submitter;
    var data = new FormData(form, submitter);
    var action = submitter && submitter.hasAttribute("formaction") ? submitter.formAction : form.action;
    var target = submitter ? submitter.value : "*";
    if (target === "edited") { // the page's default button: the part being typed in is the one to check
      var typedIn = document.activeElement && document.activeElement.closest("section.part");
      if (!typedIn) return;
      target = typedIn.dataset.part;
      data.set("part", target);
    }
    var ids = target === "*" ? Array.from(form.querySelectorAll("section.part")).map(function (s) { return s.dataset.part; }) : [target];
    var sent = {}, generations = {};
    ids.forEach(function (id) {
      cancelPreview(id);
      generations[id] = bump(checkGeneration, id);
      var section = document.getElementById("part-" + id);
      if (section) sent[id] = fieldValues(section);
    });
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
      var freshForm = page.querySelector("form.answers");
      if (freshForm) freshForm.querySelectorAll(":scope > input[type=hidden][name]").forEach(function (input) {
        var mine = form.querySelector(':scope > input[type=hidden][name="' + input.name + '"]');
        if (mine) mine.value = input.value;
      });
      var applied = ids.filter(function (id) { return checkGeneration[id] === generations[id]; });
      applied.forEach(function (id) { replacePart(page, id, sent[id]); });
      if (response.ok) applied.forEach(function (id) { drafts.settle(document.getElementById("part-" + id)); });
      var score = page.querySelector(".meta .score");
      if (score) document.querySelector(".meta .score").textContent = score.textContent;
      var first = applied.length ? document.getElementById("part-" + applied[0]) : null;
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

  // Swap in the server's fresh section; what the student typed while the request was out stays in the box.
  function replacePart(page, id, sentValues) {
    var fresh = page.getElementById("part-" + id);
    var old = document.getElementById("part-" + id);
    if (!fresh || !old) return;
    var typed = fieldValues(old);
    old.replaceWith(fresh);
    typeset(fresh);
    fresh.serverValues = fieldValues(fresh);
    if (sentValues && !sameValues(typed, sentValues)) {
      restoreValues(fresh, typed);
      var formula = fresh.querySelector("input[data-preview]");
      if (formula) schedulePreview(formula);
    }
  }

  function schedulePreview(input) {
    var part = input.dataset.preview;
    window.clearTimeout(previewTimers[part]);
    previewTimers[part] = window.setTimeout(function () { preview(part); }, 250);
  }

  function interpretation(result) {
    if (result.latex) {
      var p = document.createElement("p");
      p.className = "interpreted";
      p.append("Interpreted as ");
      var span = document.createElement("span");
      span.className = "math inline";
      span.textContent = result.latex;
      p.append(span);
      if (result.shape_latex) {
        var shape = document.createElement("span");
        shape.className = "math inline";
        shape.textContent = result.shape_latex;
        p.append(" (", shape, ")");
      } else if (result.shape) {
        p.append(" (" + result.shape + ")");
      }
      return p;
    }
    return messageElement(result.feedback || "Cannot read this yet.", "message error");
  }

  // Tells listeners (tests, embedding pages) how each preview ended: "shown", "stale" (dropped) or "aborted".
  function previewSettled(part, outcome) {
    document.dispatchEvent(new CustomEvent("quiz:preview", { detail: { part: part, outcome: outcome } }));
  }

  async function preview(part) {
    var input = document.querySelector('input[data-preview="' + CSS.escape(part) + '"]');
    var box = document.getElementById("preview-" + part);
    var problem = document.querySelector("article.problem");
    if (!input || !box || !problem) return;
    cancelPreview(part);
    var generation = previewGeneration[part];
    if (!input.value.trim()) { box.replaceChildren(); return; }
    var controller = new AbortController();
    previewInFlight[part] = controller;
    var body = { problem_id: problem.dataset.problem, part_id: part, seed: Number(problem.dataset.seed), text: input.value };
    try {
      var response = await fetch("/api/v1/preview", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
        signal: controller.signal
      });
      var result = await response.json();
      if (previewGeneration[part] !== generation) { previewSettled(part, "stale"); return; } // a newer one answers
      previewInFlight[part] = null;
      var current = document.getElementById("preview-" + part);
      if (!current) return;
      current.replaceChildren(interpretation(result));
      typeset(current);
      previewSettled(part, "shown");
    } catch (err) { previewSettled(part, "aborted"); } // or offline: the preview is a convenience
  }

  // Drafts in the browser: what is typed into a part is kept in localStorage (per learner, problem, variant
  // and part) until the server shows it back, so a reload or a closed tab loses nothing. A draft is restored
  // only onto the very values it was typed over: if the server shows something newer, the server wins.
  var drafts = {
    key: function (section) {
      var problem = document.querySelector("article.problem");
      return ["quiz-draft", problem.dataset.learner, problem.dataset.problem, problem.dataset.seed, section.dataset.part].join(":");
    },
    read: function (section) {
      try { return JSON.parse(window.localStorage.getItem(drafts.key(section)) || "null"); } catch (err) { return null; }
    },
    write: function (section, value) {
      try {
        if (value) window.localStorage.setItem(drafts.key(section), JSON.stringify(value));
        else window.localStorage.removeItem(drafts.key(section));
      } catch (err) { /* storage full or disabled: the server still keeps drafts on every post */ }
    },
    save: function (section) {
      var stored = drafts.read(section);
      var base = stored ? stored.base : section.serverValues;
      var values = fieldValues(section);
      drafts.write(section, sameValues(values, base) ? null : { base: base, values: values });
    },
    // After the server answered for a part: what it shows is the new base; keep only what differs from it.
    settle: function (section) {
      if (!section || !section.serverValues) return;
      var typed = fieldValues(section);
      drafts.write(section, sameValues(typed, section.serverValues) ? null : { base: section.serverValues, values: typed });
    },
    restore: function (section) {
      section.serverValues = fieldValues(section);
      var stored = drafts.read(section);
      if (!stored) return;
      if (!sameValues(stored.base, section.serverValues)) { drafts.write(section, null); return; }
      restoreValues(section, stored.values);
      var formula = section.querySelector("input[data-preview]");
      if (formula) schedulePreview(formula);
    }
  };

  // A part of the learner's answer form (drafts are kept for these only; the instructor's try-it boxes are not).
  function partOf(el) { return el && el.closest ? el.closest("form.answers section.part") : null; }

  document.addEventListener("submit", submitAnswers);
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-preview]")) schedulePreview(event.target);
    var section = partOf(event.target);
    if (section && section.serverValues) drafts.save(section);
  });
  document.addEventListener("change", function (event) {
    var section = partOf(event.target);
    if (section && section.serverValues) drafts.save(section);
  });
  // Enter in a part's box checks that part (the browser alone would press the form's first button).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing || event.target.tagName !== "INPUT") return;
    var section = event.target.closest && event.target.closest("section.part");
    var button = section && section.querySelector('.actions button[name="part"]:not([formaction])');
    if (!button) return;
    event.preventDefault();
    button.form.requestSubmit(button);
  });
  // A due date is written in the author's time zone (`Friday 6 March 2026, 23:59 (UTC-08:00)`); a learner
  // elsewhere reads it in their own, the author's wording kept as the element's title. English names, no ICU.
  var DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December"];
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function offsetText(minutes) {
    if (minutes === 0) return "UTC";
    var size = Math.abs(minutes);
    return "UTC" + (minutes < 0 ? "-" : "+") + pad(Math.floor(size / 60)) + ":" + pad(size % 60);
  }
  function authorOffset(iso) {
    var m = /([+-])(\d\d):(\d\d)$/.exec(iso);
    if (!m) return /Z$/.test(iso) ? 0 : null;
    return (m[1] === "-" ? -1 : 1) * (60 * Number(m[2]) + Number(m[3]));
  }
  function localTimes(root) {
    root.querySelectorAll("time.local[datetime]").forEach(function (el) {
      var iso = el.getAttribute("datetime"), when = new Date(iso), author = authorOffset(iso);
      var local = -when.getTimezoneOffset();
      if (isNaN(when.getTime()) || author === null || author === local) return;
      el.title = el.textContent;
      el.textContent = DAYS[when.getDay()] + " " + when.getDate() + " " + MONTHS[when.getMonth()] + " " +
        when.getFullYear() + ", " + pad(when.getHours()) + ":" + pad(when.getMinutes()) +
        " (your time, " + offsetText(local) + ")";
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    typeset(document.body);
    localTimes(document.body);
    document.querySelectorAll("form.answers section.part").forEach(drafts.restore);
  });
})();
