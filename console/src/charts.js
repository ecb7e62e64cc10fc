// Bar charts drawn with Chart.js, loaded on first use (a chunk of its own, like Cytoscape), so
// that only the admin's health view downloads it.


// Colour-blind-safe (Okabe–Ito), each with a 3:1 contrast on white at least.
export const COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#8a6d00', '#56b4e9', '#555555'];

/**
 * Draws a bar chart on canvas: labels along one axis, one bar series per dataset
 * ({ label, data }), stacked when asked, horizontal when asked. Resolves to the chart; its
 * destroy() frees the canvas.
 */
export async function barChart(canvas, { labels, datasets, stacked = false, horizontal = false }) {
  const { Chart } = await import('./chartjs.js');
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: datasets.map((d, i) => ({ ...d, backgroundColor: d.color || COLORS[i % COLORS.length] })),
    },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      // The page shows the numbers in a table too; the animation only delays them.
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { stacked, ticks: horizontal ? { precision: 0 } : {} },
        y: { stacked, beginAtZero: true, ticks: horizontal ? {} : { precision: 0 } },
      },
      plugins: { legend: { display: datasets.length > 1, position: 'bottom' } },
    },
  });
}
