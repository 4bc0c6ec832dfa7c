/* 3·15 portal: 上传证据材料 on the tracking page. Plain JavaScript, no third-party code.
 * Appears once portal-forms.js reports a successful lookup ("portal:complaint-loaded"). For each file:
 * ask the API for an upload slot, POST the slot's fields and then the file to the slot's URL (S3, or
 * the local gateway), and confirm, so the server checks the file's real type. The server checks
 * everything again; the checks here only spare a slow phone a pointless upload. */
(function () {
  "use strict";

  var CLOSED = ["closed", "rejected"];
  var current = null; /* {tracking_no, access_code, accepting} of the complaint on screen */

  function panel() { return document.getElementById("evidence-panel"); }

  function megabytes(bytes) { return (bytes / 1048576).toFixed(1).replace(/\.0$/, "") + " MB"; }

  function readableSize(bytes) { return bytes < 1048576 ? Math.max(1, Math.round(bytes / 1024)) + " KB" : megabytes(bytes); }

  function contentTypeOf(file, types) {
    var dot = file.name.lastIndexOf(".");
    return dot >= 0 ? types[file.name.slice(dot).toLowerCase()] || null : null;
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  /* Every problem with the chosen files, in words that say what to do. */
  function problems(root, files, remaining) {
    var types = JSON.parse(root.getAttribute("data-types"));
    var maxBytes = Number(root.getAttribute("data-max-bytes"));
    var found = [];
    if (!files.length) { return ["请先选择要上传的文件"]; }
    if (files.length > remaining) {
      found.push(remaining ? "最多还能上传 " + remaining + " 个文件，您选择了 " + files.length + " 个，请减少后再上传"
                           : "每件投诉最多上传 " + root.getAttribute("data-max-files") + " 个文件，已经用完");
    }
    files.forEach(function (file) {
      if (!contentTypeOf(file, types)) {
        found.push("“" + file.name + "”不是 JPG、PNG 图片或 PDF 文件，请选择这三种格式的文件");
      } else if (file.size > maxBytes) {
        found.push("“" + file.name + "”有 " + megabytes(file.size) + "，超过了 " + root.getAttribute("data-max-size") +
                   " 的上限，请压缩或拆分后再上传");
      } else if (file.size === 0) {
        found.push("“" + file.name + "”是空文件，请选择有内容的文件");
      }
    });
    return found;
  }

  function showProblems(root, messages) {
    var input = root.querySelector("#f-evidence-files");
    var slot = root.querySelector("#f-evidence-error");
    slot.textContent = messages.join("；");
    slot.hidden = !messages.length;
    if (messages.length) { input.setAttribute("aria-invalid", "true"); input.focus(); } else { input.removeAttribute("aria-invalid"); }
  }

  function say(root, text) { root.querySelector("[data-evidence-status]").textContent = text; }

  /* The API, for the complaint on screen: resolves to {status, data}; rejects only when the network fails. */
  function api(path, options) {
    var headers = Object.assign({ "X-Access-Code": current.access_code }, options.headers || {});
    var url = "/api/complaints/" + encodeURIComponent(current.tracking_no) + "/evidence" + path;
    return fetch(url, Object.assign({}, options, { headers: headers, credentials: "same-origin" })).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) { return { status: response.status, data: data }; });
    });
  }

  function refusal(answer) {
    var errors = answer.data.errors;
    return new Error(errors && errors.length ? errors.map(function (e) { return e.message; }).join("；")
                                             : answer.data.message || "服务器暂时出错，请稍后再试");
  }

  function uploadOne(file, contentType) {
    var body = JSON.stringify({ filename: file.name, content_type: contentType, size: file.size });
    var key = newKey(); /* a retried request gets the same slot back, not a second one */
    function askForSlot(retries) {
      return api("", { method: "POST", headers: { "Content-Type": "application/json", "Idempotency-Key": key }, body: body })
        .catch(function (error) { if (retries > 0) { return askForSlot(retries - 1); } throw error; });
    }
    return askForSlot(2).then(function (answer) {
      if (answer.status !== 201) { throw refusal(answer); }
      var form = new FormData();
      Object.keys(answer.data.fields).forEach(function (name) { form.append(name, answer.data.fields[name]); });
      form.append("file", file); /* the file goes last: the store ignores anything after it */
      return fetch(answer.data.upload_url, { method: "POST", body: form, credentials: "omit" }).then(function (stored) {
        if (!stored.ok) { throw new Error(stored.status === 400 ? "文件大小不符合要求" : "存储服务拒绝了这个文件，请重新选择后再试"); }
        return api("/" + answer.data.slot + "/confirm", { method: "POST" });
      });
    }).then(function (confirmed) {
      if (confirmed.status !== 200) { throw refusal(confirmed); }
    });
  }

  function render(root, listing) {
    var list = root.querySelector("[data-evidence-list]");
    list.textContent = "";
    listing.files.forEach(function (file) {
      var item = document.createElement("li");
      item.textContent = file.filename + "（" + readableSize(file.size) + "）— " + file.state_label;
      if (file.state === "failed") { item.className = "portal-overdue"; }
      list.appendChild(item);
    });
    root.querySelector("[data-evidence-empty]").hidden = listing.files.length > 0;
    current.remaining = listing.remaining;
    current.accepting = listing.accepting;
    root.querySelector("[data-evidence-closed]").hidden = listing.accepting;
    root.querySelectorAll("[data-evidence-controls]").forEach(function (part) { part.hidden = !listing.accepting; });
  }

  function refresh(root) {
    return api("", { method: "GET" }).then(function (answer) {
      if (answer.status === 200) { render(root, answer.data); }
    });
  }

  function uploadChosen(root) {
    var input = root.querySelector("#f-evidence-files");
    var button = root.querySelector("[data-evidence-upload]");
    var files = Array.prototype.slice.call(input.files || []);
    var found = problems(root, files, current.remaining);
    showProblems(root, found);
    if (found.length) { return; }
    var types = JSON.parse(root.getAttribute("data-types"));
    var failed = [];
    var done = 0;
    button.disabled = true;
    root.setAttribute("aria-busy", "true");
    files.reduce(function (previous, file, index) {
      return previous.then(function () {
        say(root, "正在上传第 " + (index + 1) + "/" + files.length + " 个文件：" + file.name + "……");
        return uploadOne(file, contentTypeOf(file, types)).then(function () { done += 1; }, function (error) {
          failed.push("“" + file.name + "”没有上传成功：" + (error instanceof TypeError ? "网络不稳定，请稍后重试" : error.message));
        });
      });
    }, Promise.resolve()).then(function () {
      input.value = "";
      button.disabled = false;
      root.removeAttribute("aria-busy");
      say(root, (done ? "已上传 " + done + " 个文件。" : "") + failed.join("；"));
      if (failed.length) { showProblems(root, failed); }
      return refresh(root);
    });
  }

  document.addEventListener("portal:complaint-loaded", function (event) {
    var root = panel();
    var detail = event.detail || {};
    if (!root || !detail.tracking_no) { return; }
    var status = typeof detail.status === "string" ? detail.status : (detail.status || {}).status;
    current = { tracking_no: detail.tracking_no, access_code: detail.access_code, remaining: 0,
                accepting: CLOSED.indexOf(status) < 0 };
    showProblems(root, []);
    say(root, "");
    root.hidden = false;
    refresh(root);
  });

  /* A new lookup hides the previous complaint's files until it succeeds. */
  document.addEventListener("submit", function (event) {
    var root = panel();
    if (root && event.target && event.target.id === "tracker-form") { root.hidden = true; current = null; }
  }, true);

  document.addEventListener("click", function (event) {
    var root = panel();
    var button = event.target && event.target.closest && event.target.closest("[data-evidence-upload]");
    if (root && button && current) { uploadChosen(root); }
  });
})();
