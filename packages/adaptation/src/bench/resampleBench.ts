// Benchmark: hint adaptation for a low-res student (conv1x1 256→512 + bilinear ×2), value+grad.
// Run: pnpm --filter @kd/adaptation bench  (node dist/bench/resampleBench.js)
import { initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { resample } from '../resample.js';

async function run(backend: 'wasm' | 'cpu'): Promise<void> {
  await initBackend({ backend });
  const x = tf.randomNormal([2, 19, 25, 512], 0, 1, 'float32', 1) as tf.Tensor4D;
  const g = tf.randomNormal([2, 38, 50, 512], 0, 1, 'float32', 2);
  const time = (name: string, f: () => tf.Tensor) => {
    tf.dispose(f());
    const ts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const y = f();
      y.dataSync();
      ts.push(performance.now() - t0);
      y.dispose();
    }
    ts.sort((a, b) => a - b);
    console.log(`${backend}: ${name}: median ${ts[2]!.toFixed(1)} ms`);
  };
  time('resample bilinear [2,19,25,512]→[38,50] forward', () => resample(x, 38, 50, 'bilinear'));
  time('resample bilinear forward+backward', () =>
    tf.grad((a: tf.Tensor) => tf.sum(tf.mul(resample(a as tf.Tensor4D, 38, 50, 'bilinear'), g)))(x),
  );
  time('tf.image.resizeBilinear forward (reference)', () =>
    tf.image.resizeBilinear(x, [38, 50], false, true),
  );
  tf.dispose([x, g]);
}

for (const b of ['wasm', 'cpu'] as const) await run(b);
