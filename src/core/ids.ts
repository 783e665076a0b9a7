/**
 * Typed ids (NautilusTrader's InstrumentId, here small integers from the registry): a SymbolId
 * cannot be passed where a VenueId is meant. Brands exist only for the type checker; at run time
 * both are plain numbers in records and typed arrays, so they cost nothing.
 */
declare const symbolBrand: unique symbol;
declare const venueBrand: unique symbol;

/** Index of a symbol in the registry (0..symbolCount-1), or -1 for an unknown one. */
export type SymbolId = number & { readonly [symbolBrand]: true };
/** Index of a venue in the registry (0..venueCount-1), or -1 for an unknown one. */
export type VenueId = number & { readonly [venueBrand]: true };

export const asSymbolId = (n: number): SymbolId => n as SymbolId;
export const asVenueId = (n: number): VenueId => n as VenueId;
