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
