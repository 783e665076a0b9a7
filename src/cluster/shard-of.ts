/**
 * Which shard trades a symbol: FNV-1a (32-bit) of the symbol, modulo the shard count. Every
 * daemon computes the same split from the symbol list alone, with no coordination.
 */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** `I/K` -> { index: I, count: K }; the config schema has checked 0 <= I < K. */
export function parseShard(text: string): Shard {
  const [index, count] = text.split('/').map(Number);
  return { index, count };
}

export function shardOf(symbol: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < symbol.length; i++) {
    h ^= symbol.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % count;
}

/**
 * The shard's name in the cluster's keys and subjects, `I-of-K`: shard 0 of 2 and shard 0 of 3
 * trade different symbols, so they hold different leases and write different journals.
 */
export function shardKey(shard: Shard): string {
  return `${shard.index}-of-${shard.count}`;
}

/** The symbols of `symbols` that shard `shard` trades, in their order. */
export function shardSymbols(symbols: readonly string[], shard: Shard): string[] {
  return symbols.filter((s) => shardOf(s, shard.count) === shard.index);
}
