import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardPage } from '../../src/dashboard/dashboard-page.js';
import { DASHBOARD_CSS } from '../../src/dashboard/dashboard-style.js';

const CLIENT_TS = resolve(import.meta.dirname, '../../src/dashboard/client/dashboard-client.ts');
const sha = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

describe('dashboardPage', () => {
  it('inlines the script and style, and its CSP allows exactly them and the same-origin socket', () => {
    const script = 'console.log("live");';
    const { html, csp } = dashboardPage(script);
    expect(html).toContain(`<script type="module">${script}</script>`);
    expect(html).toContain(`<style>${DASHBOARD_CSS}</style>`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src ${sha(script)}`);
    expect(csp).toContain(`style-src ${sha(DASHBOARD_CSS)}`);
    expect(csp).toContain("connect-src 'self'");
  });

  it('loads nothing from elsewhere: no src/href to another origin, no inline style attributes', () => {
    const { html } = dashboardPage('');
    expect(html).not.toMatch(/\b(src|href)="(?!data:)/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\sstyle="/);
  });

  it('keeps a script that mentions </script> from ending its tag early', () => {
    const script = 'const s = "</script><b>";';
    const { html, csp } = dashboardPage(script);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(csp).toContain(sha('const s = "<\\/script><b>";'));
  });

  it('has every element the browser script looks up by id', () => {
    const ids = [...readFileSync(CLIENT_TS, 'utf8').matchAll(/byId(?:<[^>]+>)?\('([\w-]+)'\)/g)].map(
      (m) => m[1],
    );
    const setTextIds = [...readFileSync(CLIENT_TS, 'utf8').matchAll(/setText\('([\w-]+)'/g)].map((m) => m[1]);
    const all = new Set([...ids, ...setTextIds]);
    expect(all.size).toBeGreaterThan(15);
    const { html } = dashboardPage('');
    for (const id of all) expect(html, id).toContain(`id="${id}"`);
  });
});
