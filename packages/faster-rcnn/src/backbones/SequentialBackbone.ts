import * as tf from '@tensorflow/tfjs-core';
import { Conv2d } from '../layers/layers.js';
import type { ParamStore } from '../layers/ParamStore.js';
import type { Backbone, BackboneForward, BackboneLayer } from './Backbone.js';

/** One step of a plain (VGG/AlexNet-style) backbone. */
export type SequentialStep =
  | {
      readonly type: 'conv';
      readonly name: string;
      readonly filters: number;
      readonly kernel: number;
      readonly stride?: number;
    }
  | {
      readonly type: 'pool';
      readonly name: string;
      readonly kernel: number;
      readonly stride: number;
    }
  | {
      /**
       * A Tucker-2 decomposed convolution (Kim et al. 2016, the paper's compressed AlexNet):
       * 1×1 to rank r1, k×k from r1 to r2, 1×1 to `filters`; ReLU only after the last.
       */
      readonly type: 'tucker';
      readonly name: string;
      readonly filters: number;
      readonly kernel: number;
      readonly stride?: number;
      readonly ranks: readonly [number, number];
    };

type Built =
  | { readonly step: SequentialStep & { type: 'conv' }; readonly conv: Conv2d }
  | { readonly step: SequentialStep & { type: 'pool' } }
  | {
      readonly step: SequentialStep & { type: 'tucker' };
      readonly convs: readonly [Conv2d, Conv2d, Conv2d];
    };

/** A backbone that is a chain of convolutions (+ReLU), Tucker convolutions and max-pools. */
export class SequentialBackbone implements Backbone {
  readonly stride: number;
  readonly outChannels: number;
  readonly layers: readonly BackboneLayer[];
  private readonly built: readonly Built[];

  constructor(
    readonly name: string,
    store: ParamStore,
    steps: readonly SequentialStep[],
  ) {
    let channels = 3;
    let stride = 1;
    const built: Built[] = [];
    const layers: BackboneLayer[] = [];
    for (const step of steps) {
      const prefix = `backbone/${step.name}`;
      if (step.type === 'conv') {
        const conv = new Conv2d(store, prefix, channels, {
          filters: step.filters,
          kernel: step.kernel,
          stride: step.stride ?? 1,
        });
        built.push({ step, conv });
        channels = step.filters;
        stride *= step.stride ?? 1;
      } else if (step.type === 'tucker') {
        const [r1, r2] = step.ranks;
        const convs = [
          new Conv2d(store, `${prefix}/u`, channels, { filters: r1, kernel: 1, bias: false }),
          new Conv2d(store, `${prefix}/core`, r1, {
            filters: r2,
            kernel: step.kernel,
            stride: step.stride ?? 1,
            bias: false,
          }),
          new Conv2d(store, `${prefix}/v`, r2, { filters: step.filters, kernel: 1 }),
        ] as const;
        built.push({ step, convs });
        channels = step.filters;
        stride *= step.stride ?? 1;
      } else {
        built.push({ step });
        stride *= step.stride;
      }
      layers.push({ name: step.name, stride, channels });
    }
    this.built = built;
    this.layers = layers;
    this.stride = stride;
    this.outChannels = channels;
  }

  forward(
    images: tf.Tensor4D,
    options: { readonly training: boolean; readonly collect?: readonly string[] },
  ): BackboneForward {
    const collect = new Set(options.collect ?? []);
    for (const name of collect) {
      if (!this.layers.some((l) => l.name === name)) {
        throw new Error(
          `${this.name}: no layer '${name}' (layers: ${this.layers.map((l) => l.name).join(', ')})`,
        );
      }
    }
    const features: Record<string, tf.Tensor4D> = {};
    let x = images;
    for (const b of this.built) {
      if (b.step.type === 'conv') x = (b as { conv: Conv2d }).conv.apply(x, 'relu');
      else if (b.step.type === 'tucker') {
        const [u, core, v] = (b as { convs: readonly [Conv2d, Conv2d, Conv2d] }).convs;
        x = v.apply(core.apply(u.apply(x)), 'relu');
      } else x = tf.maxPool(x, b.step.kernel, b.step.stride, 'same');
      if (collect.has(b.step.name)) features[b.step.name] = x;
    }
    return { output: x, features };
  }
}
