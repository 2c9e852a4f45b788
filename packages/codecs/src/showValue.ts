/**
 * A value as messages quote it: JSON, cut to `max` characters; `nothing (missing)` for a missing
 * value and `NaN`/`Infinity` as such (JSON would print `null`).
 */
export const showValue = (v: unknown, max = 80): string => {
  if (v === undefined) return 'nothing (missing)';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
};
