// A prepared reply chosen on the appeal's decide page fills the reply box (the reviewer then adapts
// it); an existing reply is never overwritten without asking.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-canned-target]").forEach((box) => {
    const select = box.querySelector("select");
    const target = document.getElementById(box.dataset.cannedTarget);
    if (!select || !target) return;
    select.addEventListener("change", () => {
      if (!select.value) return;
      if (target.value.trim() && target.value !== select.value && !window.confirm(box.dataset.replaceQuestion || "Replace the reply you wrote?")) {
        select.value = "";
        return;
      }
      target.value = select.value;
      target.focus();
    });
  });
});
