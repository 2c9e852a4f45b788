import type * as t from 'io-ts';

function jsonPath(err: t.ValidationError, root: string): string {
  const keys: string[] = [];
  err.context.forEach((c, i) => {
    if (i === 0) return;
    // Keys under an intersection or union only index its members, not the JSON.
    // biome-ignore lint/suspicious/noExplicitAny: io-ts types carry a runtime _tag
    const parentTag = (err.context[i - 1]!.type as any)._tag as string | undefined;
    if (parentTag === 'IntersectionType' || parentTag === 'UnionType') return;
    keys.push(c.key);
  });
  return [root, ...keys].join('.');
}

/**
 * io-ts validation errors as `source: at a.b.2.c: expected X | Y, got <json>`, one line per JSON
 * path (a union's alternatives are merged into one line).
 */
export function formatDecodeErrors(
  errors: readonly t.ValidationError[],
  source: string,
  root: string,
): string[] {
  const byPath = new Map<string, { expected: string[]; value: unknown }>();
  for (const err of errors) {
    const path = jsonPath(err, root);
    const name = err.context[err.context.length - 1]?.type.name ?? 'value';
    const entry = byPath.get(path) ?? { expected: [], value: err.value };
    if (!entry.expected.includes(name)) entry.expected.push(name);
    byPath.set(path, entry);
  }
  return [...byPath].map(
    ([path, { expected, value }]) =>
      `${source}: at ${path}: expected ${expected.join(' | ')}, got ${JSON.stringify(value)}`,
  );
}
