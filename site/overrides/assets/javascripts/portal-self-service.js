/* 3·15 portal: what a complainant can do on 投诉查询 once the tracker has found their case
 * ("portal:complaint-loaded"): follow-up actions (withdraw, answer a request for materials, dispute, rate)
 * and their rights over their personal data (个人信息保护法第四十四至四十七条: see, copy, correct, delete,
 * withdraw consent). Plain JavaScript, no third-party code; the server checks every rule again. */
(function () {
  "use strict";

  var PHONE_PATTERN_MESSAGE = "请填写 11 位中国大陆手机号码，例如 13800138000";
  var EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
  var MESSAGES = {
    offline: "网络不稳定，操作没有完成。请检查网络后再试一次。",
    server: "服务器暂时出错，请稍后再试。",
    notFound: "投诉编号或查询码不正确，请在上方重新查询。",
    sending: "正在提交……",
    reading: "正在读取……"
  };
  var REQUIRED = {
    "ss-provide": "请写明补充了哪些材料，例如“已发送购物小票照片”",
    "ss-dispute": "请写明异议理由：您不认可处理结果的哪一点"
  };
  var DONE = {
    provide_materials: "已告知工作人员您补充了材料，办理期限恢复计时。上方的办理经过已经更新。",
    dispute: "您的异议已提交，投诉将重新办理。上方的办理经过已经更新。",
    withdraw: "投诉已撤回，办理随之结束。上方的办理经过已经更新。",
    rating: "谢谢您的评价，已记入上方的办理经过。",
    contact: "联系方式已更正。",
    consent: "已撤回“同意发布为典型案例”，这件投诉不会作为典型案例发布。",
    erase: "您的个人信息已删除：姓名、手机号码、电子邮箱、订单号和事实经过都不再保存。匿名的统计信息保留。"
  };
  var CONSENTS = {
    privacy_notice: "隐私声明",
    forward_to_business: "将投诉内容及联系方式转交被投诉经营者",
    publish_case: "去除个人信息后作为典型案例公开"
  };

  var ui = null; /* the panel on this page, once set up */

  function formatTime(iso) {
    if (!iso) { return "—"; }
    return new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric", month: "long",
                                                   day: "numeric", hour: "2-digit", minute: "2-digit" });
  }

  function normalizeNo(text) { return String(text || "").toUpperCase().replace(/[^0-9A-Z]/g, ""); }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text != null) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  /* ---- messages, errors, busy state ---- */
  function announce(slot, text) {
    slot.textContent = text;
    if (text) { slot.focus(); }
  }

  function clearErrors(form) {
    form.querySelectorAll("[data-error-for]").forEach(function (slot) { slot.hidden = true; slot.textContent = ""; });
    form.querySelectorAll(".portal-field--invalid").forEach(function (f) { f.classList.remove("portal-field--invalid"); });
    form.querySelectorAll("[aria-invalid]").forEach(function (c) { c.removeAttribute("aria-invalid"); });
    form.querySelectorAll("[data-status]").forEach(function (s) { s.textContent = ""; });
  }

  /* Each error next to its field, focus on the first; errors about no field here go to the form's status. */
  function showErrors(form, errors) {
    var first = null;
    var other = [];
    errors.forEach(function (error) {
      var name = String(error.field || "").split(".").pop();
      var slot = form.querySelector('[data-error-for="' + name + '"]');
      if (!slot) { other.push(error.message); return; }
      slot.textContent = error.message;
      slot.hidden = false;
      var field = slot.closest("[data-field]");
      field.classList.add("portal-field--invalid");
      field.querySelectorAll("input, textarea, select").forEach(function (c) { c.setAttribute("aria-invalid", "true"); });
      first = first || field.querySelector("input:checked, input, textarea, select");
    });
    if (other.length) { statusOf(form).textContent = other.join(" "); }
    (first || statusOf(form)).focus();
  }

  function statusOf(form) {
    var slots = form.querySelectorAll("[data-status]");
    return slots[slots.length - 1];
  }

  function setBusy(form, busy) {
    form.querySelectorAll("button").forEach(function (button) { button.disabled = busy; });
    form.setAttribute("aria-busy", busy ? "true" : "false");
    statusOf(form).textContent = busy ? MESSAGES.sending : "";
  }

  /* ---- the API, for the case on screen: resolves to {status, data}; rejects only when the network fails ---- */
  /* A POST carries one Idempotency-Key and is retried with it after a network failure or a 5xx, so an
   * answer lost on a bad connection never withdraws, rates or disputes twice. */
  var RETRY_DELAYS_MS = [800, 2000];

  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function call(method, path, body) {
    var init = { method: method, headers: { "X-Access-Code": ui.code }, credentials: "same-origin", cache: "no-store" };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    if (method === "POST") { init.headers["Idempotency-Key"] = newKey(); }
    var url = ui.endpoint + encodeURIComponent(ui.no) + path;
    var attempt = 0;
    function send() {
      return fetch(url, init).then(function (response) {
        if (response.status >= 500 && attempt < RETRY_DELAYS_MS.length) { return retry(); }
        return response;
      }, function (error) {
        if (attempt < RETRY_DELAYS_MS.length) { return retry(); }
        throw error;
      });
    }
    function retry() {
      var delay = RETRY_DELAYS_MS[attempt];
      attempt += 1;
      return new Promise(function (resolve) { setTimeout(resolve, delay); }).then(send);
    }
    return send();
  }

  function answerOf(response) {
    return response.json().catch(function () { return {}; }).then(function (data) {
      return { status: response.status, data: data };
    });
  }

  function api(method, path, body) { return call(method, path, body).then(answerOf); }

  function refusal(answer) {
    if (answer.status === 404) { return MESSAGES.notFound; }
    return (answer.data && answer.data.message) || MESSAGES.server;
  }

  /* ---- the tracker above: re-rendered from every new status (its event brings the panel up to date) ---- */
  function showStatus(status) {
    if (window.portalTracker && window.portalTracker.render) {
      window.portalTracker.render(status, ui.code);
    } else {
      update(status);
    }
  }

  function refreshStatus() {
    return api("GET", "").then(function (answer) { if (answer.status === 200) { showStatus(answer.data); } },
                               function () { /* the message already shown says what happened */ });
  }

  /* ---- which follow-up actions the current status allows ---- */
  function allowed(status) {
    var erased = status.timeline.some(function (entry) { return entry.action === "erase"; });
    var closed = status.status === "closed";
    var open = !closed && status.status !== "rejected";
    return {
      erased: erased,
      withdraw: !erased && open,
      provide_materials: !erased && status.status === "waiting_for_complainant",
      dispute: !erased && closed && !!status.can_dispute_until && new Date(status.can_dispute_until) > new Date(),
      rating: !erased && closed && !!status.outcome && status.outcome !== "withdrawn" && !status.rating
    };
  }

  function update(status) {
    var can = allowed(status);
    var any = false;
    ui.root.querySelectorAll("[data-ss-when]").forEach(function (node) {
      var name = node.getAttribute("data-ss-when");
      if (name === "nothing") { return; }
      node.hidden = !can[name];
      any = any || can[name];
    });
    ui.root.querySelector('[data-ss-when="nothing"]').hidden = any;
    ui.root.querySelector('[data-ss-value="can_dispute_until"]').textContent = formatTime(status.can_dispute_until);
    ui.root.querySelectorAll("[data-ss-while]").forEach(function (node) { node.hidden = can.erased; });
    if (can.erased) { ui.root.querySelector("#ss-consent").hidden = true; }
    closeConfirm(false);
  }

  /* ---- a new case: nothing of the previous one stays on screen ---- */
  function reset() {
    ui.root.querySelectorAll("form").forEach(function (form) { form.reset(); clearErrors(form); });
    ui.root.querySelectorAll("[data-ss-message]").forEach(function (slot) { slot.textContent = ""; });
    ui.root.querySelectorAll("details").forEach(function (details) { details.open = false; });
    ui.data.hidden = true;
    ui.data.querySelector("[data-ss-data]").textContent = "";
    ui.root.querySelector("#ss-consent").hidden = true;
    ui.root.querySelector("#ss-erase-confirm-hint").textContent = "本投诉的编号是 " + ui.no;
  }

  function load(detail) {
    if (!detail || !detail.tracking_no) { return; }
    var same = ui.no === detail.tracking_no && ui.code === detail.access_code;
    ui.no = detail.tracking_no;
    ui.code = detail.access_code;
    if (!same) { reset(); }
    ui.root.hidden = false;
    if (detail.status && typeof detail.status === "object") {
      update(detail.status);
    } else {
      api("GET", "").then(function (answer) { if (answer.status === 200) { update(answer.data); } });
    }
  }

  /* ---- one form: check, send, show the outcome ---- */
  function handle(form, options) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.getAttribute("aria-busy") === "true") { return; }
      if (options.before && !options.before()) { return; }
      clearErrors(form);
      var errors = options.check ? options.check() : [];
      if (errors.length) { showErrors(form, errors); return; }
      setBusy(form, true);
      options.send().then(function (answer) {
        setBusy(form, false);
        if (answer.status === 200) {
          options.done(answer.data);
          return;
        }
        if (answer.status === 422 && answer.data.errors) {
          showErrors(form, answer.data.errors);
          return;
        }
        announce(statusOf(form), refusal(answer));
        if (answer.status === 409) { refreshStatus(); } /* the case moved on meanwhile: show where it is */
      }, function () {
        setBusy(form, false);
        announce(statusOf(form), MESSAGES.offline);
      });
    });
  }

  function noteRequired(form) {
    return function () {
      var note = form.querySelector('[name="note"]');
      return note.value.trim() ? [] : [{ field: "note", message: REQUIRED[form.id] }];
    };
  }

  function action(form, name) {
    handle(form, {
      before: name === "withdraw" ? askFirst : null,
      check: name === "withdraw" ? null : noteRequired(form),
      send: function () {
        return api("POST", "/actions", { action: name, note: form.querySelector('[name="note"]').value.trim() });
      },
      done: function (status) { afterStatus(form, status, DONE[name]); }
    });
  }

  function afterStatus(form, status, message) {
    form.reset();
    showStatus(status);
    announce(ui.actionsMessage, message);
    if (!ui.data.hidden) { view(false); } /* keep the open personal-data view current */
  }

  /* 撤回投诉 asks once more before it sends. */
  function askFirst() {
    var confirm = ui.withdraw.querySelector("[data-ss-confirm]");
    if (!confirm.hidden) { return true; }
    confirm.hidden = false;
    ui.withdraw.querySelector("[data-ss-ask]").hidden = true;
    confirm.focus();
    return false;
  }

  function closeConfirm(focusAsk) {
    var ask = ui.withdraw.querySelector("[data-ss-ask]");
    ui.withdraw.querySelector("[data-ss-confirm]").hidden = true;
    ask.hidden = false;
    if (focusAsk) { ask.focus(); }
  }

  /* ---- 查看我的个人信息 ---- */
  function label(path) { return ui.labels.fields[path] || path; }

  function named(table, code) { return code == null ? null : (ui.labels[table][code] || code); }

  function definitions(rows, missing) {
    var list = element("dl", null, "portal-ss-list");
    rows.forEach(function (row) {
      var value = row[1];
      list.appendChild(element("dt", row[0]));
      list.appendChild(element("dd", value == null || value === "" ? missing : value));
    });
    return list;
  }

  function orderedList(items, empty) {
    if (!items.length) { return element("p", empty); }
    var list = element("ol", null, "portal-ss-entries");
    items.forEach(function (item) {
      var entry = element("li", item[0]);
      if (item[1]) { entry.appendChild(element("p", item[1], "portal-timeline-detail")); }
      list.appendChild(entry);
    });
    return list;
  }

  function consentEvent(change, receivedAt) {
    var what = change.granted ? "同意" : (change.at === receivedAt ? "未同意" : "撤回同意");
    var version = change.consent === "privacy_notice" ? "（" + change.privacy_notice_version + " 版）"
                                                      : "（按 " + change.privacy_notice_version + " 版隐私声明）";
    return formatTime(change.at) + "　" + what + "：" + (CONSENTS[change.consent] || change.consent) + version;
  }

  function renderData(data) {
    var erased = data.personal_data === "erased";
    var missing = erased ? "已删除" : "未填写";
    var yes = function (value) { return value ? "同意" : "不同意"; };
    var slot = ui.data.querySelector("[data-ss-data]");
    var c = data.complainant;
    var b = data.business;
    var p = data.product;
    var sections = [
      ["概况", definitions([
        ["投诉编号", data.tracking_no],
        ["个人信息", erased ? "已按您的要求删除" : "平台正在保存"],
        ["办理状态", named("statuses", data.status)],
        ["登记时间", formatTime(data.received_at)],
        ["保存期限", erased ? "个人信息已删除，只保留匿名的办理记录"
          : data.retained_until ? formatTime(data.retained_until) + " 自动删除"
            : "投诉办结后开始计算，期满自动删除（见隐私声明）"]
      ], missing)],
      [label("complainant"), definitions([
        [label("complainant.name"), c.name], [label("complainant.phone"), c.phone],
        [label("complainant.email"), c.email], [label("complainant.region"), named("regions", c.region)]
      ], missing)],
      [label("business"), definitions([
        [label("business.name"), b.name], [label("business.address"), b.address],
        [label("business.platform"), b.platform]
      ], "未填写")],
      [label("product"), definitions([
        [label("product.name"), p.name], [label("product.category"), named("categories", p.category)],
        [label("product.purchased_on"), p.purchased_on], [label("product.amount"), p.amount],
        [label("product.order_no"), p.order_no]
      ], missing)],
      ["投诉内容", definitions([
        [label("issue_type"), named("issue_types", data.issue_type)],
        [label("description"), data.description],
        [label("demands"), data.demands.map(function (d) { return named("demands", d); }).join("、")]
      ], missing)],
      [label("consents"), definitions([
        ["同意的隐私声明版本", data.consents.privacy_notice_version],
        [CONSENTS.forward_to_business, yes(data.consents.forward_to_business)],
        [CONSENTS.publish_case, yes(data.consents.publish_case)]
      ], missing)],
      ["同意记录", orderedList(data.consent_history.map(function (change) {
        return [consentEvent(change, data.received_at)];
      }), "没有同意记录。")],
      ["办理经过", orderedList(data.timeline.map(function (e) {
        return [formatTime(e.at) + "　" + e.note, e.detail];
      }), "还没有办理记录。")],
      ["谁在何时查看过", orderedList(data.access_log.map(function (r) {
        return [formatTime(r.at) + "　" + r.by + "：" + r.purpose];
      }), "还没有工作人员查看过您的个人信息。")]
    ];
    slot.textContent = "";
    sections.forEach(function (section) {
      slot.appendChild(element("h5", section[0]));
      slot.appendChild(section[1]);
    });
    ui.root.querySelector("#ss-consent").hidden = erased || !data.consents.publish_case;
    ui.root.querySelectorAll("[data-ss-while]").forEach(function (node) { node.hidden = erased; });
    var phone = ui.root.querySelector("#ss-contact-phone");
    if (!erased && !phone.value) { /* start the correction from what is stored */
      phone.value = c.phone || "";
      ui.root.querySelector("#ss-contact-email").value = c.email || "";
    }
    ui.data.hidden = false;
  }

  function busyButtons(busy) {
    ui.root.querySelectorAll("[data-ss-view], [data-ss-download]").forEach(function (b) { b.disabled = busy; });
  }

  function view(moveFocus) {
    busyButtons(true);
    if (moveFocus) { ui.dataMessage.textContent = MESSAGES.reading; }
    return api("GET", "/personal-data").then(function (answer) {
      busyButtons(false);
      if (answer.status !== 200) { announce(ui.dataMessage, refusal(answer)); return; }
      renderData(answer.data);
      if (moveFocus) {
        ui.dataMessage.textContent = "";
        ui.data.focus();
      }
    }, function () {
      busyButtons(false);
      announce(ui.dataMessage, MESSAGES.offline);
    });
  }

  /* ---- 下载 JSON: the server's own document, saved through an object URL ---- */
  function download() {
    busyButtons(true);
    ui.dataMessage.textContent = MESSAGES.reading;
    var name = "personal-data-" + ui.no + ".json";
    call("GET", "/personal-data?download=true").then(function (response) {
      if (response.status !== 200) {
        return answerOf(response).then(function (answer) { announce(ui.dataMessage, refusal(answer)); });
      }
      return response.blob().then(function (blob) {
        var url = URL.createObjectURL(blob);
        var link = element("a");
        link.href = url;
        link.download = name;
        link.hidden = true;
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
        announce(ui.dataMessage, "已下载 " + name + "：平台保存的您的全部信息，可以用记事本等程序打开。");
      });
    }).catch(function () {
      announce(ui.dataMessage, MESSAGES.offline);
    }).then(function () { busyButtons(false); });
  }

  /* ---- 更正联系方式, 撤回同意, 删除 ---- */
  function afterData(data, message) {
    renderData(data);
    announce(ui.dataMessage, message);
    refreshStatus(); /* the tracker's timeline records the change too */
  }

  function checkContact() {
    var errors = [];
    var phone = ui.root.querySelector("#ss-contact-phone");
    var email = ui.root.querySelector("#ss-contact-email").value.trim();
    var value = phone.value.trim();
    if (!value) {
      errors.push({ field: "phone", message: "请填写手机号码" });
    } else if (!new RegExp("^(?:" + phone.getAttribute("pattern") + ")$").test(value)) {
      errors.push({ field: "phone", message: PHONE_PATTERN_MESSAGE });
    }
    if (email && !EMAIL.test(email)) {
      errors.push({ field: "email", message: "请填写有效的电子邮箱，例如 name@example.com；不需要邮件通知可以留空" });
    }
    return errors;
  }

  function checkErase() {
    var typed = ui.root.querySelector("#ss-erase-confirm").value;
    if (!typed.trim()) { return [{ field: "confirm", message: "请输入投诉编号 " + ui.no + " 以确认删除" }]; }
    if (normalizeNo(typed) !== normalizeNo(ui.no)) {
      return [{ field: "confirm", message: "输入的编号与本投诉的编号 " + ui.no + " 不一致，请检查后重新输入" }];
    }
    return [];
  }

  function setup(root) {
    ui = {
      root: root,
      endpoint: root.getAttribute("data-endpoint"),
      labels: JSON.parse(document.getElementById("ss-labels").textContent),
      data: root.querySelector("#ss-data"),
      withdraw: root.querySelector("#ss-withdraw"),
      actionsMessage: root.querySelector('[data-ss-message="actions"]'),
      dataMessage: root.querySelector('[data-ss-message="data"]'),
      no: null,
      code: null
    };
    action(root.querySelector("#ss-provide"), "provide_materials");
    action(root.querySelector("#ss-dispute"), "dispute");
    action(ui.withdraw, "withdraw");
    ui.withdraw.querySelector("[data-ss-ask]").addEventListener("click", askFirst);
    ui.withdraw.querySelector("[data-ss-cancel]").addEventListener("click", function () { closeConfirm(true); });

    var rating = root.querySelector("#ss-rating");
    handle(rating, {
      check: function () {
        return rating.querySelector('[name="level"]:checked') ? [] :
          [{ field: "level", message: "请选择满意、部分满意或不满意" }];
      },
      send: function () {
        return api("POST", "/rating", { level: rating.querySelector('[name="level"]:checked').value,
                                        comment: rating.querySelector('[name="comment"]').value.trim() });
      },
      done: function (status) { afterStatus(rating, status, DONE.rating); }
    });

    root.querySelector("[data-ss-view]").addEventListener("click", function () { view(true); });
    root.querySelector("[data-ss-download]").addEventListener("click", download);

    var contact = root.querySelector("#ss-contact");
    handle(contact, {
      check: checkContact,
      send: function () {
        var email = contact.querySelector('[name="email"]').value.trim();
        return api("PUT", "/contact", { phone: contact.querySelector('[name="phone"]').value.trim(), email: email || null });
      },
      done: function (data) { afterData(data, DONE.contact); }
    });

    handle(root.querySelector("#ss-consent"), {
      send: function () { return api("POST", "/consent-withdrawals", { consent: "publish_case" }); },
      done: function (data) { afterData(data, DONE.consent); }
    });

    var erase = root.querySelector("#ss-erase");
    handle(erase, {
      check: checkErase,
      send: function () { return api("DELETE", "/personal-data"); },
      done: function (data) { erase.reset(); afterData(data, DONE.erase); }
    });

    /* A new lookup hides this case's panel until the tracker reports the next one. */
    var tracker = document.getElementById("tracker-form");
    if (tracker) { tracker.addEventListener("submit", function () { root.hidden = true; }); }
  }

  document.addEventListener("portal:complaint-loaded", function (event) { if (ui) { load(event.detail); } });

  function start() {
    var root = document.getElementById("self-service");
    if (root && !root.dataset.ready) { root.dataset.ready = "1"; setup(root); }
  }

  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(start); /* Material's instant navigation */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
