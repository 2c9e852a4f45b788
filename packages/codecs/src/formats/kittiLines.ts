/** The 15 columns of a KITTI object label line (`label_2/*.txt`), in order. */
export const KITTI_LABEL_COLUMNS = [
  'type',
  'truncated',
  'occluded',
  'alpha',
  'left',
  'top',
  'right',
  'bottom',
  'height',
  'width',
  'length',
  'x',
  'y',
  'z',
  'rotation_y',
] as const;

/** The 16 columns of a KITTI results line: the label's and the score. */
export const KITTI_RESULT_COLUMNS = [...KITTI_LABEL_COLUMNS, 'score'] as const;

/** The KITTI object types that are classes (`DontCare` is an ignore region, not a class). */
export const KITTI_CLASSES = [
  'Car',
  'Van',
  'Truck',
  'Pedestrian',
  'Person_sitting',
  'Cyclist',
  'Tram',
  'Misc',
] as const;

/** Every type the KITTI object benchmark uses. */
export const KITTI_TYPES = [...KITTI_CLASSES, 'DontCare'] as const;

/** A non-blank line of a KITTI file: its 1-based number and its whitespace-separated columns. */
export interface KittiLine {
  readonly line: number;
  readonly columns: readonly string[];
}

/** The non-blank lines of a KITTI label or results file (CRLF or LF; trailing blank lines allowed). */
export const kittiLines = (text: string): KittiLine[] => {
  const out: KittiLine[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line !== '') out.push({ line: i + 1, columns: line.split(/\s+/) });
  }
  return out;
};

// A decimal number as the KITTI devkit writes it (no hex, no inf/nan, no empty string).
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * The numeric columns of a KITTI line (every column after `type`), or the first one that is not
 * a finite decimal number, with its 1-based column number and name.
 */
export const kittiNumbers = (
  columns: readonly string[],
):
  | { readonly values: number[] }
  | { readonly column: number; readonly name: string; readonly got: string } => {
  const values: number[] = [];
  for (let c = 1; c < columns.length; c++) {
    const s = columns[c]!;
    const v = Number(s);
    if (!NUMBER.test(s) || !Number.isFinite(v))
      return { column: c + 1, name: KITTI_RESULT_COLUMNS[c] ?? `column ${c + 1}`, got: s };
    values.push(v);
  }
  return { values };
};
