import * as tf from '@tensorflow/tfjs-core';
import { withTensors } from '../backend/registerTrainingKernels.js';

interface CpuBackendLike {
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  makeTensorInfo(
    shape: number[],
    dtype: tf.DataType,
    values: tf.backend_util.BackendValues,
  ): tf.TensorInfo;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.backend_util.TypedArray;
}

interface TensorflowBackendLike {
  readonly binding: { readonly TF_ATTR_TYPE: number; readonly TF_FLOAT: number };
  executeSingleOutput(
    name: string,
    attrs: readonly { name: string; type: number; value: unknown }[],
    inputs: readonly tf.TensorInfo[],
  ): tf.TensorInfo;
}

/**
 * An activation whose gradient is `dy` where a mask of `x` holds, else 0 (ReLU, ReLU6), run as
 * the backend's own forward kernel under kd's name with kd's one-kernel gradient.
 */
export interface MaskedActivation {
  /** tfjs's forward kernel whose config kd re-registers under {@link kernelName} ('Relu'). */
  readonly forward: string;
  /** kd's forward kernel ('KdRelu'). */
  readonly kernelName: string;
  /** kd's gradient kernel, inputs `dy` and `x` ('KdReluGrad'). */
  readonly gradKernelName: string;
  /** TensorFlow's op for the gradient, inputs `gradients` and `features` ('ReluGrad'). */
  readonly tensorflowOp: string;
  /**
   * The gradient over whole arrays, on the bits of the float32 arrays: `out[i]` is `dy[i]` where
   * the mask of `x[i]` holds, else +0. Written without a branch per element: on a map of mixed
   * signs the CPU mispredicts a branch half the time.
   */
  readonly loop: (dy: Int32Array, x: Float32Array, out: Int32Array) => void;
  /**
   * The same gradient from public ops, for backends kd has no kernel for (webgl, webgpu …): a
   * select rather than tfjs's products, so that it gives the loops' values (+0, not `dy · 0`).
   */
  readonly composite: (dy: tf.Tensor, x: tf.Tensor) => tf.Tensor;
  /**
   * Backends on which tfjs-core's own gradient of `forward` (the function tfjs registered, run
   * inside the kernel) was measured faster than `loop`: there the kernel computes tfjs-core's
   * values, signed zeros and NaNs included.
   */
  readonly tfjsGradientOn?: readonly string[];
}

const bits = (a: tf.backend_util.BackendValues): Int32Array => {
  const f = a as Float32Array;
  return new Int32Array(f.buffer, f.byteOffset, f.length);
};

function float32Inputs(
  a: MaskedActivation,
  inputs: tf.NamedTensorInfoMap,
): { dy: tf.TensorInfo; x: tf.TensorInfo } {
  const { dy, x } = inputs;
  const name = a.gradKernelName;
  if (dy === undefined || x === undefined) throw new Error(`${name}: needs inputs 'dy' and 'x'`);
  if (dy.dtype !== 'float32' || x.dtype !== 'float32')
    throw new Error(`${name}: expected float32 dy and x, got ${dy.dtype} and ${x.dtype}`);
  if (!tf.util.arraysEqual(dy.shape, x.shape))
    throw new Error(`${name}: dy [${dy.shape}] and x [${x.shape}] differ in shape`);
  return { dy, x };
}

/**
 * `a`'s gradient kernel by backend: TensorFlow's own op on `tensorflow` (one op where tfjs-core's
 * gradients run several: tfjs-node's `Step` alone is six), `a.loop` over the backend's memory on
 * `cpu` and `wasm`. Other backends get {@link maskedGradCompositeKernel}; backends in
 * `a.tfjsGradientOn` tfjs-core's gradient (chosen by {@link registerMaskedActivation}).
 */
export function maskedGradKernels(a: MaskedActivation): Readonly<Record<string, tf.KernelFunc>> {
  return {
    tensorflow: ({ inputs, backend }) => {
      const { dy, x } = float32Inputs(a, inputs);
      const b = backend as unknown as TensorflowBackendLike;
      return b.executeSingleOutput(
        a.tensorflowOp,
        [{ name: 'T', type: b.binding.TF_ATTR_TYPE, value: b.binding.TF_FLOAT }],
        [dy, x],
      );
    },
    cpu: ({ inputs, backend }) => {
      const { dy, x } = float32Inputs(a, inputs);
      const b = backend as unknown as CpuBackendLike;
      const out = new Float32Array(tf.util.sizeFromShape(x.shape));
      a.loop(bits(b.readSync(dy.dataId)), b.readSync(x.dataId) as Float32Array, bits(out));
      return b.makeTensorInfo(x.shape, 'float32', out);
    },
    // One pass over the wasm heap from JavaScript: faster than tfjs-core's wasm kernels and the
    // composite (`activationGradBench` measures all three).
    wasm: ({ inputs, backend }) => {
      const { dy, x } = float32Inputs(a, inputs);
      const b = backend as unknown as WasmBackendLike;
      const out = b.makeOutput(x.shape, 'float32');
      // Views taken after the allocation, which may grow (and so detach) the heap.
      a.loop(
        bits(b.typedArrayFromHeap(dy)),
        b.typedArrayFromHeap(x) as Float32Array,
        bits(b.typedArrayFromHeap(out)),
      );
      return out;
    },
  };
}

/** tfjs-core's own gradient of `a.forward` as a kernel (see `tfjsGradientOn`). */
function tfjsGradientKernel(a: MaskedActivation): tf.KernelFunc {
  return ({ inputs, backend }) => {
    const { dy, x } = float32Inputs(a, inputs);
    const tfjs = tf.getGradient(a.forward);
    if (tfjs === undefined)
      throw new Error(`${a.gradKernelName}: tfjs has no ${a.forward} gradient`);
    return withTensors(backend, [dy, x], ([d, v]) =>
      tf.tidy(() => tfjs.gradFunc(d!, [v!], {}).x!()),
    );
  };
}

/** `a.composite` as a kernel, for any backend without an entry in {@link maskedGradKernels}. */
export function maskedGradCompositeKernel(a: MaskedActivation): tf.KernelFunc {
  return ({ inputs, backend }) => {
    const { dy, x } = float32Inputs(a, inputs);
    return withTensors(backend, [dy, x], ([d, v]) => a.composite(d!, v!));
  };
}

/** The gradient registered for `a.kernelName`: one `a.gradKernelName` kernel. */
export function maskedGradient(a: MaskedActivation): tf.GradConfig {
  return {
    kernelName: a.kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      return {
        x: () => tf.engine().runKernel(a.gradKernelName, { dy: dy as tf.Tensor, x }) as tf.Tensor,
      };
    },
  };
}

/**
 * Registers `a`'s forward and gradient kernels for `backendName` and, once, the gradient that
 * joins them. Idempotent; returns the kernels registered by this call. Under kd's own names
 * rather than as tfjs's gradient of `a.forward`, so that tfjs's op keeps tfjs's behaviour for
 * code outside kd in the same process.
 */
export function registerMaskedActivation(
  a: MaskedActivation,
  gradient: tf.GradConfig,
  backendName: string,
): string[] {
  const added: string[] = [];
  if (tf.getGradient(a.kernelName) === undefined) tf.registerGradient(gradient);
  if (tf.getKernel(a.kernelName, backendName) === undefined) {
    const forward = tf.getKernel(a.forward, backendName);
    if (forward === undefined)
      throw new Error(
        `${a.kernelName}: backend '${backendName}' has no ${a.forward} kernel to run kd's activation on`,
      );
    // The whole config: a wasm kernel's setup (binding its wasm function) runs on backend start.
    tf.registerKernel({ ...forward, kernelName: a.kernelName });
    added.push(a.kernelName);
  }
  if (tf.getKernel(a.gradKernelName, backendName) === undefined) {
    tf.registerKernel({
      kernelName: a.gradKernelName,
      backendName,
      kernelFunc: a.tfjsGradientOn?.includes(backendName)
        ? tfjsGradientKernel(a)
        : (maskedGradKernels(a)[backendName] ?? maskedGradCompositeKernel(a)),
    });
    added.push(a.gradKernelName);
  }
  return added;
}
