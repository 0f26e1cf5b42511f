// docgen serve: live checks, editable tables and money inputs. No framework, nothing fetched from elsewhere.
"use strict";

const form = document.getElementById("record");
const csrf = () => (document.querySelector("input[name=csrf]") || {}).value || "";

// ---- money: 12,846,520.00 with its 万元 shown beside it ---------------------------------------------------------
function parseMoney(text) {
  const m = text.trim().match(/^[¥￥]?\s*([+-]?(?:[0-9]{1,3}(?:[,，][0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)\s*(万元?|元)?$/);
  if (!m) return null;
  let value = Number(m[1].replace(/[,，]/g, ""));
  if (m[2] && m[2].startsWith("万")) value *= 10000;
  return value;
}
function showMoney(input, reformat) {
  const out = input.parentElement.querySelector("output.wan");
  const value = input.value.trim() ? parseMoney(input.value) : null;
  if (out) out.textContent = value === null ? "" : (value / 10000).toLocaleString("zh-CN", {maximumFractionDigits: 6}) + " 万元";
  if (reformat && value !== null) {
    input.value = value.toLocaleString("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2});
  }
}

// ---- dates: ISO in the field whatever the browser's language, 2027年3月1日 shown beside it -----------------
const WEEKDAYS = "日一二三四五六";
function parseDate(text) {
  const m = text.trim().match(/^([0-9]{4})(?:([-/.])([0-9]{1,2})\2([0-9]{1,2})|\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日?|([0-9]{2})([0-9]{2}))$/);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[3] || m[5] || m[7]), Number(m[4] || m[6] || m[8])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCMonth() === mo - 1 && day.getUTCDate() === d ? day : null;
}
function showDate(input, reformat) {
  const out = input.parentElement.querySelector("output.cndate");
  const day = input.value.trim() ? parseDate(input.value) : null;
  if (out) out.textContent = day ? `${day.getUTCFullYear()}年${day.getUTCMonth() + 1}月${day.getUTCDate()}日（星期${WEEKDAYS[day.getUTCDay()]}）` : "";
  if (reformat && day) input.value = day.toISOString().slice(0, 10);
}
function pickDate(button) {
  const box = button.parentElement;
  const picker = box.querySelector("input.picker"), field = box.querySelector("input.date");
  const day = parseDate(field.value);
  picker.value = day ? day.toISOString().slice(0, 10) : "";
  picker.onchange = () => {
    field.value = picker.value;
    showDate(field, true);
    field.dispatchEvent(new Event("change", {bubbles: true}));
  };
  if (picker.showPicker) picker.showPicker();
}

// ---- findings under their fields and in the summary -------------------------------------------------------------
function holderFor(path) {
  let pointer = path;
  while (true) {
    const box = document.querySelector(`.msgs[data-for="${CSS.escape(pointer)}"]`);
    if (box) return box;
    if (!pointer) return null;
    pointer = pointer.slice(0, pointer.lastIndexOf("/"));
  }
}
function anchor(f) {
  const here = form && form.dataset.check.split("/")[3];
  const base = f.page && f.page !== here ? `/projects/${form.dataset.check.split("/")[2]}/${f.page}` : "";
  return `${base}#f${f.path}`;
}
function showFindings(findings) {
  if (!form) return;
  document.querySelectorAll(".msgs").forEach((box) => { box.replaceChildren(); });
  document.querySelectorAll(".has-error, .has-warning").forEach((el) => el.classList.remove("has-error", "has-warning"));
  const list = document.querySelector("#summary .findings");
  list.replaceChildren();
  let errors = 0, warnings = 0;
  for (const f of findings) {
    const isError = f.severity === "error";
    isError ? errors++ : warnings++;
    const box = holderFor(f.path);
    if (box) {
      const p = document.createElement("p");
      p.className = isError ? "msg error" : "msg warning";
      const where = box.dataset.for === f.path ? "" : f.label + "：";  // a row's finding shown at its table
      p.textContent = (isError ? "错误：" : "警告：") + where + f.message;
      box.append(p);
      const field = document.getElementById("f" + f.path);
      if (field) field.classList.add(isError ? "has-error" : "has-warning");
    }
    const li = document.createElement("li");
    li.className = isError ? "error" : "warning";
    const a = document.createElement("a");
    a.href = anchor(f);
    a.textContent = f.label;
    a.addEventListener("click", (event) => {
      const target = document.getElementById("f" + f.path) || (box && box.parentElement);
      if (target && !a.getAttribute("href").startsWith("/")) {
        event.preventDefault();
        target.scrollIntoView({block: "center"});
        if (target.focus) target.focus();
      }
    });
    li.append(a, document.createTextNode("：" + f.message));
    list.append(li);
  }
  document.querySelector("#summary .counts").textContent =
    errors || warnings ? `${errors} 处错误，${warnings} 处警告` : "没有发现问题";
  document.querySelector("#summary").className = "card summary " + (errors ? "has-errors" : warnings ? "has-warnings" : "clean");
  const kind = form.dataset.check.split("/")[3];
  const tab = document.querySelector(`nav.docs a[data-kind="${kind}"]`);
  if (tab) {
    tab.classList.toggle("ready", !errors);
    tab.classList.toggle("not-ready", !!errors);
    tab.querySelector(".mark").textContent = errors ? "✗" : "✓";
    tab.querySelector("small").textContent = errors ? "未完成" : "可生成";
  }
}

let pending = null, sequence = 0;
function scheduleCheck() {
  clearTimeout(pending);
  pending = setTimeout(runCheck, 150);
}
async function runCheck() {
  const mine = ++sequence;
  const status = form.querySelector(".save-bar .status");
  status.textContent = "检查中…";
  try {
    const response = await fetch(form.dataset.check, {method: "POST", body: new FormData(form), headers: {"X-CSRF-Token": csrf()}});
    const data = await response.json();
    if (mine !== sequence) return;  // a newer check is on its way
    if (!response.ok) { status.textContent = data.error || "检查失败"; return; }
    showFindings(data.findings);
    status.textContent = "已检查（尚未保存）";
    form.dataset.checked = String(mine);
  } catch (error) {
    status.textContent = "无法连接服务器，检查未完成";
  }
}

// ---- editable tables --------------------------------------------------------------------------------------------
function renumber(section) {
  const list = section.dataset.list;
  section.querySelectorAll(":scope > .scroll > table > tbody > tr").forEach((row, i) => {
    const old = `${list}/${row.dataset.row}`, now = `${list}/${i}`;
    row.dataset.row = String(i);
    row.querySelectorAll("[name], [data-pointer], [data-for], [id]").forEach((el) => {
      for (const attr of ["name", "data-pointer", "data-for", "id"]) {
        const value = el.getAttribute(attr);
        if (value === null) continue;
        const prefix = attr === "id" ? "f" + old : old;
        if (value === prefix || value.startsWith(prefix + "/")) {
          el.setAttribute(attr, (attr === "id" ? "f" + now : now) + value.slice(prefix.length));
        }
      }
    });
    row.setAttribute("data-pointer", now);
    row.querySelector(".rowno").textContent = String(i + 1);
  });
}
function tableClick(event) {
  const button = event.target.closest("button");
  if (!button) return;
  if (button.classList.contains("pick")) { pickDate(button); return; }
  const section = button.closest(".table-field");
  if (button.classList.contains("add-row")) {
    const tbody = section.querySelector(":scope > .scroll > table > tbody");
    const html = section.querySelector(":scope > template").innerHTML;
    const index = tbody.children.length;
    const holder = document.createElement("tbody");
    holder.innerHTML = html;
    const row = holder.firstElementChild;
    row.dataset.row = "__i__";
    tbody.append(row);
    renumber(section);
    const first = row.querySelector("select, input:not([type=hidden]), textarea");
    if (first) first.focus();
    void index;
  } else if (button.closest("tr")) {
    const row = button.closest("tr");
    if (button.classList.contains("remove")) row.remove();
    if (button.classList.contains("up") && row.previousElementSibling) row.previousElementSibling.before(row);
    if (button.classList.contains("down") && row.nextElementSibling) row.nextElementSibling.after(row);
    renumber(section);
  } else {
    return;
  }
  scheduleCheck();
}

if (form) {
  form.addEventListener("change", (event) => {
    if (event.target.classList.contains("picker")) return;  // its value is copied into the date field
    if (event.target.classList.contains("money")) showMoney(event.target, true);
    if (event.target.classList.contains("date")) showDate(event.target, true);
    scheduleCheck();
  });
  form.addEventListener("input", (event) => {
    if (event.target.classList.contains("money")) showMoney(event.target, false);
    if (event.target.classList.contains("date")) showDate(event.target, false);
  });
  form.addEventListener("click", tableClick);
  form.querySelectorAll("input.money").forEach((input) => showMoney(input, false));
  form.querySelectorAll("input.date").forEach((input) => showDate(input, false));
  showFindings(JSON.parse(document.getElementById("initial-findings").textContent));
  if (location.hash) {
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) target.scrollIntoView({block: "center"});
  }
}
const previewButton = document.getElementById("show-preview");
if (previewButton) {
  previewButton.addEventListener("click", () => {
    const section = document.querySelector("section.preview");
    section.hidden = false;
    section.querySelector("iframe").src = previewButton.dataset.src + "?t=" + Date.now();
    section.scrollIntoView();
  });
}
