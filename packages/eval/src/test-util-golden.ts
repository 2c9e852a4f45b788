/** Shapes of the golden fixture files (see fixtures/README.md). */
type Row = [string, number, number, number, number, number];
export interface VocGoldenCase {
  name: string;
  classes: string[];
  images: { id: string; objects: [string, number, number, number, number, number][] }[];
  dets: Record<string, Row[]>;
  expected: Record<
    '07' | '2010' | '2010_inclusive',
    { perClass: Record<string, number | 'NaN'>; mAP: number | 'NaN' }
  >;
}
export interface VocGolden {
  voc07Thresholds: number[];
  cases: VocGoldenCase[];
}

export const num = (v: number | 'NaN'): number => (v === 'NaN' ? Number.NaN : v);

export interface KittiGoldenCase {
  name: string;
  frames: { id: string; gt: string[]; det: string[] }[];
  expected: {
    computeAos: boolean;
    classes: Record<
      string,
      Record<
        'easy' | 'moderate' | 'hard',
        { precision: (number | 'NaN')[]; aos: (number | 'NaN')[] }
      >
    >;
  };
}
export interface KittiGolden {
  cases: KittiGoldenCase[];
}
