// A request form answered 400 carries its field errors: show them instead of dropping the
// answer (htmx swaps only 2xx answers by default).
document.addEventListener("htmx:beforeSwap", (event) => {
  const source = event.detail.elt;
  if (event.detail.xhr.status === 400 && source && source.closest("[data-swap-errors]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
