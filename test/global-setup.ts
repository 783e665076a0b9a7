import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Tests that start workers or the CLI need the compiled JavaScript; `npm test` builds it first. */
export default function setup(): void {
  const root = resolve(import.meta.dirname, '..');
  if (!existsSync(resolve(root, 'dist/src/main/cli.js')))
    execSync('npx tsc -p .', { cwd: root, stdio: 'inherit' });
}
