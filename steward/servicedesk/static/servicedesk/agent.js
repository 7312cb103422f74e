// Agent pages: a check-list filter or an action pop-up closes on a click outside or Escape.
(() => {
  const openPops = () => document.querySelectorAll("details.check-dropdown[open], details.action-pop[open]");
  document.addEventListener("click", (event) => {
    openPops().forEach((d) => { if (!d.contains(event.target)) d.removeAttribute("open"); });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") openPops().forEach((d) => d.removeAttribute("open"));
  });
})();

// A check-list filter's summary names what is ticked (the table alone is swapped by HTMX).
document.addEventListener("change", (event) => {
  const list = event.target.closest("details.check-dropdown");
  if (!list) return;
  const summary = list.querySelector("summary");
  summary.querySelectorAll(".chosen").forEach((s) => s.remove());
  const any = summary.querySelector(".any");
  list.querySelectorAll("input[type=checkbox]:checked").forEach((box) => {
    const chosen = document.createElement("span");
    chosen.className = "chosen";
    chosen.textContent = box.closest("label").textContent.trim();
    summary.insertBefore(chosen, any);
  });
});
