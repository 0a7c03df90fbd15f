// Progressive enhancement only: every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Small screens: the navigation folds behind a Menu button.
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("main-nav");
  if (toggle && nav) {
    document.body.classList.add("nav-collapsible");
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }

  // Destructive forms ask first (data-confirm holds the translated question).
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // Switch language as soon as a language is chosen; the button stays for no-JS users.
  const switcher = document.querySelector(".language-switcher");
  if (switcher) {
    const select = switcher.querySelector("select");
    const button = switcher.querySelector("button");
    if (button) button.classList.add("visually-hidden");
    if (select) select.addEventListener("change", () => switcher.submit());
  }
});
