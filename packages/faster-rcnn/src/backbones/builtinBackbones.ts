import type { ParamStore } from '../layers/ParamStore.js';
import { type Backbone, scaleChannels } from './Backbone.js';
import { MobileNetV2 } from './MobileNetV2.js';
import { ResNet18 } from './ResNet18.js';
import { SequentialBackbone, type SequentialStep } from './SequentialBackbone.js';

/** The backbones kd builds in (registered by name in `backboneRegistry`). The first four are the paper's family. */
export const BACKBONE_NAMES = [
  'vgg16',
  'vggm',
  'alexnet',
  'alexnet-tucker',
  'resnet18',
  'mobilenetv2',
] as const;
export type BackboneName = (typeof BACKBONE_NAMES)[number];

export interface BackboneSpec {
  /** A built-in name (`BACKBONE_NAMES`) or one given to `registerBackbone`. */
  readonly name: string;
  /** Scales every layer's channels (1.0 = the published network). Default 1. */
  readonly widthMultiplier?: number;
  /**
   * 16 (published) or 8, for small objects: sequential backbones drop their last pooling step,
   * `mobilenetv2` trades its last stride for dilation (ImageNet weights still fit). Not `resnet18`.
   * 4: `mobilenetv2` only, every stage from `block2` on dilated (for objects of a few pixels).
   */
  readonly outputStride?: 4 | 8 | 16;
  /** `mobilenetv2` only: batch norm keeps its running statistics while training (γ, β train). */
  readonly frozenBatchNorm?: boolean;
  /**
   * `mobilenetv2` only: the first N of its layers (`stem`, `block0`, …, `block4`) are not trained
   * (out of the optimiser's list, batch norm in inference mode). Default 0.
   */
  readonly frozenStages?: number;
  /**
   * `mobilenetv2` only: inverted-residual stages kept (5 = up to `block4`, default; 4 = up to
   * `block3`; 3 = up to `block2`, 32 channels at stride 8, needs `outputStride` 8, or 4 to dilate it).
   */
  readonly stages?: 3 | 4 | 5;
  /** Rank fraction of the Tucker convolutions in `alexnet-tucker` (default 0.25). */
  readonly tuckerRank?: number;
}

function vgg16(c: (n: number) => number): SequentialStep[] {
  const steps: SequentialStep[] = [];
  const blocks: [number, number][] = [
    [64, 2],
    [128, 2],
    [256, 3],
    [512, 3],
    [512, 3],
  ];
  blocks.forEach(([ch, n], bi) => {
    for (let i = 1; i <= n; i++)
      steps.push({ type: 'conv', name: `conv${bi + 1}_${i}`, filters: c(ch), kernel: 3 });
    if (bi < 4) steps.push({ type: 'pool', name: `pool${bi + 1}`, kernel: 2, stride: 2 });
  });
  return steps;
}

function vggm(c: (n: number) => number): SequentialStep[] {
  return [
    { type: 'conv', name: 'conv1', filters: c(96), kernel: 7, stride: 2 },
    { type: 'pool', name: 'pool1', kernel: 3, stride: 2 },
    { type: 'conv', name: 'conv2', filters: c(256), kernel: 5, stride: 2 },
    { type: 'pool', name: 'pool2', kernel: 3, stride: 2 },
    { type: 'conv', name: 'conv3', filters: c(512), kernel: 3 },
    { type: 'conv', name: 'conv4', filters: c(512), kernel: 3 },
    { type: 'conv', name: 'conv5', filters: c(512), kernel: 3 },
  ];
}

function alexnet(c: (n: number) => number, tucker?: number): SequentialStep[] {
  const conv = (name: string, filters: number, kernel: number, stride = 1): SequentialStep => {
    if (tucker === undefined || name === 'conv1')
      return { type: 'conv', name, filters, kernel, stride };
    const r = Math.max(4, Math.round(filters * tucker));
    return { type: 'tucker', name, filters, kernel, stride, ranks: [r, r] };
  };
  return [
    conv('conv1', c(96), 11, 4),
    { type: 'pool', name: 'pool1', kernel: 3, stride: 2 },
    conv('conv2', c(256), 5),
    { type: 'pool', name: 'pool2', kernel: 3, stride: 2 },
    conv('conv3', c(384), 3),
    conv('conv4', c(384), 3),
    conv('conv5', c(256), 3),
  ];
}

function dropLastPool(steps: SequentialStep[]): SequentialStep[] {
  const i = steps.map((s) => s.type).lastIndexOf('pool');
  return i < 0 ? steps : [...steps.slice(0, i), ...steps.slice(i + 1)];
}

/**
 * Builds a built-in backbone's weights in `store` (under `backbone/…`) from its spec.
 * Layer names follow the published networks (`conv5_3`, `conv5`, `layer3`, `block4`).
 */
export function builtinBackbone(spec: BackboneSpec, store: ParamStore): Backbone {
  const wm = spec.widthMultiplier ?? 1;
  const c = (n: number) => scaleChannels(n, wm);
  const stride8 = spec.outputStride === 8;
  if (spec.outputStride === 4 && spec.name !== 'mobilenetv2')
    throw new Error(`${spec.name}: outputStride 4 is not supported (only mobilenetv2 has it)`);
  switch (spec.name) {
    case 'vgg16':
    case 'vggm':
    case 'alexnet':
    case 'alexnet-tucker': {
      let steps =
        spec.name === 'vgg16'
          ? vgg16(c)
          : spec.name === 'vggm'
            ? vggm(c)
            : alexnet(c, spec.name === 'alexnet-tucker' ? (spec.tuckerRank ?? 0.25) : undefined);
      if (stride8) steps = dropLastPool(steps);
      return new SequentialBackbone(spec.name, store, steps);
    }
    case 'resnet18':
      if (stride8) throw new Error(`${spec.name}: outputStride 8 is not supported (only 16)`);
      return new ResNet18(store, wm);
    case 'mobilenetv2':
      return new MobileNetV2(store, wm, {
        outputStride: spec.outputStride ?? 16,
        frozenBatchNorm: spec.frozenBatchNorm ?? false,
        frozenStages: spec.frozenStages ?? 0,
        stages: spec.stages ?? 5,
      });
  }
  throw new Error(`'${spec.name}' is not a built-in backbone (${BACKBONE_NAMES.join(', ')})`);
}
