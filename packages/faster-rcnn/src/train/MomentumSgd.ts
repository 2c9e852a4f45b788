import { compileNativeGraphPerShape, type NativeGraphPerShape } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { globalNorm, type RegularizingOptimizer } from './applyGradients.js';
import {
  clipFactor,
  decayGradients,
  squaredNorm,
  type VariableGradient,
} from './decayGradients.js';

const SLOT_SUFFIX = '/momentum';

/** tfjs's optimiser weight entry (`Optimizer.getWeights`), which its index does not export. */
interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** tfjs's momentum update, op for op: a' = μ·a + g, v' = (−η)·a' + v. */
function momentumUpdate(
  value: tf.Tensor,
  accumulation: tf.Tensor,
  gradient: tf.Tensor,
  momentum: tf.Scalar,
  negativeLr: tf.Scalar,
): { value: tf.Tensor; accumulation: tf.Tensor } {
  const a = tf.add(tf.mul(momentum, accumulation), gradient);
  return { value: tf.add(tf.mul(negativeLr, a), value), accumulation: a };
}

/**
 * Stochastic gradient descent with momentum: `tf.train.momentum`'s update (a' = μ·a + g,
 * v' = v − η·a'; PyTorch's `SGD(momentum=μ)` with dampening 0) and its checkpoint layout (the
 * iteration count, then one slot `<variable>/momentum` per variable), so checkpoints move between
 * the two. Like tfjs it keeps the slots by position in the gradient list.
 *
 * The difference is speed on the tensorflow backend: through `applyGradients` (`@kd/faster-rcnn`)
 * the weight decay, the global-norm clipping and this update of every variable take two native
 * TensorFlow graph calls and one `AddN` instead of ~8 calls per variable (`optimizerBench` times
 * both): the squared norms of the decayed gradients, then, once the norm is read and the
 * clipping factor known, the decay again, the clipping and the update. The results are the
 * op-by-op ones to the bit (the same element-wise kernels; the norm's sum stays an eager `AddN`,
 * which TensorFlow's graph optimiser would reorder). Graphs are compiled on the first step with a new set of variable shapes (four
 * of each kept). Other backends, and a graph TensorFlow refuses (`fusedRefusal`), run the same
 * ops one by one.
 */
export class MomentumSgd extends tf.Optimizer implements RegularizingOptimizer {
  static get className(): string {
    return 'MomentumSgd';
  }

  /**
   * One slot per position in the gradient list, as tfjs keeps them: variable names are not stable
   * across processes (a resumed run's model gets new ones), the order of a model's variables is.
   */
  private slots: Array<{ readonly name: string; readonly variable: tf.Variable }> = [];
  private readonly m: tf.Scalar;
  private c: tf.Scalar;
  private normGraphs: NativeGraphPerShape<string, string> | undefined;
  private updateGraphs: NativeGraphPerShape<string, string> | undefined;
  /** Why the fused graph is not used, once it failed to compile. */
  private refused: string | undefined;

  constructor(
    private learningRate: number,
    readonly momentum: number,
  ) {
    super();
    this.m = tf.keep(tf.scalar(momentum));
    this.c = tf.keep(tf.scalar(-learningRate));
  }

  setLearningRate(learningRate: number): void {
    if (learningRate === this.learningRate) return;
    this.learningRate = learningRate;
    this.c.dispose();
    this.c = tf.keep(tf.scalar(-learningRate));
  }

  /** Graphs compiled for the fused update so far (0 off tensorflow). */
  get fusedGraphs(): number {
    return (this.normGraphs?.graphs ?? 0) + (this.updateGraphs?.graphs ?? 0);
  }

  /** Why the update runs op by op on tensorflow, once TensorFlow refused its graph. */
  get fusedRefusal(): string | undefined {
    return this.refused;
  }

  private slot(index: number, name: string, value: tf.Tensor): tf.Variable {
    this.slots[index] ??= {
      name: name + SLOT_SUFFIX,
      variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
    };
    return this.slots[index].variable;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor] as const)
      : Object.entries(variableGradients);
    entries.forEach(([name, gradient], i) => {
      const variable = tf.engine().registeredVariables[name];
      if (variable === undefined) {
        throw new Error(`MomentumSgd: '${name}' is not a registered variable`);
      }
      const slot = this.slot(i, name, variable);
      tf.tidy(() => {
        const next = momentumUpdate(variable, slot, gradient, this.m, this.c);
        slot.assign(next.accumulation);
        variable.assign(next.value);
      });
    });
    this.incrementIterations();
  }

  applyRegularized(
    pairs: ReadonlyArray<VariableGradient & { readonly variable: tf.Variable }>,
    options: { readonly weightDecay: number; readonly clipGradNorm?: number | undefined },
  ): number | undefined {
    if (tf.getBackend() !== 'tensorflow' || this.refused !== undefined || pairs.length === 0) {
      return undefined;
    }
    this.normGraphs ??= compileNativeGraphPerShape(squaredNormStep, { maxGraphs: 4 });
    this.updateGraphs ??= compileNativeGraphPerShape(updateStep, { maxGraphs: 4 });
    const slots = pairs.map((p, i) => this.slot(i, p.variable.name, p.variable));
    const owned: tf.Tensor[] = [];
    const scalar = (x: number) => {
      const t = tf.scalar(x);
      owned.push(t);
      return t;
    };
    try {
      const wd: Record<string, tf.Tensor> =
        options.weightDecay > 0 ? { wd: scalar(options.weightDecay) } : {};
      const normIn: Record<string, tf.Tensor> = { ...wd };
      pairs.forEach((p, i) => {
        normIn[`v${i}`] = p.variable;
        normIn[`g${i}`] = p.gradient;
      });
      const squared = this.normGraphs.run(normIn);
      owned.push(...Object.values(squared));
      const gradNorm = globalNorm(pairs.map((_, i) => squared[`s${i}`] as tf.Scalar));
      // A factor of 1 leaves every gradient as it is, bit for bit: one graph serves both cases.
      const f = clipFactor(gradNorm, options.clipGradNorm) ?? 1;
      const updateIn: Record<string, tf.Tensor> = { ...wd, m: this.m, c: this.c, f: scalar(f) };
      pairs.forEach((p, i) => {
        updateIn[`v${i}`] = p.variable;
        updateIn[`g${i}`] = p.gradient;
        updateIn[`a${i}`] = slots[i]!;
      });
      const next = this.updateGraphs.run(updateIn);
      pairs.forEach((p, i) => {
        slots[i]!.assign(next[`a${i}`]!);
        p.variable.assign(next[`v${i}`]!);
      });
      tf.dispose(Object.values(next));
      this.incrementIterations();
      return gradNorm;
    } catch (e) {
      // Nothing was assigned yet when a graph fails to compile or run: the step goes op by op.
      this.refused = (e as Error).message;
      return undefined;
    } finally {
      tf.dispose(owned);
    }
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [
      await this.saveIterations(),
      ...this.slots.map(({ name, variable }) => ({ name, tensor: variable })),
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const slots = await this.extractIterations(weightValues);
    for (const { name } of slots) {
      if (!name.endsWith(SLOT_SUFFIX)) {
        throw new Error(
          `MomentumSgd: optimiser weight '${name}' is not a momentum slot ('<variable>${SLOT_SUFFIX}')`,
        );
      }
    }
    tf.dispose(this.slots.map((s) => s.variable));
    this.slots = slots.map(({ name, tensor }) => ({ name, variable: tensor.variable(false) }));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, momentum: this.momentum };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config.learningRate, config.momentum);
  }

  override dispose(): void {
    super.dispose();
    this.normGraphs?.dispose();
    this.updateGraphs?.dispose();
    tf.dispose([this.m, this.c, ...this.slots.map((s) => s.variable)]);
    this.slots = [];
  }
}

/** The decayed gradients of a graph's inputs `v<k>`, `g<k>` (and `wd` when set). */
function decayedInputs(inputs: Readonly<Record<string, tf.Tensor>>): tf.Tensor[] {
  const count = Object.keys(inputs).filter((k) => k.startsWith('v')).length;
  const pairs = Array.from({ length: count }, (_, i) => ({
    variable: inputs[`v${i}`]!,
    gradient: inputs[`g${i}`]!,
  }));
  return decayGradients(pairs, inputs.wd as tf.Scalar | undefined);
}

/**
 * Traced into the first graph: the squared norms `s<k>` of the decayed gradients, which
 * `applyGradients` sums on the host.
 */
function squaredNormStep(inputs: Readonly<Record<string, tf.Tensor>>): Record<string, tf.Tensor> {
  return Object.fromEntries(decayedInputs(inputs).map((d, i) => [`s${i}`, squaredNorm(d)]));
}

/**
 * Traced into the second graph: inputs `v<k>`, `g<k>`, `a<k>` (value, gradient, slot), `wd` when
 * set, the clipping factor `f` (1 when not clipping), `m`, `c` (μ, −η); outputs the new `v<k>`
 * and `a<k>`. The decay is computed again here, which costs less than handing it over.
 */
function updateStep(inputs: Readonly<Record<string, tf.Tensor>>): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  decayedInputs(inputs).forEach((d, i) => {
    const next = momentumUpdate(
      inputs[`v${i}`]!,
      inputs[`a${i}`]!,
      tf.mul(d, inputs.f!),
      inputs.m as tf.Scalar,
      inputs.c as tf.Scalar,
    );
    out[`v${i}`] = next.value;
    out[`a${i}`] = next.accumulation;
  });
  return out;
}
