export * from './core/sample.js';
export * from './core/datasetDescriptor.js';
export * from './core/problem.js';
export * from './core/dataset.js';
export * from './core/detection.js';
export { resolveInside } from './core/resolveInside.js';
export { checkBox } from './core/checkBox.js';
export { createRng, type Rng } from './pipeline/createRng.js';
export { shuffleSeeded } from './pipeline/shuffleSeeded.js';
export type { RgbImage } from './image/rgbImage.js';
export { assertImageShape } from './image/rgbImage.js';
export { vocAnnotationXml } from './voc/vocAnnotationXml.js';
export { writeVoc, type WriteVocOptions } from './voc/writeVoc.js';
export { writeCoco, cocoImageIds, type WriteCocoOptions } from './coco/writeCoco.js';
export { cocoResultsJson, writeCocoResults } from './coco/cocoResultsJson.js';
export { kittiLabelText } from './kitti/kittiLabelText.js';
export { writeKitti, type WriteKittiOptions } from './kitti/writeKitti.js';
export { kittiResultsText, writeKittiResults } from './kitti/kittiResultsText.js';
export { SHAPE_CLASSES, DISTRACTOR_KINDS } from './synth/shapeSdf.js';
export {
  generateShapesDataset,
  SHAPES_DEFAULTS,
  type GenerateShapesOptions,
  type GeneratedShapesDataset,
} from './synth/generateShapesDataset.js';
export { readVoc, resolveVocYearDir, type ReadVocOptions } from './voc/readVoc.js';
export { decodeVocAnnotation } from './voc/decodeVocAnnotation.js';
export { readCoco, type ReadCocoOptions } from './coco/readCoco.js';
export { readKitti, type ReadKittiOptions } from './kitti/readKitti.js';
export { parseKittiLabel, KITTI_COLUMNS, KITTI_TYPES } from './kitti/parseKittiLabel.js';
export { readImageSize, type ImageSize } from './image/readImageSize.js';
export { parseXmlSafe } from './xml/parseXmlSafe.js';
export { decodeImage, decodeImageFile, type DecodeOptions } from './image/decodeImage.js';
export { fasterRcnnSize } from './image/fasterRcnnSize.js';
export { resizeBilinear } from './image/resizeBilinear.js';
export { normalizeImage, IMAGENET_MEAN, IMAGENET_STD, type NormalizeOptions } from './image/normalizeImage.js';
export { flipImageHorizontal, flipBoxHorizontal } from './image/flipHorizontal.js';
export { scaleBox } from './image/scaleBox.js';
export { prepareSample, type PreparedImage, type TransformOptions } from './pipeline/prepareSample.js';
export { padBatch, type ImageBatch } from './pipeline/padBatch.js';
export { toTensor } from './pipeline/toTensor.js';
export { loadBatches, type Batch, type LoadBatchesOptions } from './pipeline/loadBatches.js';
export { datasetStats, countSamples, type DatasetStats, type DatasetStatsOptions, type SizeBin } from './stats/datasetStats.js';
export { formatStatsTable } from './stats/formatStatsTable.js';
