/** The live dashboard as the HTTP server serves it: the page for `GET /` and the snapshots for `/ws`. */
import { loadDashboardClientScript } from './dashboard-client-script.js';
import { type DashboardPage, dashboardPage } from './dashboard-page.js';
import { type DashboardSnapshot, DashboardSnapshotter, type DashboardSources } from './dashboard-snapshot.js';

export interface LiveDashboard {
  page: DashboardPage;
  snapshot: () => DashboardSnapshot;
}

export function createLiveDashboard(sources: DashboardSources): LiveDashboard {
  const snapshotter = new DashboardSnapshotter(sources);
  return { page: dashboardPage(loadDashboardClientScript()), snapshot: () => snapshotter.snapshot() };
}
