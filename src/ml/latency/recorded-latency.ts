/**
 * Latency samples from a run's recording (`record.hftrec`): order->ack round trips and probes,
 * per venue. Decision samples (our own processing time) and feed delays are not venue round trips.
 */

import { FrameKind } from '../../market/recording/recording-format.js';
import { RecordingReader } from '../../market/recording/recording-reader.js';
import { LatencyKind, LatencySampleCodec, TickCodec } from '../../shm/records.js';
import { type LatencySamples, seriesFrom } from './latency-series.js';

export function readRecordedLatency(path: string): LatencySamples {
  const reader = new RecordingReader(path);
  try {
    const venues = reader.header.registry.venues;
    const cols = venues.map(() => ({ ts: [] as number[], latency: [] as number[], qty: [] as number[] }));
    const tick = TickCodec.create();
    const sample = LatencySampleCodec.create();
    for (let kind = reader.next(tick, sample); kind !== 0; kind = reader.next(tick, sample)) {
      if (kind !== FrameKind.latencySample) continue;
      if (sample.kind !== LatencyKind.orderAck && sample.kind !== LatencyKind.probe) continue;
      const c = cols[sample.venueId];
      if (!c) continue;
      c.ts.push(sample.tsNs);
      c.latency.push(sample.latencyNs);
      c.qty.push(sample.orderQty);
    }
    const series = venues
      .map((venue, v) => seriesFrom(venue, cols[v].ts, cols[v].latency, cols[v].qty))
      .filter((s) => s.tsNs.length > 0);
    // Stamps count from the run's epoch, taken when the recording started.
    const wallOffsetNs = Date.parse(reader.header.created_utc) * 1e6;
    return { series, wallOffsetNs: Number.isFinite(wallOffsetNs) ? wallOffsetNs : 0, origin: path };
  } finally {
    reader.close();
  }
}
