import * as tf from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterComposite } from './kernels/conv2dBackpropFilterComposite.js';
import { conv2dBackpropInputComposite } from './kernels/conv2dBackpropInputComposite.js';
import type { ConvPad } from './kernels/convGeometry.js';
import { depthwiseBackpropFilterComposite } from './kernels/depthwiseBackpropFilterComposite.js';
import { depthwiseBackpropInputComposite } from './kernels/depthwiseBackpropInputComposite.js';
import { unsortedSegmentSumComposite } from './kernels/unsortedSegmentSumComposite.js';

type Info = tf.TensorInfo;
type Attrs = Record<string, unknown>;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;
type Pair = [number, number];

/** The kernels this module adds to a backend, in registration order. */
export const TRAINING_KERNELS = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'UnsortedSegmentSum',
] as const;

export type TrainingKernelName = (typeof TRAINING_KERNELS)[number];

// Kernels receive bare TensorInfos; wrapping them as tensors lets the composites use the public op
// API (ops run inside a kernel are not recorded on the gradient tape, by tfjs's design). The wrapper
// takes its own reference on the data, so disposing it leaves the caller's tensor intact.
export function withTensors<T>(
  backend: unknown,
  infos: readonly Info[],
  body: (ts: tf.Tensor[]) => T,
): T {
  const ts = infos.map((info) => {
    (backend as unknown as { incRef(id: tf.DataId): void }).incRef(info.dataId);
    return tf.engine().makeTensorFromTensorInfo(info);
  });
  try {
    return body(ts);
  } finally {
    for (const t of ts) t.dispose();
  }
}

function need(inputs: Record<string, Info | undefined>, name: string, kernel: string): Info {
  const info = inputs[name];
  if (info === undefined) throw new Error(`${kernel}: missing input '${name}'`);
  return info;
}

function nhwcOnly(attrs: Attrs, kernel: string): void {
  const format = attrs.dataFormat;
  if (format !== undefined && format !== 'NHWC') {
    throw new Error(`${kernel}: only dataFormat 'NHWC' is supported (got '${String(format)}')`);
  }
}

const kernelFuncs: Record<TrainingKernelName, tf.KernelFunc> = {
  Conv2DBackpropFilter: ({ inputs, attrs, backend }) => {
    const a = attrs as Attrs;
    nhwcOnly(a, 'Conv2DBackpropFilter');
    const x = need(inputs, 'x', 'Conv2DBackpropFilter');
    const dy = need(inputs, 'dy', 'Conv2DBackpropFilter');
    return withTensors(backend, [x, dy], ([xt, dyt]) =>
      conv2dBackpropFilterComposite(
        xt as tf.Tensor4D,
        dyt as tf.Tensor4D,
        a.filterShape as [number, number, number, number],
        {
          strides: a.strides as Pair,
          dilations: 1,
          pad: a.pad as ConvPad,
          dimRoundingMode: a.dimRoundingMode as Rounding,
        },
      ),
    );
  },
  Conv2DBackpropInput: ({ inputs, attrs, backend }) => {
    const a = attrs as Attrs;
    nhwcOnly(a, 'Conv2DBackpropInput');
    const dy = need(inputs, 'dy', 'Conv2DBackpropInput');
    const filter = need(inputs, 'filter', 'Conv2DBackpropInput');
    return withTensors(backend, [dy, filter], ([dyt, ft]) =>
      conv2dBackpropInputComposite(
        a.inputShape as [number, number, number, number],
        dyt as tf.Tensor4D,
        ft as tf.Tensor4D,
        {
          strides: a.strides as Pair,
          dilations: 1,
          pad: a.pad as ConvPad,
          dimRoundingMode: a.dimRoundingMode as Rounding,
        },
      ),
    );
  },
  DepthwiseConv2dNativeBackpropFilter: ({ inputs, attrs, backend }) => {
    const a = attrs as Attrs;
    const x = need(inputs, 'x', 'DepthwiseConv2dNativeBackpropFilter');
    const dy = need(inputs, 'dy', 'DepthwiseConv2dNativeBackpropFilter');
    return withTensors(backend, [x, dy], ([xt, dyt]) =>
      depthwiseBackpropFilterComposite(
        xt as tf.Tensor4D,
        dyt as tf.Tensor4D,
        a.filterShape as [number, number, number, number],
        {
          strides: a.strides as Pair,
          dilations: (a.dilations as Pair | number | undefined) ?? 1,
          pad: a.pad as ConvPad,
          dimRoundingMode: a.dimRoundingMode as Rounding,
        },
      ),
    );
  },
  DepthwiseConv2dNativeBackpropInput: ({ inputs, attrs, backend }) => {
    const a = attrs as Attrs;
    const dy = need(inputs, 'dy', 'DepthwiseConv2dNativeBackpropInput');
    const filter = need(inputs, 'filter', 'DepthwiseConv2dNativeBackpropInput');
    return withTensors(backend, [dy, filter], ([dyt, ft]) =>
      depthwiseBackpropInputComposite(
        a.inputShape as [number, number, number, number],
        dyt as tf.Tensor4D,
        ft as tf.Tensor4D,
        {
          strides: a.strides as Pair,
          dilations: (a.dilations as Pair | number | undefined) ?? 1,
          pad: a.pad as ConvPad,
          dimRoundingMode: a.dimRoundingMode as Rounding,
        },
      ),
    );
  },
  UnsortedSegmentSum: ({ inputs, attrs, backend }) => {
    const x = need(inputs, 'x', 'UnsortedSegmentSum');
    const ids = need(inputs, 'segmentIds', 'UnsortedSegmentSum');
    return withTensors(backend, [x, ids], ([xt, idt]) =>
      unsortedSegmentSumComposite(
        xt as tf.Tensor,
        idt as tf.Tensor,
        (attrs as Attrs).numSegments as number,
      ),
    );
  },
};

/**
 * Registers, for `backendName`, the training kernels that backend lacks (wasm has no filter
 * gradients and no `UnsortedSegmentSum`, so stock wasm cannot train a convnet), built from forward
 * kernels it has. `Conv2DBackpropInput` is replaced on purpose: the composite is faster on wasm.
 *
 * Idempotent. Returns the kernels registered by this call.
 */
export function registerTrainingKernels(backendName = 'wasm'): TrainingKernelName[] {
  const added: TrainingKernelName[] = [];
  for (const kernelName of TRAINING_KERNELS) {
    const existing = tf.getKernel(kernelName, backendName);
    if (existing !== undefined) {
      if ((existing as { kdComposite?: boolean }).kdComposite) continue;
      tf.unregisterKernel(kernelName, backendName);
    }
    const config = {
      kernelName,
      backendName,
      kernelFunc: kernelFuncs[kernelName],
      kdComposite: true,
    };
    tf.registerKernel(config as tf.KernelConfig);
    added.push(kernelName);
  }
  return added;
}
