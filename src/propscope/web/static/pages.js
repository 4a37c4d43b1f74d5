// The analyse form's checks before upload and the batch job page's progress. Text from the server
// goes in with textContent only; requests go to this server only.
(function () {
  "use strict";
  // -- analyse form: refuse what the server would refuse before sending it -----------------------
  var form = document.querySelector("form.analyse");
  if (form) {
    var file = document.getElementById("file");
    var limit = parseInt(form.dataset.maxBytes, 10);
    var kinds = form.dataset.kinds.split(" ");
    var shown = document.getElementById("analyse-check");
    form.addEventListener("submit", function (e) {
      var f = file.files && file.files[0];
      var problem = "";
      if (f) {
        var dot = f.name.lastIndexOf(".");
        var suffix = dot >= 0 ? f.name.slice(dot).toLowerCase() : "";
        if (kinds.indexOf(suffix) < 0) {
          problem = "Upload a " + kinds.join(", ") + " file (got \u201c" + (suffix || "no extension") + "\u201d).";
        } else if (f.size === 0) {
          problem = "\u201c" + f.name + "\u201d is empty.";
        } else if (f.size > limit) {
          problem = "\u201c" + f.name + "\u201d is " + (f.size / 1048576).toFixed(1) + " MiB; this server takes files up to " +
            (limit / 1048576).toFixed(1) + " MiB. Split it into smaller files.";
        }
      }
      var stale = document.getElementById("analyse-error");  // the server's answer to the last try
      if (stale) { stale.hidden = true; }
      if (problem) {
        e.preventDefault();
        shown.textContent = problem;
        shown.hidden = false;
        file.focus();
      } else {
        shown.hidden = true;
        var go = document.getElementById("analyse-submit");
        go.disabled = true;
        go.textContent = f && /\.(jsonl|csv)$/i.test(f.name) ? "Uploading\u2026" : "Analysing\u2026";
      }
    });
  }

  // -- batch job page: poll its progress until it is done -----------------------------------------
  var job = document.getElementById("job");
  if (!job) { return; }
  var rows = {};
  job.querySelectorAll("tr[data-index]").forEach(function (tr) { rows[tr.dataset.index] = tr; });
  function text(id, value) { document.getElementById(id).textContent = value; }
  function update(data) {
    text("job-status", data.status);
    text("job-done", data.done);
    text("job-failed", data.failed);
    document.getElementById("job-progress").value = data.done;
    data.documents.forEach(function (d) {
      var tr = rows[d.index];
      if (!tr || tr.dataset.status === d.status) { return; }
      tr.dataset.status = d.status;
      tr.className = "st-" + d.status;
      tr.querySelector(".st").textContent = d.status;
      var res = tr.querySelector(".res");
      res.textContent = "";
      if (d.article_id) {
        var a = document.createElement("a");
        a.href = "/articles/" + encodeURIComponent(d.article_id);
        a.textContent = "article " + d.article_id;
        res.appendChild(a);
      }
      if (d.error) {
        var err = document.createElement("span");
        err.className = "error";
        var code = document.createElement("strong");
        code.textContent = d.error.code;
        err.append(code, " " + d.error.message);
        res.appendChild(err);
      }
    });
    if (data.status === "done") {
      document.getElementById("job-finished").hidden = false;
      job.dataset.status = "done";
      return false;
    }
    return true;
  }
  function poll() {
    fetch("/jobs/" + encodeURIComponent(job.dataset.job) + "/progress", { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("progress unavailable (" + r.status + ")"); } return r.json(); })
      .then(function (data) { if (update(data)) { window.setTimeout(poll, 1000); } })
      .catch(function (err) { text("job-status", "unknown: " + err.message + "; reload the page"); });
  }
  if (job.dataset.status !== "done") { window.setTimeout(poll, 500); }
})();
