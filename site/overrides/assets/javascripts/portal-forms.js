/* 3·15 portal forms: complaint intake and tracking.
 * Plain JavaScript, no third-party code. Field rules come from the generated HTML attributes,
 * which the site generator takes from the API's own schema; the server checks everything again. */
(function () {
  "use strict";

  var RETRY_DELAYS_MS = [800, 2000, 4000];
  var MESSAGES = {
    required: function (label) { return "请填写" + label; },
    choose: function (label) { return "请选择" + label; },
    pattern: { "complainant.phone": "请填写 11 位中国大陆手机号码，例如 13800138000",
               "product.amount": "金额不能为负数，最多保留两位小数，例如 199.50",
               "complainant.email": "请填写有效的电子邮箱，例如 name@example.com" },
    tooShort: function (label, min, now) { return label + "至少需要 " + min + " 个字，现在是 " + now + " 个字"; },
    future: "购买日期不能晚于今天",
    demands: "请至少选择一项诉求",
    privacy: "请阅读并同意隐私声明后再提交",
    offline: "网络不稳定，提交还没有得到确认。请检查网络后再点一次“提交投诉”，不会重复登记。",
    server: "服务器暂时出错，请稍后再试。"
  };

  function labelOf(field) {
    var label = field.querySelector("label, legend");
    if (!label) { return ""; }
    var text = label.childNodes[0] ? label.childNodes[0].textContent : label.textContent;
    return text.replace(/（.*?）/g, "").trim();
  }

  function showError(form, path, message) {
    var slot = form.querySelector('[data-error-for="' + path + '"]');
    var field = form.querySelector('[data-field="' + path + '"]');
    if (!slot) { return null; }
    slot.textContent = message;
    slot.hidden = false;
    if (field) { field.classList.add("portal-field--invalid"); }
    var control = field && field.querySelector("input:not([type=hidden]), select, textarea");
    if (control) { control.setAttribute("aria-invalid", "true"); }
    return control || field;
  }

  function clearErrors(form) {
    form.querySelectorAll("[data-error-for]").forEach(function (slot) { slot.hidden = true; slot.textContent = ""; });
    form.querySelectorAll(".portal-field--invalid").forEach(function (f) { f.classList.remove("portal-field--invalid"); });
    form.querySelectorAll("[aria-invalid]").forEach(function (c) { c.removeAttribute("aria-invalid"); });
    var summary = form.querySelector(".portal-summary");
    summary.hidden = true;
    summary.textContent = "";
  }

  function showSummary(form, errors) {
    var summary = form.querySelector(".portal-summary");
    summary.textContent = "";
    var title = document.createElement("p");
    title.textContent = "有 " + errors.length + " 处需要修改：";
    var list = document.createElement("ul");
    errors.forEach(function (error) {
      var item = document.createElement("li");
      var field = form.querySelector('[data-field="' + error.field + '"]');
      var control = field && field.querySelector("input:not([type=hidden]), select, textarea");
      if (control && control.id) {
        var link = document.createElement("a");
        link.href = "#" + control.id;
        link.textContent = error.message;
        link.addEventListener("click", function (event) { event.preventDefault(); control.focus(); });
        item.appendChild(link);
      } else {
        item.textContent = error.message;
      }
      list.appendChild(item);
    });
    summary.appendChild(title);
    summary.appendChild(list);
    summary.hidden = false;
  }

  function reportErrors(form, errors) {
    var first = null;
    errors.forEach(function (error) {
      var control = showError(form, error.field, error.message);
      first = first || control;
    });
    showSummary(form, errors);
    (first || form.querySelector(".portal-summary")).focus();
  }

  function today() {
    var now = new Date();
    var local = new Date(now.getTime() - now.getTimezoneOffset() * 60000);
    return local.toISOString().slice(0, 10);
  }

  function checkControls(form) {
    var errors = [];
    form.querySelectorAll("[data-field]").forEach(function (field) {
      var path = field.getAttribute("data-field");
      var control = field.querySelector("input:not([type=hidden]):not([type=checkbox]), select, textarea");
      if (!control) { return; }
      var value = control.value.trim();
      var label = labelOf(field);
      if (!value) {
        if (control.required) {
          errors.push({ field: path, message: control.tagName === "SELECT" ? MESSAGES.choose(label) : MESSAGES.required(label) });
        }
        return;
      }
      var pattern = control.getAttribute("pattern");
      if (pattern && !new RegExp("^(?:" + pattern + ")$").test(value)) {
        errors.push({ field: path, message: MESSAGES.pattern[path] || label + "格式不正确" });
      } else if (control.type === "email" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
        errors.push({ field: path, message: MESSAGES.pattern[path] });
      } else if (control.minLength > 0 && value.length < control.minLength) {
        errors.push({ field: path, message: MESSAGES.tooShort(label, control.minLength, value.length) });
      } else if (control.type === "date" && value > today()) {
        errors.push({ field: path, message: MESSAGES.future });
      }
    });
    return errors;
  }

  function setBusy(form, busy, text) {
    var button = form.querySelector("[data-submit]");
    button.disabled = busy;
    form.setAttribute("aria-busy", busy ? "true" : "false");
    form.querySelector("[data-status]").textContent = text || "";
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  /* POST with one Idempotency-Key for the whole attempt: network failures and 5xx/429 answers
   * are retried with the same key, so the server registers the complaint at most once. */
  function postOnce(url, body, key, onRetry) {
    var attempt = 0;
    function send() {
      return fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": key },
        body: body,
        credentials: "same-origin"
      }).then(function (response) {
        if ((response.status >= 500 || response.status === 429) && attempt < RETRY_DELAYS_MS.length) {
          return retry();
        }
        return response;
      }, function (error) {
        if (attempt < RETRY_DELAYS_MS.length) { return retry(); }
        throw error;
      });
    }
    function retry() {
      var delay = RETRY_DELAYS_MS[attempt];
      attempt += 1;
      onRetry(attempt);
      return sleep(delay).then(send);
    }
    return send();
  }

  function formatTime(iso) {
    if (!iso) { return "—"; }
    var date = new Date(iso);
    return date.toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric", month: "long", day: "numeric",
                                          hour: "2-digit", minute: "2-digit" });
  }

  function fill(root, data) {
    root.querySelectorAll("[data-result]").forEach(function (slot) {
      var name = slot.getAttribute("data-result");
      var value = data[name];
      slot.textContent = /_at$|_by$/.test(name) ? formatTime(value) : (value == null ? "—" : value);
    });
  }

  /* ---- 我要投诉 ---- */
  function complaintBody(form) {
    var body = { complainant: {}, business: {}, product: {}, consents: {}, demands: [] };
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (control) {
      var name = control.name;
      if (name === "privacy_accepted") { return; }
      if (name === "demands") {
        if (control.checked) { body.demands.push(control.value); }
        return;
      }
      var value = control.type === "checkbox" ? control.checked : control.value.trim();
      if (value === "") { return; }
      var parts = name.split(".");
      if (parts.length === 2) { body[parts[0]][parts[1]] = value; } else { body[name] = value; }
    });
    return body;
  }

  function setupComplaint(form) {
    var result = document.getElementById("complaint-result");
    var description = form.querySelector("#f-description");
    var counter = form.querySelector("[data-count]");
    var date = form.querySelector('input[type="date"]');
    var pending = null; /* {body, key}: reused until the server has answered this exact body */
    if (date) { date.max = today(); }
    description.addEventListener("input", function () { counter.textContent = description.value.trim().length; });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.getAttribute("aria-busy") === "true") { return; }
      clearErrors(form);
      var errors = checkControls(form);
      if (!form.querySelector('input[name="demands"]:checked')) { errors.push({ field: "demands", message: MESSAGES.demands }); }
      if (!form.querySelector("#f-consents-privacy").checked) {
        errors.push({ field: "consents.privacy_notice_version", message: MESSAGES.privacy });
      }
      if (errors.length) { reportErrors(form, errors); return; }

      var body = JSON.stringify(complaintBody(form));
      if (!pending || pending.body !== body) { pending = { body: body, key: newKey() }; }
      setBusy(form, true, "正在提交……");
      postOnce(form.getAttribute("data-endpoint"), body, pending.key, function (attempt) {
        setBusy(form, true, "网络不稳定，正在第 " + attempt + " 次重试……");
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.status === 201) {
            pending = null;
            fill(result, data);
            result.querySelector("[data-result-link]").href = "../track/?no=" + encodeURIComponent(data.tracking_no);
            form.hidden = true;
            result.hidden = false;
            result.focus();
            window.scrollTo(0, 0);
            return;
          }
          setBusy(form, false, "");
          if (response.status === 422 && data.errors) {
            pending = null;
            reportErrors(form, data.errors);
          } else {
            form.querySelector("[data-status]").textContent = data.message || MESSAGES.server;
          }
        });
      }, function () {
        setBusy(form, false, MESSAGES.offline);
      }).then(function () {
        if (form.hidden) { setBusy(form, false, ""); }
      });
    });

    result.querySelector("[data-print]").addEventListener("click", function () { window.print(); });
  }

  /* ---- 投诉查询 ---- */
  function listItem(text, className) {
    var item = document.createElement("li");
    if (className) { item.className = className; }
    item.textContent = text;
    return item;
  }

  function duration(seconds) {
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    if (days) { return days + " 天" + (hours ? " " + hours + " 小时" : ""); }
    return hours ? hours + " 小时" : "";
  }

  /* 进行中，剩余 3 天 5 小时 · 已超期 1 天 · 暂停计时（等待补充材料） · 按时完成（…） */
  function deadlineState(d) {
    var left = d.seconds_left;
    if (d.state === "running" && left != null) { return d.state_label + "，剩余 " + (duration(left) || "不到 1 小时"); }
    if (d.state === "overdue" && left != null) { return d.state_label + (duration(-left) ? " " + duration(-left) : ""); }
    if (d.ended_at) { return d.state_label + "（" + formatTime(d.ended_at) + "）"; }
    return d.state_label;
  }

  /* Shows a status body in the tracker and tells the page's other panels which case is open. */
  function renderTracker(data, accessCode) {
    var result = document.getElementById("tracker-result");
    fill(result, data);
    var deadlines = result.querySelector('[data-result-list="deadlines"]');
    var timeline = result.querySelector('[data-result-list="timeline"]');
    deadlines.textContent = "";
    timeline.textContent = "";
    data.deadlines.forEach(function (d) {
      var text = d.label + "：" + formatTime(d.due_at) + " 前 — " + deadlineState(d) +
        (d.provisional ? "（该年度放假安排尚未公布，按周末推算）" : "") + "。依据：" + d.basis;
      deadlines.appendChild(listItem(text, d.overdue ? "portal-overdue" : ""));
    });
    data.timeline.forEach(function (e) {
      var item = listItem(formatTime(e.at) + "　" + e.note);
      if (e.detail) {
        var detail = document.createElement("p");
        detail.className = "portal-timeline-detail";
        detail.textContent = e.detail;
        item.appendChild(detail);
      }
      timeline.appendChild(item);
    });
    result.hidden = false;
    document.dispatchEvent(new CustomEvent("portal:complaint-loaded", { detail: { tracking_no: data.tracking_no, access_code: accessCode, status: data } }));
  }
  window.portalTracker = { render: renderTracker };

  function setupTracker(form) {
    var result = document.getElementById("tracker-result");
    var number = form.querySelector("#f-tracking-no");
    var code = form.querySelector("#f-access-code");
    var fromLink = new URLSearchParams(window.location.search).get("no");
    if (fromLink) { number.value = fromLink; }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(form);
      result.hidden = true;
      var errors = checkControls(form);
      if (errors.length) { reportErrors(form, errors); return; }
      setBusy(form, true, "正在查询……");
      var url = form.getAttribute("data-endpoint") + encodeURIComponent(number.value.trim());
      fetch(url, { headers: { "X-Access-Code": code.value.trim() }, credentials: "same-origin" })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (data) {
            setBusy(form, false, "");
            if (response.status !== 200) {
              form.querySelector("[data-status]").textContent = data.message || MESSAGES.server;
              return;
            }
            renderTracker(data, code.value.trim());
            result.focus();
          });
        }, function () { setBusy(form, false, "网络不稳定，请检查网络后再试。"); });
    });
  }

  function start() {
    var complaint = document.getElementById("complaint-form");
    var tracker = document.getElementById("tracker-form");
    if (complaint && !complaint.dataset.ready) { complaint.dataset.ready = "1"; setupComplaint(complaint); }
    if (tracker && !tracker.dataset.ready) { tracker.dataset.ready = "1"; setupTracker(tracker); }
  }

  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(start); /* Material's instant navigation */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
