// Routing rules: choosing a condition's field re-draws the form with that field's values.
"use strict";

document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-refresh]");
  if (!select) return;
  const refresh = select.form.querySelector('button[name="action"][value="refresh"]');
  if (refresh) refresh.click();
});
