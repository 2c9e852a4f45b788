import type * as tf from '@tensorflow/tfjs-core';

/** One named intermediate feature map of a backbone: a hint (teacher) or guided (student) candidate. */
export interface BackboneLayer {
  readonly name: string;
  /** Image pixels per feature-map pixel. */
  readonly stride: number;
  readonly channels: number;
}

export interface BackboneForward {
  /** `[B, ⌈H/stride⌉, ⌈W/stride⌉, outChannels]`: what the RPN and the RoI head read. */
  readonly output: tf.Tensor4D;
  /** The requested intermediate maps by layer name (`collect`), for hint learning. */
  readonly features: Readonly<Record<string, tf.Tensor4D>>;
}

/**
 * A feature extractor: image batch `[B, H, W, 3]` (normalised) → feature map with known stride and
 * channels. Weights live in the model's `ParamStore` under `backbone/…`.
 */
export interface Backbone {
  readonly name: string;
  readonly stride: number;
  readonly outChannels: number;
  /** Every layer whose output can be collected, in forward order; the last is the output. */
  readonly layers: readonly BackboneLayer[];
  forward(
    images: tf.Tensor4D,
    options: { readonly training: boolean; readonly collect?: readonly string[] },
  ): BackboneForward;
  /** Frees what the backbone holds besides its `ParamStore` weights (e.g. derived caches). */
  dispose?(): void;
}

/** Scales a channel count by a width multiplier, keeping at least 4 channels. */
export function scaleChannels(channels: number, widthMultiplier: number): number {
  return Math.max(4, Math.round(channels * widthMultiplier));
}
