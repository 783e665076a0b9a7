/**
 * The browser script of the live dashboard: `client/dashboard-client.ts`, compiled by `tsc` with
 * the daemon, read once at start-up to be inlined into the page.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CLIENT_JS = new URL('./client/dashboard-client.js', import.meta.url);

export function loadDashboardClientScript(): string {
  let js: string;
  try {
    js = readFileSync(CLIENT_JS, 'utf8');
  } catch (err) {
    throw new Error(
      `dashboard script ${fileURLToPath(CLIENT_JS)} is missing (run \`npm run build\`): ${(err as Error).message}`,
    );
  }
  // The source map sits next to the file, not next to the page.
  return js.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
}
