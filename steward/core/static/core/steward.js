// Small behaviours that need no framework: select-all checkboxes and tab state.
document.addEventListener("change", (event) => {
  const box = event.target.closest("[data-select-all]");
  if (!box) return;
  box.closest("table").querySelectorAll("input[name=selected]").forEach((b) => { b.checked = box.checked; });
});
document.addEventListener("click", (event) => {
  const tab = event.target.closest("[role=tab]");
  if (!tab) return;
  tab.parentElement.querySelectorAll("[role=tab]").forEach((t) => t.setAttribute("aria-selected", "false"));
  tab.setAttribute("aria-selected", "true");
});
