import { describe, expect, it } from 'vitest';
import { asSymbolId, asVenueId, type SymbolId, type VenueId } from '../../src/core/ids.js';
import { Registry } from '../../src/core/registry.js';
import { OrderCodec } from '../../src/shm/records.js';

describe('typed ids', () => {
  const registry = new Registry({ symbols: ['AAPL', 'MSFT'], venues: ['NYSE-SIM', 'BATS-SIM', 'IEX-SIM'] });

  it('are the registry indexes at run time (-1 for an unknown name)', () => {
    expect(registry.symbolId('MSFT')).toBe(1);
    expect(registry.venueId('IEX-SIM')).toBe(2);
    expect(registry.symbolId('TSLA')).toBe(-1);
    const order = OrderCodec.create();
    order.symbolId = registry.symbolId('MSFT');
    order.venueId = registry.venueId('BATS-SIM');
    expect([order.symbolId, order.venueId]).toEqual([1, 1]);
    expect(typeof asSymbolId(3)).toBe('number');
  });

  it('cannot be mixed up (checked by tsc over the tests: npm run typecheck)', () => {
    const venue: VenueId = registry.venueId('NYSE-SIM');
    const order = OrderCodec.create();
    // @ts-expect-error a venue id is not a symbol id
    const symbol: SymbolId = venue;
    // @ts-expect-error a record's venueId takes a VenueId, not a bare number
    order.venueId = 2;
    order.venueId = asVenueId(2);
    expect([symbol, order.venueId]).toEqual([0, 2]);
  });
});
