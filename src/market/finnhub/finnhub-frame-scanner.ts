/**
 * The Finnhub normaliser's fast path: a hand-written scanner for the exact frame shapes Finnhub
 * sends (`{"data":[{"c":..,"p":..,"s":"..","t":..,"v":..}],"type":"trade"}`, `{"type":"ping"}`,
 * any key order and JSON whitespace). It allocates nothing and never judges a frame bad: on
 * anything unexpected it returns BAIL before staging a trade, and JSON.parse decides.
 */
import type { Registry } from '../../core/registry.js';

/** What a frame was: trades, a ping, a server error message, or refused. */
export const FrameKind = { trade: 1, ping: 2, error: 3, rejected: 4 } as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** The scanner's "give up, let JSON.parse decide" signal. */
const BAIL = -1;
// Char codes: " \ , : - . 0 9 { } [ ].
const [QUOTE, BACKSLASH, COMMA, COLON, MINUS, DOT, ZERO, NINE] = [34, 92, 44, 58, 45, 46, 48, 57];
const [LBRACE, RBRACE, LBRACKET, RBRACKET] = [123, 125, 91, 93];
/** Trade keys by char code, as bits of the `seen` mask: s p t v are required, c is optional. */
const KEY_BIT = Uint8Array.from({ length: 128 }, (_, c) => {
  const i = 'sptvc'.indexOf(String.fromCharCode(c));
  return i < 0 ? 0 : 1 << i;
});
const [BIT_S, BIT_P, BIT_T, BIT_C, REQUIRED] = [1, 2, 4, 16, 15];
/** Up to 15 significant digits an integer mantissa is exact and m / 10^f is correctly rounded. */
const MAX_FAST_DIGITS = 15;
const POW10 = Float64Array.from({ length: MAX_FAST_DIGITS + 1 }, (_, i) => 10 ** i);

export class FinnhubFrameScanner {
  /** Trades of the frame scanned, as (symbol id or -1, price, ms, volume); valid after FrameKind.trade. */
  staging = new Float64Array(4 * 64);
  staged = 0;
  // Symbol lookup without allocating: open addressing on a hash of the symbol's char codes.
  private readonly symbolNames: readonly string[];
  private readonly slotIds: Int32Array;
  private readonly slotHashes: Int32Array;
  private readonly slotMask: number;
  // Scanner cursor, and the last plain string it read.
  private src = '';
  private pos = 0;
  private strStart = 0;
  private strHash = 0;

  constructor(registry: Registry) {
    this.symbolNames = registry.symbols;
    let size = 8;
    while (size < registry.symbolCount * 4) size *= 2;
    this.slotMask = size - 1;
    this.slotIds = new Int32Array(size).fill(-1);
    this.slotHashes = new Int32Array(size);
    registry.symbols.forEach((name, id) => {
      let h = 0;
      for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
      let slot = h & this.slotMask;
      while (this.slotIds[slot] !== -1) slot = (slot + 1) & this.slotMask;
      this.slotIds[slot] = id;
      this.slotHashes[slot] = h;
    });
  }

  /**
   * Scans one frame: FrameKind.trade (trades staged), FrameKind.ping, or BAIL when the frame is
   * anything else and JSON.parse must decide.
   */
  scan(frame: string): number {
    const kind = this.scanFrame(frame);
    this.src = '';
    return kind;
  }

  private scanFrame(frame: string): number {
    this.src = frame;
    this.pos = 0;
    this.staged = 0;
    let kind = 0;
    let sawData = false;
    if (!this.expect(LBRACE)) return BAIL;
    for (;;) {
      if (!this.expect(QUOTE)) return BAIL;
      const keyStart = this.pos;
      const end = frame.indexOf('"', keyStart);
      if (end - keyStart !== 4) return BAIL;
      this.pos = end + 1;
      if (!this.expect(COLON)) return BAIL;
      if (frame.startsWith('type', keyStart)) {
        if (kind !== 0) return BAIL;
        kind = this.scanType();
        if (kind === BAIL) return BAIL;
      } else if (frame.startsWith('data', keyStart)) {
        if (sawData || !this.scanTrades()) return BAIL;
        sawData = true;
      } else return BAIL;
      const c = this.next();
      if (c === RBRACE) break;
      if (c !== COMMA) return BAIL;
    }
    this.skipWs();
    if (this.pos !== frame.length) return BAIL;
    if (kind === FrameKind.trade && sawData) return kind;
    if (kind === FrameKind.ping && !sawData) return kind;
    return BAIL;
  }

  private scanType(): number {
    if (!this.expect(QUOTE)) return BAIL;
    const s = this.src;
    const p = this.pos;
    if (s.startsWith('trade"', p)) {
      this.pos = p + 6;
      return FrameKind.trade;
    }
    if (s.startsWith('ping"', p)) {
      this.pos = p + 5;
      return FrameKind.ping;
    }
    return BAIL;
  }

  private scanTrades(): boolean {
    if (!this.expect(LBRACKET)) return false;
    this.skipWs();
    if (this.src.charCodeAt(this.pos) === RBRACKET) {
      this.pos++;
      return true;
    }
    for (;;) {
      if (!this.scanTrade()) return false;
      const c = this.next();
      if (c === RBRACKET) return true;
      if (c !== COMMA) return false;
    }
  }

  private scanTrade(): boolean {
    if (!this.expect(LBRACE)) return false;
    const s = this.src;
    let seen = 0;
    let sym = -1;
    let px = 0;
    let ts = 0;
    let qty = 0;
    for (;;) {
      if (!this.expect(QUOTE)) return false;
      const key = s.charCodeAt(this.pos);
      if (s.charCodeAt(this.pos + 1) !== QUOTE) return false;
      this.pos += 2;
      if (!this.expect(COLON)) return false;
      this.skipWs();
      const bit = key < 128 ? KEY_BIT[key] : 0;
      if (bit === 0 || (seen & bit) !== 0) return false;
      seen |= bit;
      if (bit === BIT_S) {
        sym = this.scanSymbol();
        if (sym === BAIL - 1) return false;
      } else if (bit === BIT_C) {
        if (!this.scanConditions()) return false;
      } else {
        const v = this.scanNumber();
        if (Number.isNaN(v)) return false;
        if (bit === BIT_P) px = v;
        else if (bit === BIT_T) ts = v;
        else qty = v;
      }
      const c = this.next();
      if (c === RBRACE) break;
      if (c !== COMMA) return false;
    }
    if ((seen & REQUIRED) !== REQUIRED) return false;
    this.stage(sym, px, ts, qty);
    return true;
  }

  private stage(sym: number, px: number, ts: number, qty: number): void {
    const i = 4 * this.staged++;
    if (i === this.staging.length) {
      // Rare (more trades in one frame than ever before); the array then stays at the new size.
      const grown = new Float64Array(2 * this.staging.length);
      grown.set(this.staging);
      this.staging = grown;
    }
    const st = this.staging;
    st[i] = sym;
    st[i + 1] = px;
    st[i + 2] = ts;
    st[i + 3] = qty;
  }

  /**
   * Consumes a plain string (no escapes, no control characters: those go to JSON.parse) and
   * leaves its start and hash in `strStart`/`strHash`; false to give up.
   */
  private scanString(): boolean {
    const s = this.src;
    if (s.charCodeAt(this.pos) !== QUOTE) return false;
    const start = ++this.pos;
    let h = 0;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (c === QUOTE) break;
      if (!(c >= 0x20) || c === BACKSLASH) return false; // NaN: the input ended
      h = (Math.imul(h, 31) + c) | 0;
      this.pos++;
    }
    this.strStart = start;
    this.strHash = h;
    this.pos++;
    return true;
  }

  /** A symbol string: its id, -1 when unknown, BAIL - 1 to give up. */
  private scanSymbol(): number {
    if (!this.scanString()) return BAIL - 1;
    const start = this.strStart;
    const len = this.pos - 1 - start;
    const h = this.strHash;
    for (let slot = h & this.slotMask; ; slot = (slot + 1) & this.slotMask) {
      const id = this.slotIds[slot];
      if (id === -1) return -1;
      if (this.slotHashes[slot] === h) {
        const name = this.symbolNames[id];
        if (name.length === len && this.src.startsWith(name, start)) return id;
      }
    }
  }

  /** `null` or an array of plain strings (Finnhub's trade conditions, which ticks do not carry). */
  private scanConditions(): boolean {
    const s = this.src;
    if (s.startsWith('null', this.pos)) {
      this.pos += 4;
      return true;
    }
    if (s.charCodeAt(this.pos) !== LBRACKET) return false;
    this.pos++;
    this.skipWs();
    if (s.charCodeAt(this.pos) === RBRACKET) {
      this.pos++;
      return true;
    }
    for (;;) {
      this.skipWs();
      if (!this.scanString()) return false;
      const c = this.next();
      if (c === RBRACKET) return true;
      if (c !== COMMA) return false;
    }
  }

  /**
   * A JSON number in the exact fast case (no exponent, <= 15 significant digits), else NaN to
   * give up. m / 10^f with both exact is correctly rounded, so this equals JSON.parse's value.
   */
  private scanNumber(): number {
    const s = this.src;
    let p = this.pos;
    let c = s.charCodeAt(p);
    const neg = c === MINUS;
    if (neg) c = s.charCodeAt(++p);
    if (!(c >= ZERO && c <= NINE)) return Number.NaN;
    let m = 0;
    let digits = 0;
    if (c === ZERO) {
      c = s.charCodeAt(++p);
      // JSON forbids leading zeros ("01").
      if (c >= ZERO && c <= NINE) return Number.NaN;
    } else {
      while (c >= ZERO && c <= NINE) {
        m = m * 10 + (c - ZERO);
        digits++;
        c = s.charCodeAt(++p);
      }
    }
    let frac = 0;
    if (c === DOT) {
      c = s.charCodeAt(++p);
      if (!(c >= ZERO && c <= NINE)) return Number.NaN;
      while (c >= ZERO && c <= NINE) {
        m = m * 10 + (c - ZERO);
        frac++;
        c = s.charCodeAt(++p);
      }
    }
    // Exponents and long mantissas are rare here; JSON.parse handles them exactly.
    if (c === 101 || c === 69 || digits + frac > MAX_FAST_DIGITS) return Number.NaN;
    this.pos = p;
    const v = frac === 0 ? m : m / POW10[frac];
    return neg ? -v : v;
  }

  /** Skips whitespace, then consumes `code` if it is next. */
  private expect(code: number): boolean {
    this.skipWs();
    if (this.src.charCodeAt(this.pos) !== code) return false;
    this.pos++;
    return true;
  }

  /** Skips whitespace and returns the next char code, consuming it (NaN at the end). */
  private next(): number {
    this.skipWs();
    return this.src.charCodeAt(this.pos++);
  }

  private skipWs(): void {
    const s = this.src;
    let c = s.charCodeAt(this.pos);
    // JSON whitespace: space, tab, line feed, carriage return.
    while (c === 32 || c === 9 || c === 10 || c === 13) c = s.charCodeAt(++this.pos);
  }
}
