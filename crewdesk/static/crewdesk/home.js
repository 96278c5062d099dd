// The home page's week at a glance: jobs per day, stacked by status (data from json_script).
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("week-chart");
  const source = document.getElementById("week-chart-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  // The status badges' colours (jobs.models.STATUS_BADGES).
  const colours = {
    pending: "#6c757d",
    on_the_way: "#0dcaf0",
    started: "#0d6efd",
    finished: "#198754",
  };
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.series.map((s) => ({
        label: s.label,
        data: s.data,
        backgroundColor: colours[s.status] || "#adb5bd",
      })),
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
});
