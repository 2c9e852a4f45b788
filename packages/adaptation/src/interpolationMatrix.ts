/**
 * How one spatial axis of size `inSize` is mapped onto `outSize` cells:
 * - `'bilinear'`: linear interpolation, half-pixel centres, edge-clamped (PyTorch
 *   `F.interpolate(mode='bilinear', align_corners=False)`, TF `resizeBilinear(halfPixelCenters)`);
 * - `'nearest'`: PyTorch `F.interpolate(mode='nearest')`: source `floor(i · in/out)`;
 * - `'area'`: average over the source cells `[floor(i·in/out), ceil((i+1)·in/out))`
 *   (PyTorch `F.adaptive_avg_pool2d`);
 * - `'stride'`: every k-th cell, `k = in/out` an integer (PyTorch `x[..., ::k]`);
 * - `'pad'`: top/left aligned copy, zero-padded or cropped at the far end (`F.pad` / slicing).
 */
export type AxisResampling = 'bilinear' | 'nearest' | 'area' | 'stride' | 'pad';

/**
 * The `[outSize, inSize]` matrix A with `out = A · in` along one axis, as row-major numbers.
 * Every resampling above is linear and separable, so a 2-D resize is `A_h · X · A_wᵀ`, whose
 * gradient `A_hᵀ · dY · A_w` tfjs derives from `matMul` correctly on every backend (unlike
 * tfjs-backend-cpu's `ResizeBilinearGrad`, wrong for non-square maps).
 */
export function interpolationMatrix(
  outSize: number,
  inSize: number,
  mode: AxisResampling,
): Float32Array {
  if (!(Number.isInteger(outSize) && outSize > 0 && Number.isInteger(inSize) && inSize > 0)) {
    throw new Error(
      `interpolationMatrix: sizes must be positive integers, got ${outSize}, ${inSize}`,
    );
  }
  const a = new Float32Array(outSize * inSize);
  const scale = inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    const row = i * inSize;
    switch (mode) {
      case 'bilinear': {
        const src = Math.max(0, (i + 0.5) * scale - 0.5);
        const i0 = Math.min(Math.floor(src), inSize - 1);
        const i1 = Math.min(i0 + 1, inSize - 1);
        const w1 = src - i0;
        a[row + i0]! += 1 - w1;
        a[row + i1]! += w1;
        break;
      }
      case 'nearest':
        a[row + Math.min(Math.floor(i * scale), inSize - 1)] = 1;
        break;
      case 'area': {
        const start = Math.floor((i * inSize) / outSize);
        const end = Math.ceil(((i + 1) * inSize) / outSize);
        for (let j = start; j < end; j++) a[row + j] = 1 / (end - start);
        break;
      }
      case 'stride': {
        if (inSize % outSize !== 0) {
          throw new Error(`stride resampling needs an integer ratio, got ${inSize} → ${outSize}`);
        }
        a[row + i * (inSize / outSize)] = 1;
        break;
      }
      case 'pad':
        if (i < inSize) a[row + i] = 1;
        break;
    }
  }
  return a;
}
