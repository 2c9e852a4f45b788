import type { Command } from 'commander';

/** `kd eval coco` for the `coco` subcommand of `eval`: the name used in every error prefix. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
