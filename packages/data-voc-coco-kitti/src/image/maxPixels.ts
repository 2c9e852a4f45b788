/** The decoded-image pixel limit when neither an option nor `KD_MAX_PIXELS` sets one: 4096². */
export const DEFAULT_MAX_PIXELS = 4096 * 4096;

/**
 * The pixel limit in force: `explicit` if given, else the `KD_MAX_PIXELS` environment variable
 * (a positive integer), else {@link DEFAULT_MAX_PIXELS}. An unusable `KD_MAX_PIXELS` is an error
 * rather than silently ignored.
 */
export const maxPixels = (
  explicit?: number,
  env: NodeJS.ProcessEnv | Record<string, string | undefined> = typeof process === 'undefined'
    ? {}
    : process.env,
): number => {
  if (explicit !== undefined) return explicit;
  const raw = env.KD_MAX_PIXELS;
  if (raw === undefined || raw === '') return DEFAULT_MAX_PIXELS;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new Error(`KD_MAX_PIXELS=${raw}: expected a positive integer (pixels per image)`);
  return n;
};
