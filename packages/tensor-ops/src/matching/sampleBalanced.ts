import { mulberry32, type Rng, sampleWithoutReplacement } from '@kd/random';

export interface SampleBalancedOptions {
  /** Total samples per image (e.g. 256 anchors, 512 RoIs). */
  readonly batchSizePerImage: number;
  /** Wanted fraction of positives (e.g. 0.5 for the RPN, 0.25 for the RoI head). */
  readonly positiveFraction: number;
  /** Seed of a fresh generator; or pass `rng` to continue a stream. One of them is required. */
  readonly seed?: number;
  readonly rng?: Rng;
}

export interface BalancedSample {
  /** Sampled positive indices (label >= 1), increasing. */
  readonly positive: Int32Array;
  /** Sampled negative indices (label == 0), increasing. */
  readonly negative: Int32Array;
}

/**
 * torchvision `BalancedPositiveNegativeSampler` for one image, with explicit seeded randomness:
 * takes up to `floor(batchSizePerImage * positiveFraction)` positives, fills the rest of the
 * batch with negatives when there are enough, each drawn uniformly without replacement.
 *
 * @param labels `[M]` per anchor/proposal: `>= 1` positive, `0` negative, `< 0` ignored.
 */
export function sampleBalanced(
  labels: ArrayLike<number>,
  options: SampleBalancedOptions,
): BalancedSample {
  const rng = options.rng ?? (options.seed !== undefined ? mulberry32(options.seed) : undefined);
  if (!rng)
    throw new Error('sampleBalanced: pass a seed or an rng (randomness is always explicit)');
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l >= 1) pos.push(i);
    else if (l === 0) neg.push(i);
  }
  const numPos = Math.min(
    pos.length,
    Math.floor(options.batchSizePerImage * options.positiveFraction),
  );
  const numNeg = Math.min(neg.length, options.batchSizePerImage - numPos);
  const p = sampleWithoutReplacement(Int32Array.from(pos), numPos, rng).sort();
  const n = sampleWithoutReplacement(Int32Array.from(neg), numNeg, rng).sort();
  return { positive: p, negative: n };
}
