import { relu } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { BatchNorm, Conv2d } from '../layers/layers.js';
import type { ParamStore } from '../layers/ParamStore.js';
import {
  type Backbone,
  type BackboneForward,
  type BackboneLayer,
  scaleChannels,
} from './Backbone.js';

interface Block {
  readonly name: string;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm;
  readonly down?: { readonly conv: Conv2d; readonly bn: BatchNorm };
}

/**
 * ResNet-18 up to `layer3` (stride 16, the "C4" feature map Faster R-CNN heads read), with batch
 * normalisation. `widthMultiplier` scales every stage (64-128-256 at 1.0).
 */
export class ResNet18 implements Backbone {
  readonly name = 'resnet18';
  readonly stride = 16;
  readonly outChannels: number;
  readonly layers: readonly BackboneLayer[];
  private readonly stem: { conv: Conv2d; bn: BatchNorm };
  private readonly blocks: readonly Block[];

  constructor(store: ParamStore, widthMultiplier = 1) {
    const c = (n: number) => scaleChannels(n, widthMultiplier);
    this.stem = {
      conv: new Conv2d(store, 'backbone/stem/conv', 3, {
        filters: c(64),
        kernel: 7,
        stride: 2,
        bias: false,
      }),
      bn: new BatchNorm(store, 'backbone/stem/bn', c(64)),
    };
    const blocks: Block[] = [];
    const layers: BackboneLayer[] = [{ name: 'stem', stride: 4, channels: c(64) }];
    let cin = c(64);
    let stride = 4;
    const stages: [string, number, number][] = [
      ['layer1', c(64), 1],
      ['layer2', c(128), 2],
      ['layer3', c(256), 2],
    ];
    for (const [stage, cout, s] of stages) {
      for (let i = 0; i < 2; i++) {
        const name = `${stage}.${i}`;
        const p = `backbone/${name}`;
        const bs = i === 0 ? s : 1;
        const block: Block = {
          name,
          conv1: new Conv2d(store, `${p}/conv1`, cin, {
            filters: cout,
            kernel: 3,
            stride: bs,
            bias: false,
          }),
          bn1: new BatchNorm(store, `${p}/bn1`, cout),
          conv2: new Conv2d(store, `${p}/conv2`, cout, { filters: cout, kernel: 3, bias: false }),
          bn2: new BatchNorm(store, `${p}/bn2`, cout),
          ...(bs !== 1 || cin !== cout
            ? {
                down: {
                  conv: new Conv2d(store, `${p}/down`, cin, {
                    filters: cout,
                    kernel: 1,
                    stride: bs,
                    bias: false,
                  }),
                  bn: new BatchNorm(store, `${p}/down_bn`, cout),
                },
              }
            : {}),
        };
        blocks.push(block);
        cin = cout;
        stride *= bs;
      }
      layers.push({ name: stage, stride, channels: cin });
    }
    this.blocks = blocks;
    this.layers = layers;
    this.outChannels = cin;
  }

  forward(
    images: tf.Tensor4D,
    options: { readonly training: boolean; readonly collect?: readonly string[] },
  ): BackboneForward {
    const t = options.training;
    const collect = new Set(options.collect ?? []);
    const features: Record<string, tf.Tensor4D> = {};
    let x = relu(this.stem.bn.apply(this.stem.conv.apply(images), t));
    x = tf.maxPool(x, 3, 2, 'same');
    if (collect.has('stem')) features.stem = x;
    for (const b of this.blocks) {
      const identity = b.down ? b.down.bn.apply(b.down.conv.apply(x), t) : x;
      const y = relu(b.bn1.apply(b.conv1.apply(x), t));
      x = relu(tf.add(b.bn2.apply(b.conv2.apply(y), t), identity)) as tf.Tensor4D;
      const stage = b.name.split('.')[0]!;
      if (b.name.endsWith('.1') && collect.has(stage)) features[stage] = x;
    }
    return { output: x, features };
  }
}
