import { describe, expect, it } from 'vitest';
import {
  logNormalCdf,
  normalCdf,
  type SpikedLaw,
  spikedCdf,
  spikedPdf,
} from '../../../../src/ml/latency/causal-filter/lognormal-law.js';

const body = { medianNs: 250e3, sigma: 0.3 };

describe('log-normal law', () => {
  it('normal CDF at known points', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.2815515655446004)).toBeCloseTo(0.9, 6);
    expect(normalCdf(-2.3263478740408408)).toBeCloseTo(0.01, 6);
  });

  it('the median is the median and exp(sigma z90) x median the p90', () => {
    expect(logNormalCdf(body, 250e3)).toBeCloseTo(0.5, 7);
    expect(logNormalCdf(body, 250e3 * Math.exp(0.3 * 1.2815515655446004))).toBeCloseTo(0.9, 6);
  });

  it('a scaled, spiked law: its CDF is the integral of its density', () => {
    const law: SpikedLaw = { body, scale: 1.7, spikeProb: 0.3, spikeLoNs: 1.5e6, spikeHiNs: 4.5e6 };
    let integral = 0;
    const step = 500;
    for (let x = step / 2; x < 8e6; x += step) {
      integral += spikedPdf(law, x) * step;
      if (Math.abs(x - 2e6 - step / 2) < step / 2) expect(integral).toBeCloseTo(spikedCdf(law, 2e6), 4);
    }
    expect(integral).toBeCloseTo(1, 4);
    expect(spikedCdf(law, 1e9)).toBeCloseTo(1, 9);
    // Below the spikes only the body's share is reachable: 1 - 0.3 at most.
    expect(spikedCdf(law, 1.4e6)).toBeCloseTo(0.7, 4);
  });
});
