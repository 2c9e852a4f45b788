/**
 * @kd/eval — COCO, PASCAL VOC and KITTI detection metrics that reproduce the official tools
 * (pycocotools COCOeval, py-faster-rcnn voc_eval.py, KITTI devkit evaluate_object.cpp).
 * Plain float64 numbers; no tensors.
 */

export {
  COCO_STAT_KEYS,
  type CocoEvalResult,
  type CocoStats,
  cocoAccumulate,
} from './coco/cocoAccumulate.js';
export { cocoBoxIou } from './coco/cocoBoxIou.js';
export {
  type CocoGtFile,
  CocoGtFileC,
  type CocoResultsFile,
  CocoResultsFileC,
} from './coco/cocoCodecs.js';
export { type CocoGtDataset, cocoDetections, cocoGtDataset } from './coco/cocoDataset.js';
export {
  type CocoEvalState,
  cocoEmpty,
  cocoEvaluator,
  cocoMerge,
  cocoUpdate,
} from './coco/cocoEvaluator.js';
export { cocoParams } from './coco/cocoParams.js';
// COCO
export type {
  CocoDetection,
  CocoGtAnnotation,
  CocoImageGt,
  CocoParams,
  XywhBox,
} from './coco/cocoTypes.js';
export { type CocoEvalOptions, evaluateCoco } from './coco/evaluateCoco.js';
export {
  type CocoFilesOutput,
  type CocoSummary,
  cocoSummary,
  evaluateCocoFiles,
  readCocoGtFile,
} from './coco/evaluateCocoFiles.js';
export { formatCocoTable } from './coco/formatCocoTable.js';
export {
  evalError,
  formatEvalError,
  type KdEvalError,
  KdEvalFailure,
} from './internal/EvalError.js';
export type { Evaluator } from './internal/Evaluator.js';
export {
  evaluateKittiFiles,
  type KittiFilesOptions,
  type KittiFilesOutput,
  type KittiSummary,
  kittiPascalMap,
  kittiSummary,
  readKittiFrameIds,
  readKittiFrames,
} from './kitti/evaluateKittiFiles.js';
export { formatKittiTable } from './kitti/formatKittiTable.js';
export { type KittiClassCurves, kittiBoxOverlap, kittiEvalClass } from './kitti/kittiEvalClass.js';
export {
  type KittiClassResult,
  type KittiDifficultyResult,
  type KittiEvalResult,
  type KittiEvalState,
  kittiCompute,
  kittiEmpty,
  kittiEvaluator,
  kittiMerge,
  kittiUpdate,
} from './kitti/kittiEvaluator.js';
export { parseKittiLabels, parseKittiResults } from './kitti/kittiLabelFile.js';
// KITTI
export {
  KITTI_DIFFICULTIES,
  type KittiBox,
  type KittiClassSpec,
  type KittiDetection,
  type KittiDifficulty,
  type KittiFrame,
  type KittiObject,
  type KittiParams,
  kittiParams,
} from './kitti/kittiTypes.js';
// what `kd eval coco|voc|kitti` prints
export { type CliText, runCocoEvalCli, runKittiEvalCli, runVocEvalCli } from './runEvalCli.js';
export { toPromise } from './toPromise.js';
export {
  evaluateVocFiles,
  readVocDevkit,
  readVocSplit,
  type VocFilesOptions,
  type VocFilesOutput,
  type VocSummary,
  vocSummary,
} from './voc/evaluateVocFiles.js';
export { formatVocTable } from './voc/formatVocTable.js';
export { VOC07_THRESHOLDS, vocAp } from './voc/vocAp.js';
export {
  type VocClassResult,
  type VocEvalResult,
  type VocEvalState,
  vocAddDetections,
  vocCompute,
  vocEmpty,
  vocEvalClass,
  vocEvaluator,
  vocMerge,
  vocUpdate,
} from './voc/vocEvaluator.js';
export { parseVocResults } from './voc/vocResultsFile.js';
// PASCAL VOC
export {
  VOC_CLASSES,
  type VocBox,
  type VocDetection,
  type VocImageGt,
  type VocObject,
  type VocParams,
  vocParams,
} from './voc/vocTypes.js';
export { parseVocXml } from './voc/vocXml.js';
