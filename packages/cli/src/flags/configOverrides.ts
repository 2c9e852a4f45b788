import * as E from 'fp-ts/lib/Either.js';
import { parse as parseYaml } from 'yaml';

const KEY = /^[A-Za-z_][\w-]*$/;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Applies `--set key=value` overrides (like mmdet's `--cfg-options`) to a plain config value and
 * returns a new value; the input is not modified. `key` is a dotted path (`optim.lr`,
 * `distill.objective.mu`), missing objects on the way are created; `value` is read as YAML, so
 * `0.01`, `true`, `[1, 2]` and `{a: 1}` are numbers, booleans, lists and objects, anything else a
 * string. The result still has to pass the run-config codec: overrides are not validated here.
 * Fails naming the `--set` argument that is malformed or walks into a non-object.
 */
export function applyConfigOverrides(
  config: unknown,
  assignments: readonly string[],
): E.Either<string, unknown> {
  const root: unknown = structuredClone(config);
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) return E.left(`--set ${assignment}: expected key=value (e.g. optim.lr=0.01)`);
    const path = assignment.slice(0, eq).split('.');
    const bad = path.find((k) => !KEY.test(k));
    if (bad !== undefined)
      return E.left(`--set ${assignment}: '${bad}' is not a key (letters, digits, _ and -)`);
    let value: unknown;
    try {
      value = parseYaml(assignment.slice(eq + 1));
    } catch (e) {
      return E.left(`--set ${assignment}: value is not valid YAML (${(e as Error).message})`);
    }
    if (!isRecord(root)) return E.left(`--set ${assignment}: the config is not an object`);
    let node: Record<string, unknown> = root;
    for (const [i, key] of path.slice(0, -1).entries()) {
      const next = node[key] ?? {};
      if (!isRecord(next))
        return E.left(
          `--set ${assignment}: ${path.slice(0, i + 1).join('.')} is ${JSON.stringify(next)}, not an object`,
        );
      node[key] = next;
      node = next;
    }
    node[path.at(-1)!] = value;
  }
  return E.right(root);
}

/** Commander's collector for a repeatable `--set key=value`. */
export const collectSet = (value: string, previous: readonly string[] = []): string[] => [
  ...previous,
  value,
];
