/** Shortest exact decimal text of a number, integers without a fraction (`12`, `12.5`). */
export const formatNumber = (x: number): string => (Object.is(x, -0) ? '0' : String(x));

/** Fixed two decimals, as the KITTI devkit writes labels. */
export const fixed2 = (x: number): string => x.toFixed(2);
