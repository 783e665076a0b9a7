/** Venue latency configs for tests: the production mode's, read through the real config resolver. */
import { resolve } from 'node:path';
import type { VenueConfig } from '../../../src/config/config-types.js';
import { resolveConfig } from '../../../src/config/resolve-config.js';

export const ROOT = resolve(import.meta.dirname, '../../..');

export function testVenues(): VenueConfig[] {
  return resolveConfig({ mode: 'production' }, {}, { configDir: resolve(ROOT, 'config'), cwd: ROOT }).market
    .venues;
}
