const f32 = Math.fround;

/**
 * The output size of the Faster R-CNN resize (torchvision `GeneralizedRCNNTransform`): scale so
 * the shorter side becomes `minSize` unless the longer side would exceed `maxSize`. The scale
 * is computed in float32 exactly as PyTorch does, and the size floored, so that sizes match it
 * exactly (e.g. 375x1242 at 800/1333 gives 402x1332, not 402x1333).
 * @returns `{ height, width, scale }` (scale as float32 value).
 * @throws RangeError when a side would become 0 (torchvision refuses those too).
 */
export const fasterRcnnSize = (
  height: number,
  width: number,
  minSize: number,
  maxSize: number,
): { height: number; width: number; scale: number } => {
  const short = Math.min(height, width);
  const long = Math.max(height, width);
  // torchvision computes `min_size / tensor(short)`, which PyTorch evaluates as
  // `reciprocal(short) * min_size` in float32: not the correctly rounded quotient.
  const scale = Math.min(f32(f32(1 / short) * f32(minSize)), f32(f32(1 / long) * f32(maxSize)));
  const h = Math.floor(height * scale);
  const w = Math.floor(width * scale);
  if (h < 1 || w < 1)
    throw new RangeError(`resizing ${height}x${width} by ${scale} gives an empty ${h}x${w} image`);
  return { height: h, width: w, scale };
};
