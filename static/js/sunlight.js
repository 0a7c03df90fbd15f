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

document.addEventListener("DOMContentLoaded", () => {
  // Uploads show their progress; without this script the form posts normally.
  document.querySelectorAll("form.upload-form").forEach((form) => {
    form.addEventListener("submit", (event) => {
      const bar = form.querySelector(".upload-progress");
      if (!bar || !window.XMLHttpRequest || !window.FormData) return;
      event.preventDefault();
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      bar.hidden = false;
      xhr.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      });
      xhr.addEventListener("load", () => {
        if (xhr.status < 400) {
          window.location.assign(xhr.responseURL);
        } else {
          document.open();
          document.write(xhr.responseText);
          document.close();
        }
      });
      xhr.addEventListener("error", () => form.submit());
      form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
      xhr.send(new FormData(form));
    });
  });

  // Edits not saved yet are never lost silently: leaving the page asks first, publishing asks first,
  // and the scan check does not reload the page over them.
  const tracked = Array.from(document.querySelectorAll("form[data-track-changes]"));
  const dirty = new Set();
  let submitting = null;
  tracked.forEach((form) => {
    const mark = () => dirty.add(form);
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", () => { submitting = form; });
  });
  const unsaved = () => Array.from(dirty).some((form) => form !== submitting);
  window.addEventListener("beforeunload", (event) => {
    if (unsaved()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  document.querySelectorAll("form[data-unsaved-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;  // its own data-confirm question was answered "cancel"
      if (dirty.size && !window.confirm(form.dataset.unsavedConfirm)) {
        event.preventDefault();
        return;
      }
      dirty.clear();  // the creator chose to go on without them
    });
  });

  // While uploads are being checked for provenance signals, ask until they are done.
  const pending = document.querySelector("[data-scan-pending]");
  if (pending) {
    const url = pending.dataset.statusUrl;
    const poll = () => {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((r) => r.json())
        .then((data) => {
          if (data.pending !== 0) window.setTimeout(poll, 2000);
          else if (dirty.size) pending.textContent = pending.dataset.doneUnsaved;
          else window.location.reload();
        })
        .catch(() => window.setTimeout(poll, 5000));
    };
    window.setTimeout(poll, 1500);
  }

  // While the video is processed (on the media queue), show its progress; reload when it is done or
  // failed, so the player or the reason appears (unless the creator has unsaved changes on the page).
  const video = document.querySelector("[data-video-status-url]");
  if (video && (video.dataset.videoState === "waiting" || video.dataset.videoState === "processing")) {
    const bar = video.querySelector("progress");
    const percent = video.querySelector("[data-video-percent]");
    const text = video.querySelector("[data-video-status-text]");
    const poll = () => {
      fetch(video.dataset.videoStatusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((r) => {
          if (r.status === 404 || r.redirected) return null;  // removed, or signed out: stop asking
          return r.json();
        })
        .then((data) => {
          if (data === null) return;
          if (bar) bar.value = data.progress;
          if (percent) percent.textContent = data.progress + "%";
          if (text) text.textContent = data.status_display;
          if (data.status === "waiting" || data.status === "processing") window.setTimeout(poll, 2000);
          else if (!dirty.size) window.location.reload();
        })
        .catch(() => window.setTimeout(poll, 5000));
    };
    window.setTimeout(poll, 1500);
  }
});

// "Apply to all images": one answer copied to every image's row of the declaration (the creator
// still saves the form; nothing is sent by this).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-apply-all]").forEach((control) => {
    control.hidden = false;
    const form = control.closest("form");
    control.querySelectorAll("button[data-degree]").forEach((button) => {
      button.addEventListener("click", () => {
        form.querySelectorAll(`input[type=radio][name^="image_"][value="${button.dataset.degree}"]`).forEach((radio) => {
          radio.checked = true;
          radio.dispatchEvent(new Event("change", { bubbles: true }));
        });
      });
    });
  });
});

// A link to a label ("/notes/<id>/#label-confirmed", from a feed card) opens its "Why this label?"
// and keeps it in view below the sticky header (scroll-margin-top in the stylesheet).
(() => {
  const openTarget = () => {
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    const target = document.getElementById(id);
    if (!target) return;
    const details = target.tagName === "DETAILS" ? target : target.closest("details");
    if (details && !details.open) details.open = true;
    target.scrollIntoView({ block: "start" });
  };
  document.addEventListener("DOMContentLoaded", openTarget);
  window.addEventListener("hashchange", openTarget);
})();

// A field with data-counter shows how many characters it holds against its limit, and says when it
// is over (the server refuses it then; nothing is cut).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-counter]").forEach((field) => {
    const limit = Number(field.dataset.counter);
    const counter = document.createElement("span");
    counter.className = "char-counter";
    counter.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    const update = () => {
      const length = [...field.value].length;
      counter.textContent = `${length} / ${limit}`;
      counter.classList.toggle("over", length > limit);
      field.setAttribute("aria-invalid", length > limit ? "true" : "false");
    };
    field.addEventListener("input", update);
    update();
  });
});
