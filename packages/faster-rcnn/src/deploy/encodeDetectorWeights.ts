import type * as tf from '@tensorflow/tfjs-core';
import type { WeightQuantization } from './detectorManifest.js';
import { float16Bits } from './float16.js';

/** One weight's host values, as read from the model. */
export interface HostWeight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/**
 * Affine uint8 range of tfjs-converter (`quantization.py`): the range is widened to contain 0
 * and the zero point nudged to an integer so that 0 is exactly representable.
 */
function uint8Range(values: Float32Array): { scale: number; min: number } {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi === lo) return { scale: 1, min: 0 };
  const scale = (hi - lo) / 255;
  const zero = Math.min(255, Math.max(0, Math.round(-lo / scale)));
  return { scale, min: -zero * scale };
}

/**
 * Encodes float32 weights in the TensorFlow.js weights format, optionally quantised per tensor
 * in the standard manifest form (`quantization: {dtype: 'float16'}` or `{dtype: 'uint8', scale,
 * min}`), which `tf.io.decodeWeights` (and so every tfjs loader) dequantises on load.
 *
 * @returns the concatenated weight bytes and the manifest entries, in `weights` order.
 */
export function encodeDetectorWeights(
  weights: readonly HostWeight[],
  quantization: WeightQuantization,
): { data: ArrayBuffer; specs: tf.io.WeightsManifestEntry[] } {
  const parts: Uint8Array[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const w of weights) {
    const shape = [...w.shape];
    if (quantization === 'none') {
      parts.push(
        new Uint8Array(
          w.values.buffer.slice(w.values.byteOffset, w.values.byteOffset + w.values.byteLength),
        ),
      );
      specs.push({ name: w.name, shape, dtype: 'float32' });
    } else if (quantization === 'float16') {
      const bits = Uint16Array.from(w.values, float16Bits);
      parts.push(new Uint8Array(bits.buffer));
      specs.push({ name: w.name, shape, dtype: 'float32', quantization: { dtype: 'float16' } });
    } else {
      const { scale, min } = uint8Range(w.values);
      const max = 255 * scale + min;
      const q = Uint8Array.from(w.values, (v) =>
        Math.round((Math.min(Math.max(v, min), max) - min) / scale),
      );
      parts.push(q);
      specs.push({
        name: w.name,
        shape,
        dtype: 'float32',
        quantization: { dtype: 'uint8', scale, min },
      });
    }
  }
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.byteLength;
  }
  return { data: data.buffer, specs };
}
