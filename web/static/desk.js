// The work queue: refresh the list every minute (keeping tab, filters, sorting and page),
// and apply a filter as soon as it is chosen. The page works without this script.
"use strict";

(() => {
  const REFRESH_MS = 60 * 1000;
  const results = document.getElementById("queue-results");
  const filters = document.getElementById("queue-filters");

  if (filters) {
    filters.querySelectorAll("select").forEach((select) => {
      select.addEventListener("change", () => filters.requestSubmit());
    });
    // Leave empty filters out of the address, so it stays short enough to read and share.
    filters.addEventListener("submit", () => {
      filters.querySelectorAll("input, select").forEach((field) => {
        if (!field.value) field.disabled = true;
      });
    });
    window.addEventListener("pageshow", () => {
      filters.querySelectorAll(":disabled").forEach((field) => { field.disabled = false; });
    });
  }
  if (!results) return;

  let busy = false;
  async function refresh() {
    if (busy || document.hidden) return;
    busy = true;
    try {
      const url = new URL(results.dataset.refresh, window.location.href);
      url.searchParams.set("partial", "1");
      const response = await fetch(url, {credentials: "same-origin", redirect: "manual"});
      // A signed-out session answers with a redirect: leave the list as it is.
      if (response.ok && response.type !== "opaqueredirect") {
        results.innerHTML = await response.text();
      }
    } catch (error) {
      // Offline for a moment: the next tick tries again.
    } finally {
      busy = false;
    }
  }

  window.setInterval(refresh, REFRESH_MS);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refresh();
  });
})();
