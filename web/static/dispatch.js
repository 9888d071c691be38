// Phone intake: find the caller while typing. The search form works without this script.
"use strict";

(() => {
  const input = document.querySelector("input[data-people-search]");
  if (!input) return;
  const list = document.getElementById(input.getAttribute("aria-controls"));
  const endpoint = input.dataset.peopleSearch;
  const category = input.dataset.category || "";
  let timer = null;
  let latest = 0;
  let active = -1;

  function options() {
    return Array.from(list.querySelectorAll("[role=option]"));
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    const items = options();
    if (!items.length) return;
    active = (index + items.length) % items.length;
    items.forEach((item, i) => item.classList.toggle("active", i === active));
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  }

  // Built with textContent only: names and addresses never become markup.
  function line(text, className) {
    const span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    return span;
  }

  function render(results) {
    list.replaceChildren();
    active = -1;
    if (!results.length) {
      const empty = document.createElement("li");
      empty.className = "empty-result";
      empty.textContent = input.dataset.empty;
      list.appendChild(empty);
    }
    results.forEach((person, i) => {
      const item = document.createElement("li");
      item.setAttribute("role", "option");
      item.id = `person-${person.id}`;
      const link = document.createElement("a");
      link.href = person.url;
      link.tabIndex = -1;
      link.appendChild(line(person.full_name, "person-name"));
      const details = [person.department, person.employee_no, person.phone, person.email]
        .filter(Boolean).join(" · ");
      link.appendChild(line(details, "sub"));
      if (person.open_requests) {
        link.appendChild(line(`${input.dataset.openLabel}: ${person.open_requests}`, "badge"));
      }
      item.appendChild(link);
      item.addEventListener("mouseenter", () => highlight(i));
      list.appendChild(item);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  async function search() {
    const text = input.value.trim();
    if (!text) {
      close();
      return;
    }
    const ticket = ++latest;
    const params = new URLSearchParams({ q: text });
    if (category) params.set("category", category);
    try {
      const response = await fetch(`${endpoint}?${params}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok || ticket !== latest) return;
      const data = await response.json();
      if (ticket === latest) render(data.results);
    } catch (err) {
      close(); // the plain search button still works
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 180);
  });

  input.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight(active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.assign(options()[active].querySelector("a").href);
    } else if (event.key === "Escape") {
      close();
    }
  });

  document.addEventListener("click", (event) => {
    if (!event.target.closest(".people-search")) close();
  });
})();
