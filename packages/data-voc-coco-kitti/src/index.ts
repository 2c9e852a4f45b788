export { KITTI_LABEL_COLUMNS as KITTI_COLUMNS, KITTI_TYPES } from '@kd/codecs';
export { type ForkableRng as Rng, sfc32 as createRng } from '@kd/random';
export { cocoResultsJson, writeCocoResults } from './coco/cocoResultsJson.js';
export { type ReadCocoOptions, readCoco } from './coco/readCoco.js';
export { cocoImageIds, type WriteCocoOptions, writeCoco } from './coco/writeCoco.js';
export { checkBox } from './core/checkBox.js';
export * from './core/dataset.js';
export {
  DatasetConfig,
  DatasetFormatName,
  decodeDatasetConfig,
  readDataset,
  splitDatasetConfig,
  TrainTestDatasetConfig,
} from './core/datasetConfig.js';
export * from './core/datasetDescriptor.js';
export type { DatasetFormatModule, DatasetReadOptions } from './core/datasetFormatModule.js';
export {
  datasetFormat,
  datasetFormatNames,
  registerDatasetFormat,
} from './core/datasetFormats.js';
export * from './core/detection.js';
export * from './core/problem.js';
export { readFileInside } from './core/readFileInside.js';
export { resolveInside } from './core/resolveInside.js';
export * from './core/sample.js';
export { type DecodeOptions, decodeImage, decodeImageFile } from './image/decodeImage.js';
export { DEFAULT_MAX_PIXELS, maxPixels } from './image/maxPixels.js';
export { type ImageSize, readImageSize } from './image/readImageSize.js';
export * from './imageOps.js';
export { kittiLabelText } from './kitti/kittiLabelText.js';
export { kittiResultsText, writeKittiResults } from './kitti/kittiResultsText.js';
export { parseKittiLabel } from './kitti/parseKittiLabel.js';
export { type ReadKittiOptions, readKitti } from './kitti/readKitti.js';
export { type WriteKittiOptions, writeKitti } from './kitti/writeKitti.js';
export { assertOutputFolder, type ReplacePolicy } from './output/assertOutputFolder.js';
export { writeFileAtomically } from './output/writeFileAtomically.js';
export { fsyncFolder, writeFolderAtomically } from './output/writeFolderAtomically.js';
export { type Batch, type LoadBatchesOptions, loadBatches } from './pipeline/loadBatches.js';
export { type ImageBatch, padBatch, paddedSide } from './pipeline/padBatch.js';
export { PreparePool } from './pipeline/preparePool.js';
export {
  type PreparedImage,
  prepareSample,
  type TransformOptions,
} from './pipeline/prepareSample.js';
export { shuffleSeeded } from './pipeline/shuffleSeeded.js';
export { toTensor } from './pipeline/toTensor.js';
export {
  countSamples,
  type DatasetStats,
  type DatasetStatsOptions,
  datasetStats,
  type SizeBin,
} from './stats/datasetStats.js';
export { formatStatsTable } from './stats/formatStatsTable.js';
export {
  ensureShapesDataset,
  ensureShapesFolder,
  SHAPES_GENERATOR_VERSION,
  type ShapesFolder,
} from './synth/ensureShapesDataset.js';
export {
  type GeneratedShapesDataset,
  type GenerateShapesOptions,
  generateShapesDataset,
  SHAPES_DEFAULTS,
} from './synth/generateShapesDataset.js';
export { DISTRACTOR_KINDS, SHAPE_CLASSES } from './synth/shapeSdf.js';
export { decodeVocAnnotation } from './voc/decodeVocAnnotation.js';
export { type ReadVocOptions, readVoc, resolveVocYearDir } from './voc/readVoc.js';
export { vocAnnotationXml } from './voc/vocAnnotationXml.js';
export { vocResultsText, writeVocResults } from './voc/vocResultsText.js';
export { type WriteVocOptions, writeVoc } from './voc/writeVoc.js';
export { parseXmlSafe } from './xml/parseXmlSafe.js';
