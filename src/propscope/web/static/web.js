// The article page's review tools. Builds every control with createElement/textContent (article
// strings never become markup; the redrawn article is the server's escaped markup); talks only to
// this server, with the session's CSRF token. Everything works from the keyboard: Tab reaches every
// button, Shift+arrows in the text select words, Enter opens the technique picker.
(function () {
  "use strict";
  var meta = function (name) { var m = document.querySelector("meta[name='" + name + "']"); return m ? m.content : ""; };
  var articleId = meta("ps-article");
  if (!articleId) { return; }
  var reviewer = meta("ps-reviewer") === "yes";
  var csrf = meta("ps-csrf");
  var status = document.getElementById("ps-status");
  var techniques = JSON.parse(document.getElementById("ps-techniques").textContent);
  var corrections = JSON.parse(document.getElementById("ps-corrections").textContent);
  var titles = {};
  techniques.forEach(function (t) { titles[t[0]] = t[1]; });

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function say(text) { status.textContent = text; }
  function send(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: body === undefined ? "" : JSON.stringify(body)
    }).then(function (r) {
      if (r.status === 204) { return null; }
      return r.json().then(function (data) {
        if (!r.ok) { throw new Error(data.code + " " + data.message); }
        return data;
      });
    });
  }
  // the article drawn again by the server with every correction applied (added spans highlighted,
  // resized and relabelled ones moved), then the review controls on top
  function refresh(focusSelector) {
    return fetch("/articles/" + articleId + "/view", { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("the article could not be reloaded"); } return r.json(); })
      .then(function (data) {
        var doc = document.querySelector("article.doc");
        var y = window.scrollY;
        doc.outerHTML = data.html;
        var glance = document.getElementById("ps-glance");
        if (glance && data.glance) { glance.outerHTML = data.glance; }  // the summary counts the corrections too
        window.scrollTo(0, y);
        corrections = data.corrections;
        render();
        refocus(focusSelector);
      });
  }
  function refocus(selector) {
    var target = selector ? document.querySelector(selector) : null;
    var control = target ? (target.matches("button, select, input, [tabindex]") ? target : target.querySelector("button, select, input")) : null;
    (control || status).focus();
  }
  function correct(body, what, focusSelector) {
    body.analysis_id = parseInt(meta("ps-analysis"), 10);
    say("Saving\u2026");
    return send("/articles/" + articleId + "/corrections", body)
      .then(function () { return refresh(focusSelector); })
      .then(function () { say("Saved: " + what); })
      .catch(function (err) { say("Not saved: " + err.message); });
  }
  function undo(c, focusSelector) {
    say("Undoing\u2026");
    return send("/articles/" + articleId + "/corrections/" + c.id + "/undo")
      .then(function () { return refresh(focusSelector); })
      .then(function () { say("Undone"); })
      .catch(function (err) { say("Not undone: " + err.message); });
  }
  function button(label, onClick) {
    var b = el("button", "", label);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  function latest(target, index, matchIndex) {
    var found = null;
    corrections.forEach(function (c) {
      if (c.target === target && c.index === index && (matchIndex === undefined || c.match_index === matchIndex) && c.action !== "add") { found = c; }
    });
    return found;
  }
  function badge(c, text, negative) {
    var wrap = el("span", "ps-badge" + (negative ? " neg" : ""), text + " (" + c.author + ", " + c.created.slice(0, 16).replace("T", " ") + ")");
    wrap.dataset.correction = c.id;
    return wrap;
  }
  function clear(root) { root.querySelectorAll(".review, .ps-badge").forEach(function (n) { n.remove(); }); }
  function byId(id) { return corrections.filter(function (c) { return String(c.id) === String(id); })[0]; }

  function renderSpans() {
    document.querySelectorAll("ol.spanlist li").forEach(function (li) {
      clear(li);
      var box = el("span", "review");
      var own = "ol.spanlist li[data-index='" + li.dataset.index + "']";
      if (li.dataset.added) {
        var a = byId(li.dataset.added);
        if (a) { li.appendChild(badge(a, "added")); }
        if (reviewer && a) { box.appendChild(button("Undo", function () { undo(a, ".reading"); })); }
        li.appendChild(box);
        return;
      }
      var index = parseInt(li.dataset.index, 10);
      var mine = corrections.filter(function (x) { return x.target === "technique" && x.index === index && x.action !== "add"; });
      var decided = mine.filter(function (x) { return x.action === "accept" || x.action === "reject"; }).pop();
      // rejected while its newest correction is a reject: the exports' rule (web/review.py)
      var rejected = !!(mine.length && mine[mine.length - 1].action === "reject");
      li.classList.toggle("rejected", rejected);
      mine.forEach(function (c) {
        var text = { accept: "accepted", reject: "rejected", relabel: "relabelled", resize: "resized" }[c.action] || c.action;
        if (c.action === "relabel" && c.after) { text += " as " + (titles[c.after.technique] || c.after.technique); }
        if (c.action === "resize" && c.after) { text += " to \u201c" + c.after.text + "\u201d"; }
        li.appendChild(badge(c, text, c.action === "reject"));
        if (reviewer) { box.appendChild(button("Undo " + c.action, function () { undo(c, own); })); }
      });
      if (reviewer && !decided) {
        box.appendChild(button("Accept", function () { correct({ target: "technique", action: "accept", index: index }, "span accepted", own); }));
        box.appendChild(button("Reject", function () { correct({ target: "technique", action: "reject", index: index }, "span rejected", own); }));
      }
      if (reviewer && !rejected) {
        // a select and a button: arrowing through a closed select fires 'change', which must not relabel
        var pick = el("select");
        pick.setAttribute("aria-label", "new technique for span " + li.dataset.n);
        pick.appendChild(el("option", "", "Change technique to\u2026"));
        pick.options[0].value = "";
        techniques.forEach(function (t) {
          if (t[0] !== li.dataset.technique) { var o = el("option", "", t[1]); o.value = t[0]; pick.appendChild(o); }
        });
        box.appendChild(pick);
        box.appendChild(button("Relabel", function () {
          if (pick.value) { correct({ target: "technique", action: "relabel", index: index, technique: pick.value }, "span relabelled as " + titles[pick.value], own); }
          else { say("Pick a technique first"); pick.focus(); }
        }));
      }
      li.appendChild(box);
    });
  }
  function renderClaims() {
    document.querySelectorAll("tr.claim").forEach(function (tr) {
      clear(tr);
      var index = parseInt(tr.dataset.index, 10);
      var own = "tr.claim[data-index='" + index + "'] .claim-text";
      var cell = tr.querySelector(".claim-text");
      var c = latest("claim", index);
      tr.classList.toggle("not-checkworthy", !!(c && c.action === "not_checkworthy"));
      var who = tr.querySelector("td.who");
      if (who && !who.dataset.original) { who.dataset.original = who.textContent; }
      var speaker = corrections.filter(function (x) { return x.target === "claim" && x.index === index && x.action === "speaker"; }).pop();
      if (who) { who.textContent = speaker ? speaker.after.speaker : who.dataset.original; }
      var box = el("span", "review");
      corrections.forEach(function (x) {
        if (x.target === "claim" && x.index === index) {
          cell.appendChild(badge(x, x.action === "speaker" ? "speaker fixed" : x.action.replace("_", " ").replace("checkworthy", "check-worthy"), x.action === "not_checkworthy"));
          if (reviewer) { box.appendChild(button("Undo " + x.action.replace("_", " ").replace("checkworthy", "check-worthy"), function () { undo(x, own); })); }
        }
      });
      if (reviewer) {
        if (!(c && c.action === "not_checkworthy")) {
          box.appendChild(button("Not check-worthy", function () { correct({ target: "claim", action: "not_checkworthy", index: index }, "claim marked not check-worthy", own); }));
        }
        var input = el("input");
        input.placeholder = "speaker";
        input.setAttribute("aria-label", "the speaker of claim " + (index + 1));
        input.size = 14;
        var fix = function () {
          if (input.value.trim()) { correct({ target: "claim", action: "speaker", index: index, speaker: input.value.trim() }, "speaker fixed", own); }
        };
        input.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); fix(); } });
        box.appendChild(input);
        box.appendChild(button("Fix speaker", fix));
      }
      cell.appendChild(box);
      tr.querySelectorAll("li[data-match]").forEach(function (li) {
        clear(li);
        var m = parseInt(li.dataset.match, 10);
        var mine = "tr.claim[data-index='" + index + "'] li[data-match='" + m + "']";
        var mc = latest("match", index, m);
        var mbox = el("span", "review");
        if (mc) {
          li.appendChild(badge(mc, mc.action === "confirm" ? "confirmed" : "rejected", mc.action === "reject"));
          if (reviewer) { mbox.appendChild(button("Undo", function () { undo(mc, mine); })); }
        } else if (reviewer) {
          mbox.appendChild(button("Confirm match", function () { correct({ target: "match", action: "confirm", index: index, match_index: m }, "match confirmed", mine); }));
          mbox.appendChild(button("Reject match", function () { correct({ target: "match", action: "reject", index: index, match_index: m }, "match rejected", mine); }));
        }
        li.appendChild(mbox);
      });
    });
  }
  function readingArea() { return document.querySelector(".reading"); }
  function render() {
    renderSpans();
    renderClaims();
    if (reviewer) { prepareSelection(); }
    if (window.propscopeApply) { window.propscopeApply(); }
  }

  // -- adding and resizing spans from a selection in the text ---------------------------------------
  // a selection in the text -> character offsets, through the data-o of the chunk it starts/ends in
  function offset(node, off) {
    var host = (node.nodeType === 1 ? node : node.parentNode).closest("[data-o]");
    if (!host) { return null; }
    var range = document.createRange();
    range.setStart(host, 0);
    range.setEnd(node, off);
    return parseInt(host.dataset.o, 10) + range.toString().length;
  }
  var adder = document.getElementById("ps-add");
  var select = document.getElementById("ps-add-technique");
  var resize = document.getElementById("ps-resize-span");
  var picked = document.getElementById("ps-add-words");
  var pending = null;

  function prepareSelection() {
    var reading = readingArea();
    if (!reading) { return; }
    // the text itself takes focus, so that Shift+arrows can select in it without a mouse
    reading.tabIndex = 0;
    reading.setAttribute("aria-describedby", "ps-keys");
    resize.textContent = "";
    document.querySelectorAll("ol.spanlist li").forEach(function (li) {
      if (li.dataset.added) { return; }
      var words = (li.querySelector("q") || li).textContent;
      var o = el("option", "", li.dataset.n + " " + li.dataset.code + " \u201c" + (words.length > 40 ? words.slice(0, 39) + "\u2026" : words) + "\u201d");
      o.value = li.dataset.index;
      resize.appendChild(o);
    });
    resize.disabled = !resize.options.length;
    document.getElementById("ps-resize-go").disabled = !resize.options.length;
  }
  function selectionInText() {
    var sel = window.getSelection();
    var reading = readingArea();
    if (!sel || sel.isCollapsed || !sel.rangeCount || !reading || !reading.contains(sel.anchorNode) || !reading.contains(sel.focusNode)) { return null; }
    var a = offset(sel.anchorNode, sel.anchorOffset), b = offset(sel.focusNode, sel.focusOffset);
    if (a === null || b === null || a === b) { return null; }
    return { start: Math.min(a, b), end: Math.max(a, b), box: sel.getRangeAt(0).getBoundingClientRect(), text: sel.toString() };
  }
  function offer() {
    var found = selectionInText();
    if (!found) { closeAdder(); return false; }
    // keep the selection's end and the picker below it in view, clear of the sticky header
    var header = document.querySelector("header.page");
    var clear = header ? header.getBoundingClientRect().bottom + 8 : 8;
    if (found.box.bottom < clear || found.box.bottom > window.innerHeight - 160) {
      window.scrollBy(0, found.box.bottom - clear - 120);
      found = selectionInText();
    }
    pending = { start: found.start, end: found.end };
    var words = found.text.replace(/\s+/g, " ").trim();
    picked.textContent = "\u201c" + (words.length > 80 ? words.slice(0, 79) + "\u2026" : words) + "\u201d";
    adder.hidden = false;
    var width = document.documentElement.clientWidth;
    var left = Math.max(8, Math.min(found.box.left, width - adder.offsetWidth - 8));
    adder.style.left = (left + window.scrollX) + "px";
    adder.style.top = (found.box.bottom + window.scrollY + 6) + "px";
    return true;
  }
  function closeAdder(backToText) {
    adder.hidden = true;
    pending = null;
    if (backToText && readingArea()) { readingArea().focus(); }
  }
  var KEYS = { ArrowLeft: ["backward", "character"], ArrowRight: ["forward", "character"],
               ArrowUp: ["backward", "line"], ArrowDown: ["forward", "line"],
               Home: ["backward", "lineboundary"], End: ["forward", "lineboundary"] };
  function firstText(node) {
    var walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT, { acceptNode: function (n) { return n.data.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP; } });
    return walker.nextNode();
  }
  function keySelect(e) {
    var reading = readingArea();
    if (!reading || !(document.activeElement === reading || reading.contains(document.activeElement))) { return; }
    var move = KEYS[e.key];
    if (move && e.shiftKey) {
      var sel = window.getSelection();
      if (!sel.rangeCount || !reading.contains(sel.focusNode)) {
        // the selection starts where the keyboard is: the focused highlight, else the first word
        var start = firstText(document.activeElement === reading ? reading : document.activeElement) || firstText(reading);
        if (!start) { return; }
        sel.collapse(start, start.data.length - start.data.replace(/^\s+/, "").length);
      }
      sel.modify("extend", move[0], (e.ctrlKey || e.altKey) && move[1] === "character" ? "word" : move[1]);
      e.preventDefault();
      offer();
    } else if (e.key === "Enter" && pending && !adder.hidden) {
      e.preventDefault();
      select.focus();
    } else if (e.key === "Escape" && !adder.hidden) {
      closeAdder(true);
    }
  }
  if (reviewer && adder) {
    techniques.forEach(function (t) { var o = el("option", "", t[1]); o.value = t[0]; select.appendChild(o); });
    document.addEventListener("mouseup", function (e) {
      if (adder.contains(e.target)) { return; }
      offer();
    });
    document.addEventListener("keydown", keySelect);
    adder.addEventListener("keydown", function (e) { if (e.key === "Escape") { e.preventDefault(); closeAdder(true); } });
    document.getElementById("ps-resize-go").addEventListener("click", function () {
      if (!pending) { return; }
      var index = parseInt(resize.value, 10);
      correct({ target: "technique", action: "resize", index: index, start: pending.start, end: pending.end }, "span resized",
              "ol.spanlist li[data-index='" + index + "']");
      closeAdder();
    });
    document.getElementById("ps-add-go").addEventListener("click", function () {
      if (!pending) { return; }
      correct({ target: "technique", action: "add", technique: select.value, start: pending.start, end: pending.end },
              "span added (" + titles[select.value] + ")", ".reading");
      closeAdder();
    });
    document.getElementById("ps-add-cancel").addEventListener("click", function () { closeAdder(true); });
  }
  render();
  // the page is interactive from here: highlights, tooltips, toggles and review controls all set up
  if (window.performance && performance.mark) { performance.mark("ps-interactive"); }
})();
