/**
 * @kd/eval — COCO, PASCAL VOC and KITTI detection metrics that reproduce the official tools
 * (pycocotools COCOeval, py-faster-rcnn voc_eval.py, KITTI devkit evaluate_object.cpp).
 * Plain float64 numbers; no tensors.
 */
export type { Evaluator } from './internal/Evaluator.js';
export { type EvalError, evalError, formatEvalError } from './internal/EvalError.js';

// COCO
export type { CocoDetection, CocoGtAnnotation, CocoImageGt, CocoParams, XywhBox } from './coco/cocoTypes.js';
export { cocoParams } from './coco/cocoParams.js';
export { cocoBoxIou } from './coco/cocoBoxIou.js';
export { cocoEvaluator, cocoEmpty, cocoUpdate, cocoMerge, type CocoEvalState } from './coco/cocoEvaluator.js';
export { cocoAccumulate, COCO_STAT_KEYS, type CocoEvalResult, type CocoStats } from './coco/cocoAccumulate.js';
export { CocoGtFileC, CocoResultsFileC, type CocoGtFile, type CocoResultsFile } from './coco/cocoCodecs.js';
export { cocoGtDataset, cocoDetections, type CocoGtDataset } from './coco/cocoDataset.js';
export { evaluateCoco, type CocoEvalOptions } from './coco/evaluateCoco.js';
export {
  evaluateCocoFiles,
  readCocoGtFile,
  cocoSummary,
  type CocoSummary,
  type CocoFilesOutput,
} from './coco/evaluateCocoFiles.js';
export { formatCocoTable } from './coco/formatCocoTable.js';

// PASCAL VOC
export {
  VOC_CLASSES,
  vocParams,
  type VocBox,
  type VocDetection,
  type VocImageGt,
  type VocObject,
  type VocParams,
} from './voc/vocTypes.js';
export { vocAp, VOC07_THRESHOLDS } from './voc/vocAp.js';
export {
  vocEvaluator,
  vocEmpty,
  vocUpdate,
  vocMerge,
  vocCompute,
  vocAddDetections,
  vocEvalClass,
  type VocEvalState,
  type VocEvalResult,
  type VocClassResult,
} from './voc/vocEvaluator.js';
export { parseVocXml } from './voc/vocXml.js';
export { parseVocResults } from './voc/vocResultsFile.js';
export {
  evaluateVocFiles,
  readVocDevkit,
  readVocSplit,
  vocSummary,
  type VocSummary,
  type VocFilesOptions,
  type VocFilesOutput,
} from './voc/evaluateVocFiles.js';
export { formatVocTable } from './voc/formatVocTable.js';

// KITTI
export {
  kittiParams,
  KITTI_DIFFICULTIES,
  type KittiBox,
  type KittiClassSpec,
  type KittiDetection,
  type KittiDifficulty,
  type KittiFrame,
  type KittiObject,
  type KittiParams,
} from './kitti/kittiTypes.js';
export { kittiBoxOverlap, kittiEvalClass, type KittiClassCurves } from './kitti/kittiEvalClass.js';
export {
  kittiEvaluator,
  kittiEmpty,
  kittiUpdate,
  kittiMerge,
  kittiCompute,
  type KittiEvalState,
  type KittiEvalResult,
  type KittiClassResult,
  type KittiDifficultyResult,
} from './kitti/kittiEvaluator.js';
export { parseKittiLabels, parseKittiResults } from './kitti/kittiLabelFile.js';
export {
  evaluateKittiFiles,
  readKittiFrames,
  readKittiFrameIds,
  kittiSummary,
  kittiPascalMap,
  type KittiSummary,
  type KittiFilesOptions,
  type KittiFilesOutput,
} from './kitti/evaluateKittiFiles.js';
export { formatKittiTable } from './kitti/formatKittiTable.js';
