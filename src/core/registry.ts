/**
 * Symbols and venues as small integer ids (docs/architecture.md principle 2). Main builds the registry once
 * from config and hands the plain arrays to every worker.
 */
import { asSymbolId, asVenueId, type SymbolId, type VenueId } from './ids.js';

export interface RegistryData {
  readonly symbols: readonly string[];
  readonly venues: readonly string[];
}

export class Registry {
  readonly symbols: readonly string[];
  readonly venues: readonly string[];
  private readonly symbolIds: Map<string, number>;
  private readonly venueIds: Map<string, number>;

  constructor(data: RegistryData) {
    if (data.symbols.length === 0) throw new Error('registry: no symbols');
    if (data.venues.length === 0) throw new Error('registry: no venues');
    this.symbols = [...data.symbols];
    this.venues = [...data.venues];
    this.symbolIds = new Map(this.symbols.map((s, i) => [s, i]));
    this.venueIds = new Map(this.venues.map((v, i) => [v, i]));
    if (this.symbolIds.size !== this.symbols.length) throw new Error('registry: duplicate symbol');
    if (this.venueIds.size !== this.venues.length) throw new Error('registry: duplicate venue');
  }

  get symbolCount(): number {
    return this.symbols.length;
  }

  get venueCount(): number {
    return this.venues.length;
  }

  /** Id of a symbol, or -1 when unknown (callers count the rejection). */
  symbolId(name: string): SymbolId {
    return asSymbolId(this.symbolIds.get(name) ?? -1);
  }

  venueId(name: string): VenueId {
    return asVenueId(this.venueIds.get(name) ?? -1);
  }

  toData(): RegistryData {
    return { symbols: this.symbols, venues: this.venues };
  }
}
