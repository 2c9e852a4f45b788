import * as tf from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterComposite } from './kernels/conv2dBackpropFilterComposite.js';
import { conv2dBackpropInputComposite } from './kernels/conv2dBackpropInputComposite.js';
import type { ConvPad } from './kernels/convGeometry.js';
import { depthwiseBackpropFilterComposite } from './kernels/depthwiseBackpropFilterComposite.js';
import { depthwiseBackpropInputComposite } from './kernels/depthwiseBackpropInputComposite.js';

type Pair = [number, number];
type Rounding = 'floor' | 'round' | 'ceil' | undefined;
type Attrs = Record<string, unknown>;

function isOne(d: unknown): boolean {
  if (d === undefined || d === null) return true;
  if (typeof d === 'number') return d === 1;
  return (d as number[]).every((v) => v === 1);
}

function as4(t: tf.Tensor): tf.Tensor4D {
  return t as tf.Tensor4D;
}

/**
 * Replaces the gradients of `Conv2D` and `DepthwiseConv2dNative` with ones that also handle
 * dilation > 1, which stock tfjs rejects on every backend ("dilation rates greater than 1 are not
 * yet supported in gradients"). Undilated convolutions still go through the backend's backprop
 * kernels, so native backends keep their fast paths.
 */
export function registerDilatedConvGradients(): void {
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as Attrs;
      const dyt = dy as tf.Tensor4D;
      const options = {
        strides: a.strides as Pair,
        dilations: (a.dilations as Pair | number | undefined) ?? 1,
        pad: a.pad as ConvPad,
        dimRoundingMode: a.dimRoundingMode as Rounding,
      };
      if (a.dataFormat !== undefined && a.dataFormat !== 'NHWC' && !isOne(options.dilations)) {
        throw new Error("Conv2D gradient: dilated convolutions train only with dataFormat 'NHWC'");
      }
      if (isOne(options.dilations)) {
        const base = {
          strides: a.strides,
          pad: a.pad,
          dataFormat: a.dataFormat ?? 'NHWC',
          dimRoundingMode: a.dimRoundingMode,
        } as unknown as tf.NamedAttrMap;
        return {
          x: () =>
            tf.engine().runKernel('Conv2DBackpropInput', { dy: dyt, filter }, {
              ...base,
              inputShape: x.shape,
            } as unknown as tf.NamedAttrMap) as tf.Tensor,
          filter: () =>
            tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dyt }, {
              ...base,
              filterShape: filter.shape,
            } as unknown as tf.NamedAttrMap) as tf.Tensor,
        };
      }
      return {
        x: () => conv2dBackpropInputComposite(x.shape, dyt, filter, options),
        filter: () => conv2dBackpropFilterComposite(x, dyt, filter.shape, options),
      };
    },
  });

  tf.registerGradient({
    kernelName: 'DepthwiseConv2dNative',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as Attrs;
      const dyt = as4(dy as tf.Tensor);
      const options = {
        strides: a.strides as Pair,
        dilations: (a.dilations as Pair | number | undefined) ?? 1,
        pad: a.pad as ConvPad,
        dimRoundingMode: a.dimRoundingMode as Rounding,
      };
      if (isOne(options.dilations)) {
        const base = {
          strides: a.strides,
          pad: a.pad,
          dilations: options.dilations,
          dimRoundingMode: a.dimRoundingMode,
        } as unknown as tf.NamedAttrMap;
        return {
          x: () =>
            tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dyt, filter }, {
              ...base,
              inputShape: x.shape,
            } as unknown as tf.NamedAttrMap) as tf.Tensor,
          filter: () =>
            tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy: dyt }, {
              ...base,
              filterShape: filter.shape,
            } as unknown as tf.NamedAttrMap) as tf.Tensor,
        };
      }
      return {
        x: () => depthwiseBackpropInputComposite(x.shape, dyt, filter, options),
        filter: () => depthwiseBackpropFilterComposite(x, dyt, filter.shape, options),
      };
    },
  });
}
