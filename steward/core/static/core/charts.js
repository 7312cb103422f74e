// Renders every <canvas> that has a matching JSON data island "<id>-data".
document.querySelectorAll("canvas[id]").forEach((canvas) => {
  const island = document.getElementById(canvas.id + "-data");
  if (!island || typeof Chart === "undefined") return;
  const spec = JSON.parse(island.textContent);
  new Chart(canvas, {
    type: spec.type || "bar",
    data: { labels: spec.labels, datasets: spec.datasets },
    options: {
      responsive: true,
      plugins: { legend: { display: spec.datasets.length > 1 } },
      scales: spec.stacked ? { x: { stacked: true }, y: { stacked: true } } : undefined,
    },
  });
});
