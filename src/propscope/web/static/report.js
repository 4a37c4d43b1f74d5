(function () {
  "use strict";
  var tip = document.getElementById("ps-tip");
  var slider = document.getElementById("ps-threshold");
  var shownValue = document.getElementById("ps-threshold-value");
  var threshold = 0;
  var hiddenTechniques = {};  // CSS class of a technique -> true while its legend box is unticked
  function info(mark, n) {
    return document.getElementById(mark.closest("article").id + "-s" + n);
  }
  function visible(mark) {
    return mark.dataset.spans.split(" ").map(function (n) { return info(mark, n); })
      .filter(isShown)
      .sort(function (a, b) { return parseFloat(b.dataset.score) - parseFloat(a.dataset.score); });
  }
  function isShown(li) {
    return li && parseFloat(li.dataset.score) >= threshold && !hiddenTechniques[li.dataset.t] && !li.classList.contains("rejected");
  }
  function hide() { tip.hidden = true; }
  function show(mark) {
    var spans = visible(mark);
    if (!spans.length) { hide(); return; }
    tip.textContent = "";
    spans.forEach(function (li) {
      var head = document.createElement("div");
      head.className = "tip-h";
      head.textContent = "[" + li.dataset.n + "] " + li.dataset.code + " " + li.dataset.title + (li.dataset.added ? " \u00b7 added by a reviewer" : " \u00b7 score " + parseFloat(li.dataset.score).toFixed(2));
      var def = document.createElement("div");
      def.textContent = li.dataset.def;
      var why = document.createElement("div");
      why.className = "tip-why";
      why.textContent = li.dataset.why ? "Why it manipulates: " + li.dataset.why : "";
      var flagged = document.createElement("div");
      flagged.className = "tip-why";
      flagged.textContent = li.dataset.triggers ? "Flagged for the words: " + li.dataset.triggers : "";
      tip.append(head, def, why, flagged);
    });
    tip.hidden = false;
    var box = mark.getClientRects()[0] || mark.getBoundingClientRect();
    var width = document.documentElement.clientWidth;
    var left = Math.max(8, Math.min(box.left, width - tip.offsetWidth - 8));
    var top = box.bottom + 6;
    if (top + tip.offsetHeight > window.innerHeight && box.top - tip.offsetHeight - 6 > 0) {
      top = box.top - tip.offsetHeight - 6;
    }
    tip.style.left = (left + window.scrollX) + "px";
    tip.style.top = (top + window.scrollY) + "px";
  }
  document.querySelectorAll("mark.hl[title]").forEach(function (mark) { mark.removeAttribute("title"); });
  document.addEventListener("mouseover", function (e) {
    var mark = e.target.closest && e.target.closest("mark.hl");
    if (mark) { show(mark); }
  });
  document.addEventListener("mouseout", function (e) {
    var mark = e.target.closest && e.target.closest("mark.hl");
    if (mark && !(e.relatedTarget && mark.contains(e.relatedTarget))) { hide(); }
  });
  document.addEventListener("focusin", function (e) {
    if (e.target.matches && e.target.matches("mark.hl")) { show(e.target); } else { hide(); }
  });
  document.addEventListener("focusout", hide);
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { hide(); } });
  window.addEventListener("scroll", hide, { passive: true });
  function apply() {
    // again on every call: the web app redraws the article after a correction
    document.querySelectorAll("mark.hl[title]").forEach(function (mark) { mark.removeAttribute("title"); });
    document.querySelectorAll("input[data-toggle]").forEach(function (box) { box.checked = !hiddenTechniques[box.dataset.toggle]; });
    document.querySelectorAll("mark.hl").forEach(function (mark) {
      var spans = visible(mark);
      var cls = "hl";
      if (!spans.length) { cls += " off"; }
      else {
        cls += " " + spans[0].dataset.t;
        if (spans.length > 1) { cls += " u" + spans[1].dataset.t.slice(1); }
      }
      mark.className = cls;
      mark.tabIndex = spans.length ? 0 : -1;
    });
    document.querySelectorAll("a.mk").forEach(function (a) {
      a.hidden = !isShown(document.getElementById(a.getAttribute("href").slice(1)));
    });
    document.querySelectorAll("article.doc").forEach(function (doc) {
      var counts = {}, shown = 0, most = 0;
      doc.querySelectorAll("ol.spanlist li").forEach(function (li) {
        var on = isShown(li);
        // a rejected span stays listed (struck through, with its undo) but leaves the text and the counts
        li.classList.toggle("below", !on && !li.classList.contains("rejected"));
        if (on) { counts[li.dataset.t] = (counts[li.dataset.t] || 0) + 1; shown += 1; }
      });
      Object.keys(counts).forEach(function (k) { most = Math.max(most, counts[k]); });
      doc.querySelectorAll("[data-count-for]").forEach(function (el) {
        var c = counts[el.dataset.countFor] || 0;
        el.textContent = c;
        el.closest(".lg-item").classList.toggle("none", c === 0 && !hiddenTechniques[el.dataset.countFor]);
      });
      doc.querySelectorAll("[data-bar-for]").forEach(function (el) {
        var c = counts[el.dataset.barFor] || 0;
        el.style.width = (most ? Math.max(c ? 4 : 0, Math.round(100 * c / most)) : 0) + "%";
      });
      var count = doc.querySelector(".shown-count");
      if (count) { count.textContent = shown; }
    });
  }
  document.addEventListener("change", function (e) {
    var box = e.target;
    if (box.matches && box.matches("input[data-toggle]")) {
      document.querySelectorAll("input[data-toggle='" + box.dataset.toggle + "']").forEach(function (other) { other.checked = box.checked; });
      if (box.checked) { delete hiddenTechniques[box.dataset.toggle]; } else { hiddenTechniques[box.dataset.toggle] = true; }
      hide();
      apply();
    }
  });
  // the web app's review script calls this after a correction changes what is shown
  window.propscopeApply = apply;
  if (slider) {
    slider.addEventListener("input", function () {
      threshold = parseFloat(slider.value);
      shownValue.textContent = threshold.toFixed(2);
      hide();
      apply();
    });
  }
})();
