/**
 * How a batch of `batchSize` images is split over `replicas` data-parallel replicas: contiguous
 * slices, the first `batchSize mod replicas` one image larger (8 over 2 → 4 + 4; 8 over 3 →
 * 3 + 3 + 2). Each replica's mean losses then weigh equally in the average, as in PyTorch DDP.
 */
export function replicaSizes(batchSize: number, replicas: number): number[] {
  if (!(Number.isInteger(replicas) && replicas >= 1 && replicas <= batchSize))
    throw new RangeError(`replicas ${replicas}; expected an integer in [1, ${batchSize}]`);
  const base = Math.floor(batchSize / replicas);
  const larger = batchSize % replicas;
  return Array.from({ length: replicas }, (_, r) => base + (r < larger ? 1 : 0));
}

/** `items` cut into consecutive slices of the given sizes. */
export function sliceBy<T>(items: readonly T[], sizes: readonly number[]): T[][] {
  let at = 0;
  return sizes.map((n) => {
    const slice = items.slice(at, at + n);
    at += n;
    return slice;
  });
}
