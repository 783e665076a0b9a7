/** Venue latency configs for tests: the production mode's, read through the real config resolver. */
import { resolve } from 'node:path';
import { resolveConfig } from '../../../src/main/config.js';
import type { VenueConfig } from '../../../src/main/config-types.js';

export const ROOT = resolve(import.meta.dirname, '../../..');

export function testVenues(): VenueConfig[] {
  return resolveConfig({ mode: 'production' }, {}, { configDir: resolve(ROOT, 'config'), cwd: ROOT }).market
    .venues;
}
