/**
 * MurmurHash3's 32-bit finaliser: an avalanching bijection of unsigned 32-bit integers. It seeds
 * `sfc32` (through splitmix32) and makes `hashBit`.
 */
export const fmix32 = (x: number): number => {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
};
