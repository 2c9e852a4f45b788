/**
 * @kd/codecs — what every @kd package needs to read external shapes the same way: io-ts decode
 * errors located (JSON or XML paths) and worded once, and the vocabularies and line syntax of the
 * dataset formats that both the readers (@kd/data-voc-coco-kitti) and the metrics (@kd/eval) read.
 */
export { decodeErrorPath, type PathStyle } from './decodeErrorPath.js';
export {
  type DecodeProblem,
  type DecodeProblemOptions,
  decodeProblems,
  describeDecodeError,
  formatDecodeErrors,
} from './decodeProblems.js';
export {
  KITTI_CLASSES,
  KITTI_LABEL_COLUMNS,
  KITTI_RESULT_COLUMNS,
  KITTI_TYPES,
  type KittiLine,
  kittiLines,
  kittiNumbers,
} from './formats/kittiLines.js';
export { VOC_CLASSES } from './formats/vocClasses.js';
export { showValue } from './showValue.js';
