import type { RgbImage } from '@kd/data-voc-coco-kitti';
import { classColour } from '../pipeline/drawDetections.js';
import { pixelCanvas, type Rgb } from '../pipeline/pixelCanvas.js';
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyph } from './bitmapFont.js';

/** Height of a label strip: the glyphs and 1 px of padding above and below. */
export const LABEL_HEIGHT = GLYPH_HEIGHT + 2;

/** The label text of one detection: its class name and score with two decimals. */
export function labelText(className: string, score: number): string {
  return `${className} ${score.toFixed(2)}`;
}

/**
 * Draws each detection's label (`labelText`) on a strip of its class colour onto a copy of an RGB
 * image: above the box when there is room, else just inside its top edge; moved left when it
 * would run past the right edge, clipped when wider than the image.
 * Dark text on light colours, white on dark ones, so the label stays readable.
 * @param boxes `[D*4]` x1,y1,x2,y2 in the image's pixels; @param labels `[D]` 1…C;
 * @param scores `[D]`; @param classNames `C` names, `classNames[label - 1]` for label.
 */
export function drawLabels(
  image: RgbImage<Uint8Array>,
  boxes: Float32Array,
  labels: Int32Array,
  scores: Float32Array,
  classNames: readonly string[],
): RgbImage<Uint8Array> {
  const { image: out, put } = pixelCanvas(image);
  const W = image.width;
  for (let d = 0; d < labels.length; d++) {
    const label = labels[d]!;
    const text = labelText(classNames[label - 1] ?? String(label), scores[d]!);
    const back = classColour(label);
    const luma = 0.299 * back[0] + 0.587 * back[1] + 0.114 * back[2];
    const ink: Rgb = luma > 140 ? [0, 0, 0] : [255, 255, 255];
    const stripWidth = text.length * GLYPH_ADVANCE + 1;
    const x0 = Math.max(0, Math.min(Math.round(boxes[4 * d]!), W - stripWidth));
    const top = Math.round(boxes[4 * d + 1]!);
    const y0 = top - LABEL_HEIGHT >= 0 ? top - LABEL_HEIGHT : Math.max(0, top);
    for (let y = y0; y < y0 + LABEL_HEIGHT; y++)
      for (let x = x0; x < x0 + stripWidth; x++) put(x, y, back);
    for (const [k, char] of [...text].entries()) {
      const rows = glyph(char);
      const gx = x0 + 1 + k * GLYPH_ADVANCE;
      for (let r = 0; r < GLYPH_HEIGHT; r++)
        for (let c = 0; c < GLYPH_WIDTH; c++) if (rows[r]![c]) put(gx + c, y0 + 1 + r, ink);
    }
  }
  return out;
}
