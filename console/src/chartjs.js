// Chart.js with only what the health view's bar charts use registered: named imports, so that
// the build leaves the rest of Chart.js out. Imported only by charts.js, on first use.
import { Chart, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export { Chart };
