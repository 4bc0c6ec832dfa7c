/* 3·15 portal: the organizer console (投诉办理工作台).
 * Plain JavaScript (ES2017), no third-party code. The page's HTML is an empty frame: every case is read
 * from /api/admin/* after sign-in with the organizer token, which stays in this tab's sessionStorage. */
(function () {
  "use strict";

  const TOKEN_KEY = "portal.organizer.token";
  const PAGE_SIZE = 20;
  const DEFAULT_DAYS = 90;
  const TZ = "Asia/Shanghai";
  const MESSAGES = {
    network: "网络不稳定，没有连上服务器。请检查网络后再试。",
    server: "服务器暂时出错，请稍后再试。",
    tokenRequired: "请填写组织者令牌",
    signedOut: "已退出。令牌已从这个标签页清除。",
    dates: "请填写开始和结束日期",
    dateOrder: "开始日期不能晚于结束日期",
    chooseTwo: "请至少勾选两件投诉，再归为群体性投诉",
    noteRequired: "请写明说明，投诉人和办理人员都需要知道原因",
    reasonRequired: "请选择不予受理的理由",
    otherNeedsNote: "选择“其他原因”时请写明理由",
    outcomeRequired: "请选择结案方式",
    amount: "挽回金额不能为负数，最多保留两位小数，例如 120.50",
    handlerRequired: "请填写办理人",
    textRequired: "请填写备注内容",
    originalRequired: "请填写原投诉的编号"
  };
  /* action → where it may start from and what its form needs (mirrors the server's transition table) */
  const ACTIONS = {
    accept: { label: "受理", from: ["submitted"] },
    reject: { label: "不予受理", from: ["submitted"], reason: true },
    request_materials: { label: "要求补充材料", from: ["submitted", "accepted", "mediating"], noteRequired: true },
    provide_materials: { label: "代投诉人确认已补充材料", confirm: "确认已补充材料", from: ["waiting_for_complainant"] },
    start_mediation: { label: "开始调解", from: ["accepted"], needsForward: true },
    close: { label: "结案", from: ["accepted", "mediating"], outcome: true },
    withdraw: { label: "代为撤回", from: ["submitted", "accepted", "waiting_for_complainant", "mediating"] }
  };
  const RATINGS = { satisfied: "满意", partly: "部分满意", not_satisfied: "不满意" };
  const OUTCOME_LABELS = { withdrawn: "投诉人撤回" };

  let root = null;
  const state = {
    token: null,
    choices: null,
    offset: 0,
    page: null,
    listRequests: 0,
    searched: "",
    selected: new Set(),
    detail: null,
    opener: null,
    actionOpener: null
  };

  /* ---- small helpers ---- */
  function $(selector, scope) { return (scope || root).querySelector(selector); }
  function $$(selector, scope) { return Array.from((scope || root).querySelectorAll(selector)); }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (value === null || value === undefined || value === false) { return; }
      if (key === "class") { node.className = value; } else { node.setAttribute(key, value === true ? "" : value); }
    });
    children.flat().forEach((child) => {
      if (child === null || child === undefined || child === false) { return; }
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    });
    return node;
  }

  function formatTime(iso) {
    if (!iso) { return "—"; }
    return new Date(iso).toLocaleString("zh-CN", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit",
                                                  hour: "2-digit", minute: "2-digit", hour12: false });
  }

  function chinaToday() {
    const parts = {};
    new Intl.DateTimeFormat("en-US", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit" })
      .formatToParts(new Date()).forEach((part) => { parts[part.type] = part.value; });
    return parts.year + "-" + parts.month + "-" + parts.day;
  }

  function addDays(isoDate, days) {
    const [year, month, day] = isoDate.split("-").map(Number);
    return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
  }

  function label(group, code) {
    const names = state.choices && state.choices[group];
    return (names && names[code]) || code || "—";
  }

  function setStatus(node, text, kind) {
    node.textContent = text || "";
    node.classList.toggle("org-status--error", kind === "error");
    node.classList.toggle("org-status--ok", kind === "ok");
  }

  function formStatus(form) { return $("[data-status]", form); }

  function clearErrors(form) {
    $$("[data-error-for]", form).forEach((slot) => { slot.hidden = true; slot.textContent = ""; });
    $$(".portal-field--invalid", form).forEach((field) => field.classList.remove("portal-field--invalid"));
    $$("[aria-invalid]", form).forEach((control) => control.removeAttribute("aria-invalid"));
  }

  /* Put each message next to its field; what has no field goes to the status line. Returns the first control. */
  function showFieldErrors(form, errors) {
    let first = null;
    const elsewhere = [];
    errors.forEach((error) => {
      const slot = $('[data-error-for="' + error.field + '"]', form);
      if (!slot) { elsewhere.push(error.message); return; }
      slot.textContent = error.message;
      slot.hidden = false;
      const field = slot.closest(".portal-field");
      const control = field && $("input, select, textarea", field);
      if (field) { field.classList.add("portal-field--invalid"); }
      if (control) { control.setAttribute("aria-invalid", "true"); first = first || control; }
    });
    return { first, elsewhere };
  }

  function setBusy(form, busy) {
    form.setAttribute("aria-busy", busy ? "true" : "false");
    $$("[data-submit]", form).forEach((button) => { button.disabled = busy; });
  }

  /* ---- the API ---- */
  class ApiError extends Error {
    constructor(status, data) {
      super((data && data.message) || MESSAGES.server);
      this.status = status;
      this.data = data || {};
    }
  }

  async function readJson(response) {
    try { return await response.json(); } catch (error) { return {}; }
  }

  function newIdempotencyKey() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  /* A change is sent with one Idempotency-Key and retried with it after a network failure or a 5xx,
   * so a lost answer on a bad connection never makes the same change twice. */
  const RETRY_DELAYS_MS = [800, 2000];

  async function call(method, path, body) {
    const headers = { Authorization: "Bearer " + state.token, Accept: "application/json" };
    const init = { method, headers, credentials: "same-origin", cache: "no-store" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    if (method === "POST") { headers["Idempotency-Key"] = newIdempotencyKey(); }
    let response;
    for (let attempt = 0; ; attempt += 1) {
      try {
        response = await fetch(path, init);
        if (response.status < 500 || attempt >= RETRY_DELAYS_MS.length) { break; }
      } catch (error) {
        if (attempt >= RETRY_DELAYS_MS.length) {
          throw new ApiError(0, { code: "network", message: MESSAGES.network });
        }
      }
      await new Promise(function (resolve) { setTimeout(resolve, RETRY_DELAYS_MS[attempt]); });
    }
    if (!response.ok) {
      const data = await readJson(response);
      const error = new ApiError(response.status, data);
      if (response.status === 401) { signOut(error.message, true); }
      throw error;
    }
    return response;
  }

  async function getJson(path) { return (await call("GET", path)).json(); }
  async function postJson(path, body) { return (await call("POST", path, body)).json(); }

  function query(params) {
    const search = new URLSearchParams();
    Object.entries(params).forEach(([key, value]) => {
      if (value !== "" && value !== null && value !== undefined && value !== false) { search.set(key, String(value)); }
    });
    return search.toString();
  }

  /* Show an API error in `form` (fields) and `status` (message). 401 has already sent us to sign-in. */
  function report(error, form, status) {
    if (error.status === 401) { return null; }
    if (!(error instanceof ApiError)) { setStatus(status, MESSAGES.server, "error"); throw error; }
    const placed = form ? showFieldErrors(form, error.data.errors || []) : { first: null, elsewhere: [] };
    const extra = placed.elsewhere.filter((message) => error.message.indexOf(message) < 0);
    setStatus(status, [error.message].concat(extra).join(" "), "error");
    if (placed.first) { placed.first.focus(); }
    return placed.first;
  }

  /* ---- sign-in and sign-out ---- */
  function storedToken() {
    try { return window.sessionStorage.getItem(TOKEN_KEY); } catch (error) { return null; }
  }

  function storeToken(token) {
    try {
      if (token) { window.sessionStorage.setItem(TOKEN_KEY, token); } else { window.sessionStorage.removeItem(TOKEN_KEY); }
    } catch (error) { /* private mode: the token lives in memory only */ }
  }

  function clearWorkspace() {
    state.choices = null;
    state.page = null;
    state.detail = null;
    state.offset = 0;
    state.searched = "";
    state.listRequests += 1; /* an answer still on its way is dropped */
    state.selected.clear();
    $('[data-list="cases"]').textContent = "";
    $('[data-list="notices"]').textContent = "";
    $("[data-detail]").textContent = "";
    $("[data-action-buttons]").textContent = "";
    $("[data-stats]").textContent = "";
    $("[data-stats]").hidden = true;
    $("#org-detail").hidden = true;
    $("#org-notices").hidden = true;
    $("[data-pager]").hidden = true;
    root.classList.remove("org-console--detail");
    $$("form", $("#org-workspace")).forEach((form) => {
      clearErrors(form);
      const status = formStatus(form);
      if (status) { setStatus(status, ""); }
    });
    ["#org-action-form", "#org-assign-form", "#org-note-form", "#org-duplicate-form", "#org-group-form"]
      .forEach((selector) => $(selector).reset());
    $("#org-action-form").hidden = true;
    setStatus($("#org-status"), "");
    setStatus($("#org-detail-status"), "");
    updateSelectedCount();
  }

  function signOut(message, isError) {
    state.token = null;
    storeToken(null);
    clearWorkspace();
    $("#org-workspace").hidden = true;
    $("#org-signin").hidden = false;
    const form = $("#org-signin-form");
    setBusy(form, false);
    setStatus(formStatus(form), message || "", isError ? "error" : "ok");
    $("#org-token").value = "";
    $("#org-token").focus();
  }

  async function signIn(token, fromStorage) {
    const form = $("#org-signin-form");
    state.token = token;
    setBusy(form, true);
    setStatus(formStatus(form), "正在登录……");
    let choices;
    try {
      choices = await getJson("/api/admin/choices");
    } catch (error) {
      setBusy(form, false);
      if (error.status !== 401) {
        state.token = null;
        report(error, form, formStatus(form));
        if (!fromStorage) { $("#org-token").focus(); }
      }
      return;
    }
    state.choices = choices;
    storeToken(token);
    setBusy(form, false);
    setStatus(formStatus(form), "");
    $("#org-token").value = "";
    fillChoices();
    $("#org-signin").hidden = true;
    $("#org-workspace").hidden = false;
    setStatus($("#org-status"), "已登录。");
    if (!fromStorage) { $("#org-cases-title").focus(); }
    loadNotices();
    await loadCases();
  }

  function fillChoices() {
    $$("select[data-choices]").forEach((select) => {
      const names = state.choices[select.getAttribute("data-choices")] || {};
      while (select.options.length > 1) { select.remove(1); }
      Object.entries(names).forEach(([code, name]) => select.appendChild(el("option", { value: code }, name)));
    });
  }

  function setupSignIn() {
    const form = $("#org-signin-form");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(form);
      const token = $("#org-token").value.trim();
      if (!token) {
        const placed = showFieldErrors(form, [{ field: "token", message: MESSAGES.tokenRequired }]);
        setStatus(formStatus(form), MESSAGES.tokenRequired, "error");
        placed.first.focus();
        return;
      }
      signIn(token, false);
    });
    $("#org-signout").addEventListener("click", () => signOut(MESSAGES.signedOut, false));
  }

  /* ---- notices ---- */
  async function loadNotices() {
    let notices;
    try {
      notices = await getJson("/api/admin/notices");
    } catch (error) {
      report(error, null, $("#org-status"));
      return;
    }
    const list = $('[data-list="notices"]');
    list.textContent = "";
    notices.forEach((notice) => {
      const open = el("button", { type: "button", class: "org-link-button", "data-open": notice.tracking_no },
                      "查看 " + notice.tracking_no);
      list.appendChild(el("li", { class: "org-notice" },
        el("strong", null, notice.subject), " ",
        el("span", { class: "org-muted" }, formatTime(notice.created_at)),
        el("p", null, notice.message), open));
    });
    $("#org-notices").hidden = notices.length === 0;
  }

  /* ---- the case list ---- */
  function checkDates(form) {
    const from = form.elements.from.value;
    const to = form.elements.to.value;
    const errors = [];
    if (!from) { errors.push({ field: "from", message: MESSAGES.dates }); }
    if (!to) { errors.push({ field: "to", message: MESSAGES.dates }); }
    if (from && to && from > to) { errors.push({ field: "from", message: MESSAGES.dateOrder }); }
    return errors;
  }

  function rejectLocally(form, errors) {
    const placed = showFieldErrors(form, errors);
    setStatus(formStatus(form), errors.map((e) => e.message).filter((m, i, all) => all.indexOf(m) === i).join("；"),
              "error");
    if (placed.first) { placed.first.focus(); }
  }

  function filterParams() {
    const form = $("#org-filter-form");
    const f = form.elements;
    return {
      from: f.from.value, to: f.to.value, status: f.status.value, category: f.category.value,
      issue_type: f.issue_type.value, region: f.region.value, overdue: f.overdue.checked ? "true" : "",
      q: f.q.value.trim(), offset: state.offset, limit: PAGE_SIZE
    };
  }

  async function loadCases() {
    const form = $("#org-filter-form");
    const status = formStatus(form);
    clearErrors(form);
    const errors = checkDates(form);
    if (errors.length) { rejectLocally(form, errors); return; }
    const params = filterParams();
    /* The query button stays usable while a page loads (a newer query replaces it): only the latest answer is
     * shown, whatever order the answers arrive in. */
    const ticket = ++state.listRequests;
    const list = $('[data-list="cases"]');
    list.setAttribute("aria-busy", "true");
    setStatus(status, "正在加载……");
    let page;
    try {
      page = await getJson("/api/admin/complaints?" + query(params));
    } catch (error) {
      if (ticket !== state.listRequests) { return; }
      list.setAttribute("aria-busy", "false");
      report(error, form, status);
      return;
    }
    if (ticket !== state.listRequests) { return; }
    list.setAttribute("aria-busy", "false");
    state.page = page;
    state.searched = params.q;
    renderCases();
  }

  function pageText(page) {
    const prefix = state.searched ? "搜索“" + state.searched + "”：" : "";
    if (!page.total) { return prefix + "没有符合条件的投诉"; }
    const last = state.offset + page.items.length;
    return prefix + "共 " + page.total + " 件，第 " + (state.offset + 1) + "–" + last + " 件";
  }

  function badge(text, kind) { return el("span", { class: "org-badge org-badge--" + kind }, text); }

  function caseRow(item) {
    const box = el("input", { type: "checkbox", class: "org-case__select", value: item.tracking_no,
                              "aria-label": "选择投诉 " + item.tracking_no });
    box.checked = state.selected.has(item.tracking_no);
    const open = el("button", { type: "button", class: "org-case__open", "data-open": item.tracking_no },
      el("span", { class: "org-case__head" },
        el("span", { class: "org-case__no" }, item.tracking_no), " ",
        badge(item.status_label, "status status-" + item.status), " ",
        item.overdue ? badge("超期", "overdue") : null, item.overdue ? " " : null,
        item.group_id ? badge("群体", "group") : null, item.group_id ? " " : null,
        item.duplicate_of ? badge("重复", "duplicate") : null),
      el("span", { class: "org-case__line" }, label("categories", item.category), " · ", item.business_name),
      el("span", { class: "org-case__line org-muted" },
        "登记 " + formatTime(item.received_at),
        item.next_due ? "　下一期限 " + formatTime(item.next_due) : "",
        item.assignee ? "　办理人 " + item.assignee : ""));
    return el("li", { class: "org-case" + (item.overdue ? " org-case--overdue" : ""), "data-case": item.tracking_no },
              box, open);
  }

  function renderCases() {
    const page = state.page;
    const list = $('[data-list="cases"]');
    list.textContent = "";
    page.items.forEach((item) => list.appendChild(caseRow(item)));
    setStatus(formStatus($("#org-filter-form")), pageText(page));
    const pager = $("[data-pager]");
    pager.hidden = page.total <= PAGE_SIZE && state.offset === 0;
    $('[data-page="prev"]', pager).disabled = state.offset === 0;
    $('[data-page="next"]', pager).disabled = page.next_offset === null || page.next_offset === undefined;
    $("[data-page-text]", pager).textContent = page.total
      ? "第 " + (state.offset + 1) + "–" + (state.offset + page.items.length) + " 件，共 " + page.total + " 件" : "";
    markOpenRow();
  }

  function markOpenRow() {
    $$(".org-case__open").forEach((button) => {
      const current = !!state.detail && button.getAttribute("data-open") === state.detail.tracking_no;
      if (current) { button.setAttribute("aria-current", "true"); } else { button.removeAttribute("aria-current"); }
    });
  }

  /* After an action the list shows the new status without reloading the page of results. */
  function updateRow(summary) {
    if (!state.page) { return; }
    const index = state.page.items.findIndex((item) => item.tracking_no === summary.tracking_no);
    if (index < 0) { return; }
    state.page.items[index] = summary;
    const old = $('[data-case="' + CSS.escape(summary.tracking_no) + '"]');
    if (old) { old.replaceWith(caseRow(summary)); markOpenRow(); }
  }

  function updateSelectedCount() {
    $("[data-selected-count]").textContent = "已选 " + state.selected.size + " 件";
  }

  function setupCases() {
    const form = $("#org-filter-form");
    const today = chinaToday();
    form.elements.from.value = addDays(today, -DEFAULT_DAYS);
    form.elements.to.value = today;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      state.offset = 0;
      loadCases();
    });
    $('[data-page="prev"]').addEventListener("click", () => {
      state.offset = Math.max(0, state.offset - PAGE_SIZE);
      loadCases().then(() => $("#org-cases-title").focus());
    });
    $('[data-page="next"]').addEventListener("click", () => {
      if (state.page && state.page.next_offset != null) { state.offset = state.page.next_offset; }
      loadCases().then(() => $("#org-cases-title").focus());
    });
    root.addEventListener("click", (event) => {
      const button = event.target.closest("[data-open]");
      if (button && root.contains(button)) { openDetail(button.getAttribute("data-open"), button); }
    });
    $('[data-list="cases"]').addEventListener("change", (event) => {
      const box = event.target;
      if (!box.classList.contains("org-case__select")) { return; }
      if (box.checked) { state.selected.add(box.value); } else { state.selected.delete(box.value); }
      updateSelectedCount();
    });
    const group = $("#org-group-form");
    group.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(group);
      const status = formStatus(group);
      const numbers = Array.from(state.selected);
      if (numbers.length < 2) { rejectLocally(group, [{ field: "tracking_nos", message: MESSAGES.chooseTwo }]); return; }
      setBusy(group, true);
      try {
        const result = await postJson("/api/admin/complaint-groups", { tracking_nos: numbers });
        state.selected.clear();
        updateSelectedCount();
        await loadCases();
        setStatus(status, "已将 " + numbers.length + " 件投诉归为群体性投诉（" + result.group_id + "）。", "ok");
      } catch (error) {
        report(error, group, status);
      } finally {
        setBusy(group, false);
      }
    });
  }

  /* ---- the detail panel ---- */
  /* rows of [term, value]; a row whose value is undefined is left out, null or "" shows as "—" */
  function dl(rows) {
    const list = el("dl", { class: "org-dl" });
    rows.forEach(([term, value]) => {
      if (value === undefined) { return; }
      list.appendChild(el("dt", null, term));
      list.appendChild(el("dd", null, value === null || value === "" ? "—" : value));
    });
    return list;
  }

  function yesNo(value) { return value ? "同意" : "不同意"; }

  function deadlineItem(d) {
    const classes = ["org-deadline", "org-deadline--" + d.state];
    if (d.overdue) { classes.push("portal-overdue"); }
    return el("li", { class: classes.join(" ") },
      el("span", { class: "org-deadline__label" }, d.label), "：",
      formatTime(d.due_at), " 前 ",
      el("span", { class: "org-badge org-badge--deadline-" + d.state }, d.state_label),
      d.ended_at ? "（" + formatTime(d.ended_at) + " 结束）" : "",
      d.provisional ? "（该年度放假安排尚未公布，按周末推算）" : "",
      el("span", { class: "org-muted org-deadline__basis" }, "依据：" + d.basis));
  }

  function timelineItem(entry) {
    return el("li", { class: "org-event" + (entry.public ? "" : " org-event--internal") },
      el("span", { class: "org-event__head" },
        el("time", { datetime: entry.at }, formatTime(entry.at)), " ",
        el("span", { class: "org-event__actor" }, entry.actor === "system" ? "系统" :
          entry.actor === "complainant" ? "投诉人" : entry.actor), " ",
        badge(entry.public ? "公开" : "内部", entry.public ? "public" : "internal"), " ",
        el("span", { class: "org-muted" }, label("statuses", entry.status))),
      el("span", { class: "org-event__note" }, entry.note),
      entry.detail ? el("span", { class: "org-event__detail" }, entry.detail) : null);
  }

  function renderDetail(d) {
    const erased = d.personal_data !== "present";
    const c = d.complainant || {};
    const outcome = d.outcome ? (OUTCOME_LABELS[d.outcome] || label("outcomes", d.outcome)) : null;
    const rating = d.rating ? (RATINGS[d.rating.level] || d.rating.level) +
      (d.rating.comment ? "：" + d.rating.comment : "") : null;
    const body = [
      el("p", { class: "org-detail__status" }, "当前状态 ", badge(d.status_label, "status status-" + d.status),
         d.overdue ? [" ", badge("超期", "overdue")] : null,
         d.group_id ? [" ", badge("群体", "group")] : null,
         d.duplicate_of ? [" ", badge("重复", "duplicate")] : null,
         el("span", { class: "org-muted" }, "　登记于 " + formatTime(d.received_at) + "　版本 " + d.version)),
      el("h3", null, "投诉人"),
      erased ? el("p", { class: "org-note" }, "投诉人已删除个人信息。")
             : el("p", { class: "org-note org-note--privacy" }, "查看已记入访问日志。个人信息仅用于办理这件投诉，不得外传。"),
      dl([["姓名", c.name], ["手机号码", c.phone], ["电子邮箱", c.email], ["所在地区", label("regions", c.region)]]),
      el("h3", null, "经营者与商品"),
      dl([["经营者", d.business_name], ["平台", d.platform], ["经营者地址", d.business_address],
          ["商品或服务", d.product_name], ["类别", label("categories", d.category)],
          ["问题类型", label("issue_types", d.issue_type)], ["购买日期", d.purchased_on],
          ["支付金额", d.amount != null ? d.amount + " 元" : null], ["订单号", d.order_no]]),
      el("h3", null, "事实经过"),
      el("p", { class: "org-description" }, d.description),
      el("h3", null, "诉求与同意"),
      dl([["诉求", (d.demands || []).map((code) => label("demands", code)).join("、")],
          ["转交经营者调解", yesNo(d.forward_to_business)],
          ["公开为典型案例（去除个人信息）", yesNo(d.publish_case)]]),
      el("h3", null, "办理情况"),
      dl([["办理人", d.assignee || "未指派"], ["群体性投诉", d.group_id || undefined],
          ["重复于", d.duplicate_of || undefined],
          ["不予受理理由", d.reject_reason ? label("reject_reasons", d.reject_reason) : undefined],
          ["结案方式", outcome || undefined],
          ["挽回金额", d.amount_recovered != null ? d.amount_recovered + " 元" : undefined],
          ["投诉人评价", rating || undefined],
          ["个人信息保存至", d.retained_until ? formatTime(d.retained_until) : undefined]]),
      el("h3", null, "办理期限"),
      (d.deadlines || []).length
        ? el("ul", { class: "org-deadlines" }, d.deadlines.map(deadlineItem))
        : el("p", { class: "org-muted" }, "没有进行中的期限。"),
      el("h3", null, "办理经过"),
      el("ol", { class: "org-timeline", "data-timeline": "" }, (d.timeline || []).map(timelineItem)),
      el("details", { class: "org-access-log" },
        el("summary", null, "访问日志（" + (d.access_log || []).length + " 条）"),
        el("ul", null, (d.access_log || []).map((r) =>
          el("li", null, formatTime(r.at) + "　" + r.actor + "　" + r.purpose))))
    ];
    const slot = $("[data-detail]");
    slot.textContent = "";
    body.forEach((node) => slot.appendChild(node));
    $("#org-detail-title").textContent = "投诉 " + d.tracking_no;
    renderActionButtons(d);
  }

  function legalActions(d) {
    if (d.personal_data !== "present") { return []; }
    return Object.keys(ACTIONS).filter((name) => {
      const action = ACTIONS[name];
      return action.from.indexOf(d.status) >= 0 && (!action.needsForward || d.forward_to_business);
    });
  }

  function renderActionButtons(d) {
    const slot = $("[data-action-buttons]");
    slot.textContent = "";
    const actions = legalActions(d);
    actions.forEach((name) => {
      slot.appendChild(el("button", { type: "button", class: "md-button" + (name === "accept" || name === "close"
        ? " md-button--primary" : ""), "data-action": name, "aria-controls": "org-action-form" }, ACTIONS[name].label));
    });
    const none = $("[data-actions-none]");
    none.hidden = actions.length > 0;
    none.textContent = d.personal_data !== "present" ? "投诉人已删除个人信息，这件投诉不能再办理。"
      : "当前状态下没有可以执行的办理操作。";
    if (ACTIONS.start_mediation.from.indexOf(d.status) >= 0 && !d.forward_to_business) {
      slot.appendChild(el("p", { class: "org-muted" }, "投诉人没有同意将投诉转交经营者，不能开始调解。"));
    }
  }

  async function fetchDetail(trackingNo) {
    return getJson("/api/admin/complaints/" + encodeURIComponent(trackingNo));
  }

  async function openDetail(trackingNo, opener) {
    const listStatus = formStatus($("#org-filter-form"));
    let detail;
    try {
      detail = await fetchDetail(trackingNo);
    } catch (error) {
      report(error, null, listStatus);
      return;
    }
    state.detail = detail;
    state.opener = opener || null;
    closeActionForm(false);
    ["#org-assign-form", "#org-note-form", "#org-duplicate-form"].forEach((selector) => {
      const form = $(selector);
      form.reset();
      clearErrors(form);
      setStatus(formStatus(form), "");
    });
    setStatus($("#org-detail-status"), "");
    renderDetail(detail);
    $("#org-detail").hidden = false;
    root.classList.add("org-console--detail");
    markOpenRow();
    $("#org-detail-title").focus();
  }

  /* Reload the open case (after an action, or when someone else changed it); keeps the status line. */
  async function reloadDetail() {
    if (!state.detail) { return null; }
    try {
      state.detail = await fetchDetail(state.detail.tracking_no);
    } catch (error) {
      report(error, null, $("#org-detail-status"));
      return null;
    }
    renderDetail(state.detail);
    updateRow(state.detail);
    return state.detail;
  }

  function closeDetail() {
    const shown = state.detail && state.detail.tracking_no;
    state.detail = null;
    closeActionForm(false);
    $("#org-detail").hidden = true;
    $("[data-detail]").textContent = ""; /* personal data leaves the page with the panel */
    $("[data-action-buttons]").textContent = "";
    root.classList.remove("org-console--detail");
    markOpenRow();
    const opener = state.opener;
    state.opener = null;
    if (opener && document.body.contains(opener)) {
      opener.focus();
    } else {
      const again = shown && $('.org-case__open[data-open="' + CSS.escape(shown) + '"]');
      (again || $("#org-cases-title")).focus();
    }
  }

  /* ---- actions (transitions) ---- */
  function openActionForm(name, opener) {
    const action = ACTIONS[name];
    const form = $("#org-action-form");
    form.reset();
    clearErrors(form);
    setStatus(formStatus(form), "");
    form.setAttribute("data-action", name);
    $("[data-action-title]", form).textContent = action.label + "：" + state.detail.tracking_no;
    $('[data-field="reason"]', form).hidden = !action.reason;
    $('[data-field="outcome"]', form).hidden = !action.outcome;
    $('[data-field="amount_recovered"]', form).hidden = !action.outcome;
    $("[data-note-required]", form).textContent = action.noteRequired ? "（必填）" : "（选填）";
    const note = form.elements.note;
    note.required = !!action.noteRequired;
    if (action.noteRequired) { note.setAttribute("aria-required", "true"); } else { note.removeAttribute("aria-required"); }
    form.elements.public.checked = true;
    $("[data-submit]", form).textContent = action.confirm || "确认" + action.label;
    $$("[data-action]", $("[data-action-buttons]")).forEach((button) => {
      button.setAttribute("aria-expanded", button === opener ? "true" : "false");
    });
    state.actionOpener = opener;
    form.hidden = false;
    (action.reason ? form.elements.reason : action.outcome ? form.elements.outcome : note).focus();
  }

  function closeActionForm(restoreFocus) {
    const form = $("#org-action-form");
    form.hidden = true;
    form.removeAttribute("data-action");
    $$("[data-action]", $("[data-action-buttons]")).forEach((button) => button.setAttribute("aria-expanded", "false"));
    const opener = state.actionOpener;
    state.actionOpener = null;
    if (restoreFocus && opener && document.body.contains(opener)) { opener.focus(); }
  }

  function checkAction(name, form) {
    const action = ACTIONS[name];
    const f = form.elements;
    const note = f.note.value.trim();
    const errors = [];
    if (action.reason && !f.reason.value) { errors.push({ field: "reason", message: MESSAGES.reasonRequired }); }
    if (action.reason && f.reason.value === "other" && !note) {
      errors.push({ field: "note", message: MESSAGES.otherNeedsNote });
    }
    if (action.noteRequired && !note) { errors.push({ field: "note", message: MESSAGES.noteRequired }); }
    if (action.outcome) {
      if (!f.outcome.value) { errors.push({ field: "outcome", message: MESSAGES.outcomeRequired }); }
      const amount = f.amount_recovered.value.trim();
      if (amount && !/^\d+(\.\d{1,2})?$/.test(amount)) { errors.push({ field: "amount_recovered", message: MESSAGES.amount }); }
    }
    return errors;
  }

  function actionBody(name, form) {
    const action = ACTIONS[name];
    const f = form.elements;
    const body = { action: name, note: f.note.value.trim(), public: f.public.checked,
                   expected_version: state.detail.version };
    if (action.reason) { body.reason = f.reason.value; }
    if (action.outcome) {
      body.outcome = f.outcome.value;
      const amount = f.amount_recovered.value.trim();
      if (amount) { body.amount_recovered = amount; }
    }
    return body;
  }

  async function submitAction(form) {
    const name = form.getAttribute("data-action");
    if (!name || !state.detail) { return; }
    clearErrors(form);
    const errors = checkAction(name, form);
    if (errors.length) { rejectLocally(form, errors); return; }
    const detailStatus = $("#org-detail-status");
    const trackingNo = state.detail.tracking_no;
    setBusy(form, true);
    setStatus(formStatus(form), "正在提交……");
    let summary;
    try {
      summary = await postJson("/api/admin/complaints/" + encodeURIComponent(trackingNo) + "/transitions",
                               actionBody(name, form));
    } catch (error) {
      setBusy(form, false);
      setStatus(formStatus(form), "");
      if (error.status === 409) {
        /* someone else changed the case, or the step is no longer possible: show why, then the case as it is now */
        closeActionForm(false);
        setStatus(detailStatus, error.message + "（已重新载入这件投诉的最新内容）", "error");
        await reloadDetail();
        $("#org-work-title").focus();
        return;
      }
      report(error, form, error.status === 422 ? formStatus(form) : detailStatus);
      return;
    }
    setBusy(form, false);
    setStatus(formStatus(form), "");
    closeActionForm(false);
    updateRow(summary);
    await reloadDetail();
    setStatus(detailStatus, "已" + ACTIONS[name].label + "，当前状态：" + summary.status_label + "。", "ok");
    $("#org-work-title").focus();
  }

  /* Assignment, notes and duplicates: a POST, then the case again. */
  function setupSubform(selector, path, build, check, done) {
    const form = $(selector);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!state.detail) { return; }
      clearErrors(form);
      const status = formStatus(form);
      const errors = check(form);
      if (errors.length) { rejectLocally(form, errors); return; }
      setBusy(form, true);
      setStatus(status, "正在保存……");
      try {
        const summary = await postJson("/api/admin/complaints/" + encodeURIComponent(state.detail.tracking_no) + path,
                                       build(form));
        updateRow(summary);
        const message = done(summary, form);
        form.reset();
        await reloadDetail();
        setStatus(status, message, "ok");
      } catch (error) {
        report(error, form, status);
      } finally {
        setBusy(form, false);
      }
    });
  }

  function setupDetail() {
    $("#org-detail-back").addEventListener("click", closeDetail);
    $("[data-action-buttons]").addEventListener("click", (event) => {
      const button = event.target.closest("[data-action]");
      if (button) { openActionForm(button.getAttribute("data-action"), button); }
    });
    const actionForm = $("#org-action-form");
    actionForm.addEventListener("submit", (event) => { event.preventDefault(); submitAction(actionForm); });
    $("[data-cancel]", actionForm).addEventListener("click", () => closeActionForm(true));
    actionForm.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.preventDefault(); closeActionForm(true); }
    });
    const required = (field, message) => (form) =>
      form.elements[field].value.trim() ? [] : [{ field, message }];
    setupSubform("#org-assign-form", "/assignment", (form) => ({ handler: form.elements.handler.value.trim() }),
      required("handler", MESSAGES.handlerRequired), (summary) => "已指派给 " + summary.assignee + "。");
    setupSubform("#org-note-form", "/notes",
      (form) => ({ text: form.elements.text.value.trim(), public: form.elements.public.checked }),
      required("text", MESSAGES.textRequired),
      (summary, form) => form.elements.public.checked ? "已添加公开备注。" : "已添加内部备注。");
    setupSubform("#org-duplicate-form", "/duplicate-of",
      (form) => ({ original: form.elements.original.value.trim().toUpperCase() }),
      required("original", MESSAGES.originalRequired),
      (summary) => "已标记为 " + summary.duplicate_of + " 的重复投诉。");
  }

  /* ---- ledger export ---- */
  function filenameOf(response, fallback) {
    const header = response.headers.get("Content-Disposition") || "";
    const encoded = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
    if (encoded) {
      try { return decodeURIComponent(encoded[1].trim()); } catch (error) { /* fall through */ }
    }
    const plain = /filename\s*=\s*"([^"]+)"|filename\s*=\s*([^;]+)/i.exec(header);
    return plain ? (plain[1] || plain[2]).trim() : fallback;
  }

  function download(blob, filename) {
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: filename, hidden: true });
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  function setupLedger() {
    const form = $("#org-ledger-form");
    const today = chinaToday();
    form.elements.from.value = addDays(today, -DEFAULT_DAYS);
    form.elements.to.value = today;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const format = (event.submitter && event.submitter.getAttribute("data-format")) || "xlsx";
      const status = formStatus(form);
      clearErrors(form);
      const errors = checkDates(form);
      if (errors.length) { rejectLocally(form, errors); return; }
      const params = { from: form.elements.from.value, to: form.elements.to.value, format };
      setBusy(form, true);
      setStatus(status, "正在生成台账……");
      try {
        const response = await call("GET", "/api/admin/ledger?" + query(params));
        const blob = await response.blob();
        const name = filenameOf(response, "complaint-ledger-" + params.from + "-" + params.to + "." + format);
        download(blob, name);
        setStatus(status, "已导出 " + name + "。", "ok");
      } catch (error) {
        report(error, form, status);
      } finally {
        setBusy(form, false);
      }
    });
  }

  /* ---- statistics ---- */
  function countText(value, stats) {
    if (value === null || value === undefined) { return stats.suppressed_below ? "<" + stats.suppressed_below : "—"; }
    return String(value);
  }

  function orDash(value, format) { return value === null || value === undefined ? "—" : format(value); }

  function table(caption, headers, rows) {
    return el("div", { class: "org-table" },
      el("table", { class: "org-stat-table" },
        el("caption", null, caption),
        el("thead", null, el("tr", null, headers.map((h, i) => el("th", { scope: "col", class: i ? "org-num" : null }, h)))),
        el("tbody", null, rows.length ? rows.map((cells) => el("tr", null, cells.map((cell, i) =>
          i ? el("td", { class: "org-num" }, cell) : el("th", { scope: "row" }, cell))))
          : el("tr", null, el("td", { colspan: String(headers.length) }, "没有数据")))));
  }

  function tallyTable(caption, first, tallies, stats) {
    return table(caption, [first, "件数"], (tallies || []).map((t) => [t.label, countText(t.count, stats)]));
  }

  function renderStats(stats) {
    const slot = $("[data-stats]");
    slot.textContent = "";
    const publication = stats.suppressed_below !== null && stats.suppressed_below !== undefined;
    const nodes = [
      el("h3", null, "统计结果（" + stats.period_start + " 至 " + stats.period_end + "）" +
        (publication ? "：公开发布版" : "")),
      publication ? el("p", { class: "org-note" }, "“<" + stats.suppressed_below + "”表示少于 " + stats.suppressed_below +
        " 件，为保护个人信息不公布具体数字；依据过少案件算出的中位数、比例和金额显示为“—”。") : null,
      dl([["投诉总数", countText(stats.total, stats)],
          ["受理用时中位数", orDash(stats.median_days_to_accept, (v) => v.toFixed(1) + " 天")],
          ["结案用时中位数", orDash(stats.median_days_to_close, (v) => v.toFixed(1) + " 天")],
          ["调解成功率", orDash(stats.share_resolved, (v) => (v * 100).toFixed(1) + "%")],
          ["为消费者挽回金额", orDash(stats.amount_recovered, (v) => v + " 元")],
          ["超期件数", countText(stats.overdue, stats)]]),
      tallyTable("按商品或服务类别", "类别", stats.by_category, stats),
      tallyTable("按问题类型", "问题类型", stats.by_issue_type, stats),
      tallyTable("按地区", "地区", stats.by_region, stats),
      tallyTable("按月份", "月份", stats.by_month, stats),
      table("投诉热点（前 10 位）", ["类别", "问题类型", "件数"],
        (stats.hotspots || []).map((h) => [h.category_label, h.issue_type_label, countText(h.count, stats)])),
      tallyTable("满意度（已结案）", "评价", stats.satisfaction, stats)
    ];
    nodes.forEach((node) => { if (node) { slot.appendChild(node); } });
    slot.hidden = false;
  }

  function setupStats() {
    const form = $("#org-stats-form");
    const today = chinaToday();
    form.elements.from.value = addDays(today, -DEFAULT_DAYS);
    form.elements.to.value = today;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const status = formStatus(form);
      clearErrors(form);
      const errors = checkDates(form);
      if (errors.length) { rejectLocally(form, errors); return; }
      const params = { from: form.elements.from.value, to: form.elements.to.value,
                       publication: form.elements.publication.checked ? "true" : "false" };
      setBusy(form, true);
      setStatus(status, "正在统计……");
      try {
        renderStats(await getJson("/api/admin/statistics?" + query(params)));
        setStatus(status, "统计已更新。", "ok");
      } catch (error) {
        report(error, form, status);
      } finally {
        setBusy(form, false);
      }
    });
  }

  function start() {
    const found = document.getElementById("organizer-console");
    if (!found || found.dataset.ready) { return; }
    found.dataset.ready = "1";
    root = found;
    setupSignIn();
    setupCases();
    setupDetail();
    setupLedger();
    setupStats();
    const token = storedToken();
    if (token) { signIn(token, true); }
  }

  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(start); /* Material's instant navigation */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
