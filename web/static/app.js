// Small enhancements; every page works without them.
"use strict";

document.addEventListener("click", (event) => {
  const add = event.target.closest(".add-row");
  if (add) {
    // Copy the last line of a line-item table, renumber its inputs and clear them.
    const table = document.querySelector(`table[data-rows="${add.dataset.target}"] tbody`);
    const rows = table.querySelectorAll("tr");
    const last = rows[rows.length - 1];
    const copy = last.cloneNode(true);
    const index = rows.length;
    copy.querySelectorAll("input, select, textarea").forEach((input) => {
      input.name = input.name.replace(/-(\d+)-/, `-${index}-`);
      input.id = input.name;
      if (input.type === "checkbox") input.checked = false; else input.value = "";
    });
    copy.querySelectorAll(".error").forEach((e) => e.remove());
    copy.querySelectorAll(".has-error").forEach((e) => e.classList.remove("has-error"));
    table.appendChild(copy);
    copy.querySelector("input, select, textarea")?.focus();
    return;
  }
  const remove = event.target.closest(".remove-row");
  if (remove) {
    const tbody = remove.closest("tbody");
    const row = remove.closest("tr");
    if (tbody.querySelectorAll("tr").length > 1) row.remove();
    else row.querySelectorAll("input, select, textarea").forEach((i) => { i.value = ""; });
  }
});

// Inputs that only apply to some kinds of request ("show_when" in the category schema):
// hide them while the controlling field has another value. Hidden inputs stay in the form;
// the server ignores what does not apply.
function applyShowWhen(form) {
  form.querySelectorAll("[data-show-when]").forEach((box) => {
    const rules = JSON.parse(box.dataset.showWhen);
    const prefix = box.dataset.prefix || "";
    const visible = Object.entries(rules).every(([name, values]) => {
      const control = form.querySelector(`[name="${prefix}${name}"]`);
      return !control || values.includes(control.value);
    });
    box.hidden = !visible;
  });
}

document.querySelectorAll("form").forEach((form) => {
  if (!form.querySelector("[data-show-when]")) return;
  applyShowWhen(form);
  form.addEventListener("change", () => applyShowWhen(form));
});

// Folded panels whose content is worked out only when someone opens them
// (<details data-fragment="URL">): fetched once, on the first opening.
document.addEventListener("toggle", (event) => {
  const panel = event.target;
  if (!(panel instanceof HTMLDetailsElement) || !panel.open || !panel.dataset.fragment) return;
  const body = panel.querySelector(".fragment-body");
  if (!body || body.dataset.loaded) return;
  body.dataset.loaded = "1";
  fetch(panel.dataset.fragment, { credentials: "same-origin" })
    .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
    .then((html) => { body.innerHTML = html; })
    .catch(() => { delete body.dataset.loaded; });
}, true);
