/**
 * The log-normal law in the simulator's parametrisation (median, log-space sigma), and the same
 * law scaled by a factor plus an independent uniform spike, which is what a venue's latency stack
 * draws (src/market/latency: load x log-normal + spike x U[0.5, 1.5]).
 */

const SQRT2PI = Math.sqrt(2 * Math.PI);

/** Complementary error function (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

export interface LogNormalLaw {
  readonly medianNs: number;
  readonly sigma: number;
}

export function logNormalPdf(law: LogNormalLaw, x: number): number {
  if (!(x > 0)) return 0;
  const z = Math.log(x / law.medianNs) / law.sigma;
  return Math.exp(-0.5 * z * z) / (x * law.sigma * SQRT2PI);
}

export function logNormalCdf(law: LogNormalLaw, x: number): number {
  return x > 0 ? normalCdf(Math.log(x / law.medianNs) / law.sigma) : 0;
}

/** The integral of the CDF from 0 to x: x F(x) - E[Y; Y <= x]. */
function cdfIntegral(law: LogNormalLaw, x: number): number {
  if (!(x > 0)) return 0;
  const s = law.sigma;
  const z = Math.log(x / law.medianNs) / s;
  const partialMean = law.medianNs * Math.exp(0.5 * s * s) * normalCdf(z - s);
  return x * normalCdf(z) - partialMean;
}

/** `scale` x log-normal, plus (with probability `spikeProb`) a spike uniform in [spikeLoNs, spikeHiNs]. */
export interface SpikedLaw {
  readonly body: LogNormalLaw;
  /** The load factor (1 without load); the one field a process updates between samples. */
  scale: number;
  readonly spikeProb: number;
  readonly spikeLoNs: number;
  readonly spikeHiNs: number;
}

export function spikedPdf(l: SpikedLaw, x: number): number {
  const m = l.scale;
  const plain = logNormalPdf(l.body, x / m) / m;
  if (l.spikeProb === 0) return plain;
  const width = l.spikeHiNs - l.spikeLoNs;
  const spiked =
    width > 0
      ? (logNormalCdf(l.body, (x - l.spikeLoNs) / m) - logNormalCdf(l.body, (x - l.spikeHiNs) / m)) / width
      : logNormalPdf(l.body, (x - l.spikeLoNs) / m) / m;
  return (1 - l.spikeProb) * plain + l.spikeProb * spiked;
}

export function spikedCdf(l: SpikedLaw, x: number): number {
  const m = l.scale;
  const plain = logNormalCdf(l.body, x / m);
  if (l.spikeProb === 0) return plain;
  const width = l.spikeHiNs - l.spikeLoNs;
  const spiked =
    width > 0
      ? (m * (cdfIntegral(l.body, (x - l.spikeLoNs) / m) - cdfIntegral(l.body, (x - l.spikeHiNs) / m))) /
        width
      : logNormalCdf(l.body, (x - l.spikeLoNs) / m);
  return (1 - l.spikeProb) * plain + l.spikeProb * spiked;
}
