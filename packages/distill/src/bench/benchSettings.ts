/** The recipes a benchmark times: `KD_BENCH_RECIPES` (comma-separated) or `defaults`. */
export function benchRecipes(defaults: readonly string[]): string[] {
  return process.env.KD_BENCH_RECIPES ? process.env.KD_BENCH_RECIPES.split(',') : [...defaults];
}

/** Timed steps per side: `KD_BENCH_ROUNDS`, default 15. */
export const benchRounds = (): number => Number(process.env.KD_BENCH_ROUNDS ?? 15);
