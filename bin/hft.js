#!/usr/bin/env node
// Entry point for `npx hft`: runs the compiled CLI (npm install builds it; `npm run build` rebuilds).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/src/main/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('hft: not built yet; run `npm run build` first\n');
  process.exit(1);
}
const { main } = await import(cli.href);
// Exit explicitly: a daemon must not linger on a handle left open by a failed run.
process.exit(await main(process.argv));
