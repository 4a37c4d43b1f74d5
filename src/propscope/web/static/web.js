// The article page's review tools. Builds every control with createElement/textContent (article
// strings never become markup); talks only to this server, with the session's CSRF token.
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
  function reload() {
    return fetch("/articles/" + articleId + "/corrections", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { corrections = data; render(); });
  }
  function correct(body, what) {
    body.analysis_id = parseInt(meta("ps-analysis"), 10);
    say("Saving\u2026");
    return send("/articles/" + articleId + "/corrections", body)
      .then(function () { say("Saved: " + what); return reload(); })
      .catch(function (err) { say("Not saved: " + err.message); });
  }
  function undo(c) {
    say("Undoing\u2026");
    return send("/articles/" + articleId + "/corrections/" + c.id + "/undo")
      .then(function () { say("Undone"); return reload(); })
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

  function renderSpans() {
    document.querySelectorAll("ol.spanlist li").forEach(function (li) {
      clear(li);
      var index = parseInt(li.dataset.index, 10);
      var c = latest("technique", index);
      li.classList.toggle("rejected", !!(c && c.action === "reject"));
      var box = el("span", "review");
      if (c) {
        var text = { accept: "accepted", reject: "rejected", relabel: "relabelled", resize: "resized" }[c.action] || c.action;
        if (c.action === "relabel" && c.after) { text += " as " + (titles[c.after.technique] || c.after.technique); }
        if (c.action === "resize" && c.after) { text += " to \u201c" + c.after.text + "\u201d"; }
        li.appendChild(badge(c, text, c.action === "reject"));
        if (reviewer) { box.appendChild(button("Undo", function () { undo(c); })); }
      } else if (reviewer) {
        box.appendChild(button("Accept", function () { correct({ target: "technique", action: "accept", index: index }, "span accepted"); }));
        box.appendChild(button("Reject", function () { correct({ target: "technique", action: "reject", index: index }, "span rejected"); }));
        var pick = el("select");
        pick.setAttribute("aria-label", "change the technique of span " + li.dataset.n);
        pick.appendChild(el("option", "", "Change technique\u2026"));
        techniques.forEach(function (t) {
          if (t[0] !== li.dataset.technique) { var o = el("option", "", t[1]); o.value = t[0]; pick.appendChild(o); }
        });
        pick.addEventListener("change", function () {
          if (pick.value) { correct({ target: "technique", action: "relabel", index: index, technique: pick.value }, "span relabelled"); }
        });
        box.appendChild(pick);
      }
      li.appendChild(box);
    });
  }
  function renderAdded() {
    var list = document.getElementById("ps-added");
    var added = corrections.filter(function (c) { return c.target === "technique" && c.action === "add"; });
    if (!list) {
      if (!added.length) { return; }
      var section = el("section", "spans");
      section.appendChild(el("h3", "", "Spans added by reviewers"));
      list = el("ol", "added");
      list.id = "ps-added";
      section.appendChild(list);
      var doc = document.querySelector("article.doc");
      doc.appendChild(section);
    }
    list.textContent = "";
    added.forEach(function (c) {
      var li = el("li");
      li.appendChild(el("strong", "", titles[c.after.technique] || c.after.technique));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("q", "", c.after.text));
      li.appendChild(badge(c, "added"));
      if (reviewer) { var box = el("span", "review"); box.appendChild(button("Undo", function () { undo(c); })); li.appendChild(box); }
      list.appendChild(li);
    });
  }
  function renderClaims() {
    document.querySelectorAll("tr.claim").forEach(function (tr) {
      clear(tr);
      var index = parseInt(tr.dataset.index, 10);
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
          if (reviewer) { box.appendChild(button("Undo " + x.action.replace("_", " "), function () { undo(x); })); }
        }
      });
      if (reviewer) {
        if (!(c && c.action === "not_checkworthy")) {
          box.appendChild(button("Not check-worthy", function () { correct({ target: "claim", action: "not_checkworthy", index: index }, "claim marked not check-worthy"); }));
        }
        var input = el("input");
        input.placeholder = "speaker";
        input.setAttribute("aria-label", "the claim's speaker");
        input.size = 14;
        box.appendChild(input);
        box.appendChild(button("Fix speaker", function () {
          if (input.value.trim()) { correct({ target: "claim", action: "speaker", index: index, speaker: input.value.trim() }, "speaker fixed"); }
        }));
      }
      cell.appendChild(box);
      tr.querySelectorAll("li[data-match]").forEach(function (li) {
        clear(li);
        var m = parseInt(li.dataset.match, 10);
        var mc = latest("match", index, m);
        var mbox = el("span", "review");
        if (mc) {
          li.appendChild(badge(mc, mc.action === "confirm" ? "confirmed" : "rejected", mc.action === "reject"));
          if (reviewer) { mbox.appendChild(button("Undo", function () { undo(mc); })); }
        } else if (reviewer) {
          mbox.appendChild(button("Confirm match", function () { correct({ target: "match", action: "confirm", index: index, match_index: m }, "match confirmed"); }));
          mbox.appendChild(button("Reject match", function () { correct({ target: "match", action: "reject", index: index, match_index: m }, "match rejected"); }));
        }
        li.appendChild(mbox);
      });
    });
  }
  function render() {
    renderSpans();
    renderAdded();
    renderClaims();
    if (window.propscopeApply) { window.propscopeApply(); }
  }

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
  var pending = null;
  if (reviewer && adder) {
    var select = document.getElementById("ps-add-technique");
    techniques.forEach(function (t) { var o = el("option", "", t[1]); o.value = t[0]; select.appendChild(o); });
    document.addEventListener("mouseup", function (e) {
      if (adder.contains(e.target)) { return; }
      var sel = window.getSelection();
      if (!sel || sel.isCollapsed || !document.querySelector(".reading").contains(sel.anchorNode)) { adder.hidden = true; return; }
      var a = offset(sel.anchorNode, sel.anchorOffset), b = offset(sel.focusNode, sel.focusOffset);
      if (a === null || b === null || a === b) { adder.hidden = true; return; }
      pending = { start: Math.min(a, b), end: Math.max(a, b) };
      var box = sel.getRangeAt(0).getBoundingClientRect();
      adder.style.left = (box.left + window.scrollX) + "px";
      adder.style.top = (box.bottom + window.scrollY + 6) + "px";
      adder.hidden = false;
    });
    var resize = document.getElementById("ps-resize-span");
    document.querySelectorAll("ol.spanlist li").forEach(function (li) {
      var o = el("option", "", li.dataset.n + " " + li.dataset.code);
      o.value = li.dataset.index;
      resize.appendChild(o);
    });
    document.getElementById("ps-resize-go").addEventListener("click", function () {
      if (!pending) { return; }
      correct({ target: "technique", action: "resize", index: parseInt(resize.value, 10), start: pending.start, end: pending.end }, "span resized");
      adder.hidden = true;
      pending = null;
    });
    document.getElementById("ps-add-go").addEventListener("click", function () {
      if (!pending) { return; }
      correct({ target: "technique", action: "add", technique: select.value, start: pending.start, end: pending.end }, "span added");
      adder.hidden = true;
      pending = null;
    });
  }
  render();
  // the page is interactive from here: highlights, tooltips, toggles and review controls all set up
  if (window.performance && performance.mark) { performance.mark("ps-interactive"); }
})();
