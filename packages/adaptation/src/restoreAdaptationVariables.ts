import * as tf from '@tensorflow/tfjs-core';
import { adaptationVariableKey } from './adaptationLayer.js';

/**
 * Assigns saved adaptation weights (as a checkpoint holds them, by variable name) to the live
 * variables of a new adaptation layer. Names are matched without their process-wide counter
 * ({@link adaptationVariableKey}): a run resumed in a process that created more or fewer
 * adaptation layers before (a test, `kd experiment`'s second seed) still finds its weights.
 *
 * Returns the problems found — a variable without a saved weight, a saved weight without a
 * variable, a shape that differs — and assigns nothing unless there are none: a resumed run must
 * not silently continue with freshly initialised adaptation weights.
 */
export function restoreAdaptationVariables(
  variables: readonly tf.Variable[],
  saved: Readonly<Record<string, tf.Tensor>>,
): string[] {
  const savedByKey = new Map<string, [string, tf.Tensor]>();
  const problems: string[] = [];
  for (const [name, t] of Object.entries(saved)) {
    const key = adaptationVariableKey(name);
    if (savedByKey.has(key)) problems.push(`two saved weights for ${key}`);
    savedByKey.set(key, [name, t]);
  }
  const pairs: [tf.Variable, tf.Tensor][] = [];
  const used = new Set<string>();
  for (const v of variables) {
    const key = adaptationVariableKey(v.name);
    const found = savedByKey.get(key);
    if (found === undefined) {
      problems.push(`no saved weight for ${key}`);
      continue;
    }
    used.add(key);
    const [name, t] = found;
    if (!tf.util.arraysEqual(t.shape, v.shape))
      problems.push(`${name} has shape [${t.shape}], the layer's ${key} [${v.shape}]`);
    else pairs.push([v, t]);
  }
  for (const key of savedByKey.keys())
    if (!used.has(key)) problems.push(`saved ${key} matches no variable of the layer`);
  if (problems.length === 0) for (const [v, t] of pairs) v.assign(t);
  return problems;
}
