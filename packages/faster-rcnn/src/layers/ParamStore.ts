import * as tf from '@tensorflow/tfjs-core';

/** How a parameter is initialised. Seeds make every model reproducible from its config. */
export type Init =
  | { readonly kind: 'heNormal'; readonly fanIn: number }
  | { readonly kind: 'normal'; readonly std: number }
  | { readonly kind: 'zeros' }
  | { readonly kind: 'ones' };

/**
 * The named weights of one model. Names are hierarchical (`backbone/conv1/w`) and stable: they are
 * the keys of checkpoints and the handles by which distillation names hint layers.
 * Non-trainable entries (batch-norm running statistics) are saved but never optimised.
 */
export class ParamStore {
  private readonly params = new Map<string, tf.Variable>();
  private readonly frozen = new Set<string>();
  private counter = 0;
  private assigned = false;

  constructor(private readonly seed: number) {}

  create(name: string, shape: readonly number[], init: Init, trainable = true): tf.Variable {
    if (this.params.has(name)) throw new Error(`ParamStore: duplicate parameter '${name}'`);
    // Each parameter gets its own seed derived from the model seed and its creation order.
    const seed = (this.seed * 7919 + ++this.counter * 104729) >>> 0;
    const value = tf.tidy(() => {
      switch (init.kind) {
        case 'heNormal':
          return tf.truncatedNormal([...shape], 0, Math.sqrt(2 / init.fanIn), 'float32', seed);
        case 'normal':
          return tf.truncatedNormal([...shape], 0, init.std, 'float32', seed);
        case 'zeros':
          return tf.zeros([...shape]);
        case 'ones':
          return tf.ones([...shape]);
      }
    });
    const v = tf.variable(value, trainable, `${name}_${ParamStore.uid++}`);
    value.dispose();
    this.params.set(name, v);
    if (!trainable) this.frozen.add(name);
    return v;
  }

  private static uid = 0;

  get(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`ParamStore: no parameter '${name}'`);
    return v;
  }

  has(name: string): boolean {
    return this.params.has(name);
  }

  names(): string[] {
    return [...this.params.keys()];
  }

  /** Every parameter, trainable or not, by name. */
  entries(): [string, tf.Variable][] {
    return [...this.params.entries()];
  }

  /** The parameters an optimiser updates. */
  trainable(): tf.Variable[] {
    return [...this.params.entries()].filter(([n]) => !this.frozen.has(n)).map(([, v]) => v);
  }

  /**
   * Takes existing parameters out of {@link trainable} (and marks their variables non-trainable):
   * they keep loading from checkpoints and pretrained weights and are still saved, but an
   * optimiser never sees them and `tf.variableGrads` does not back-propagate into them.
   */
  freeze(names: Iterable<string>): void {
    for (const name of names) {
      const v = this.get(name);
      v.trainable = false;
      this.frozen.add(name);
    }
  }

  isTrainable(name: string): boolean {
    return this.params.has(name) && !this.frozen.has(name);
  }

  numParameters(): number {
    let n = 0;
    for (const v of this.params.values()) n += v.size;
    return n;
  }

  /** Whether {@link assign} ever copied values in (from a checkpoint or pretrained weights). */
  get hasAssignedValues(): boolean {
    return this.assigned;
  }

  /** Copies values in from a name → tensor map; shapes must match exactly. */
  assign(
    values: Readonly<Record<string, tf.Tensor>>,
    options: { readonly strict?: boolean } = {},
  ): void {
    for (const [name, v] of this.params) {
      const t = values[name];
      if (t === undefined) {
        if (options.strict ?? true) throw new Error(`checkpoint has no weight '${name}'`);
        continue;
      }
      if (t.shape.join(',') !== v.shape.join(',')) {
        throw new Error(
          `weight '${name}': checkpoint shape [${t.shape}] but model shape [${v.shape}]`,
        );
      }
      v.assign(t);
    }
    this.assigned = true;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}
