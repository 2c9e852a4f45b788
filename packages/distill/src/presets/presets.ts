import { DEFAULT_FASTER_RCNN_CONFIG } from '@kd/faster-rcnn';
import * as E from 'fp-ts/lib/Either.js';
import { decodeRunConfig, type RunConfig } from '../runConfig.js';

/**
 * The CPU-sized detectors of the embedded demo: a VGG16-style teacher at width ×0.125 and a student
 * at half its width (a quarter of its backbone FLOPs).
 */
export const SHAPES_TEACHER_DETECTOR = {
  backbone: { name: 'vgg16', widthMultiplier: 0.125, outputStride: 8 },
  anchors: { baseSize: 8, ratios: [0.5, 1, 2], scales: [1.5, 3, 6] },
  rpn: {
    channels: 64,
    preNmsTopNTrain: 600,
    postNmsTopNTrain: 300,
    preNmsTopNTest: 300,
    postNmsTopNTest: 100,
    batchSizePerImage: 128,
  },
  roiHead: { fcDims: [256, 256], batchSizePerImage: 64, outputSize: 7 },
  seed: 1,
};

export const SHAPES_STUDENT_DETECTOR = {
  backbone: { name: 'vgg16', widthMultiplier: 0.0625, outputStride: 8 },
  anchors: { baseSize: 8, ratios: [0.5, 1, 2], scales: [1.5, 3, 6] },
  rpn: {
    channels: 32,
    preNmsTopNTrain: 600,
    postNmsTopNTrain: 300,
    preNmsTopNTest: 300,
    postNmsTopNTest: 100,
    batchSizePerImage: 128,
  },
  roiHead: { fcDims: [64], batchSizePerImage: 64, outputSize: 7 },
  seed: 2,
};

/**
 * The pretrained teacher of the embedded demo: ImageNet MobileNetV2 (nsfwjs, width 1.0) at output
 * stride 8 (atrous) with frozen batch-norm statistics, so that the 11–15 px objects of the 128 px
 * images fall on the 12–48 px anchors of a stride-8 map.
 */
export const SHAPES_PRETRAINED_TEACHER_DETECTOR = {
  backbone: { name: 'mobilenetv2', pretrained: 'nsfwjs', outputStride: 8, frozenBatchNorm: true },
  anchors: { baseSize: 8, ratios: [0.5, 1, 2], scales: [1.5, 3, 6] },
  rpn: {
    channels: 128,
    preNmsTopNTrain: 600,
    postNmsTopNTrain: 300,
    preNmsTopNTest: 300,
    postNmsTopNTest: 100,
    batchSizePerImage: 128,
  },
  roiHead: { fcDims: [256, 256], batchSizePerImage: 64, outputSize: 7 },
  seed: 1,
};

/**
 * The pretrained teacher at 256 px (its fourth stage): the same network with anchors of twice the
 * size (base 16: 24–96 px), so that at twice the 128 px student's input every student anchor,
 * scaled up, lands on the teacher anchor of the same shape in the same place (centres 0.25 px
 * apart at the student's scale), whose RPN outputs are its soft targets.
 */
export const SHAPES_PRETRAINED_TEACHER256_DETECTOR = {
  ...SHAPES_PRETRAINED_TEACHER_DETECTOR,
  anchors: { ...SHAPES_PRETRAINED_TEACHER_DETECTOR.anchors, baseSize: 16 },
};

/**
 * The pretrained student: the teacher's ImageNet trunk cut after `block2` (32 channels, natively at
 * stride 8, Keras `block_5_add`) with smaller heads (RPN 64 channels, one fc of 128): 62 M
 * multiply-accumulates per 128 px image against the teacher's 314 M. It keeps the teacher's stride
 * 8, which the 11–15 px objects need (the full trunk at stride 16 reached 25.9 mAP@0.5 in the same
 * budget; docs/results/pretrained-recipes.md).
 */
export const SHAPES_PRETRAINED_STUDENT_DETECTOR = {
  ...SHAPES_PRETRAINED_TEACHER_DETECTOR,
  backbone: {
    name: 'mobilenetv2',
    pretrained: 'nsfwjs',
    outputStride: 8,
    stages: 3,
    frozenBatchNorm: true,
  },
  // The teacher's 300 / 100 test-time proposals: 150 / 50 raised one distilled student's mAP@0.5
  // by 0.7 and cost another 1.8 (docs/results/pretrained-recipes.md).
  rpn: { ...SHAPES_PRETRAINED_TEACHER_DETECTOR.rpn, channels: 64 },
  roiHead: { ...SHAPES_PRETRAINED_TEACHER_DETECTOR.roiHead, fcDims: [128] },
  seed: 2,
};

/**
 * The pretrained low-resolution student: the teacher's trunk (stride 8) and the student's heads at
 * 64 px, anchors halved (104 M multiply-accumulates per image).
 */
export const SHAPES_PRETRAINED_LOWRES_STUDENT_DETECTOR = {
  ...SHAPES_PRETRAINED_STUDENT_DETECTOR,
  backbone: SHAPES_PRETRAINED_TEACHER_DETECTOR.backbone,
  anchors: { baseSize: 8, ratios: [0.5, 1, 2], scales: [0.75, 1.5, 3] },
};

/**
 * The low-resolution student of the pretrained pair: the block2 student at 80 px, half the 160 px
 * teacher's input (Chen et al. §4), at output stride 4 (block2 dilated) so that its map (20×20)
 * is the teacher's and the hint needs no resampling. At stride 8 the 7–9 px objects fall under
 * one cell of a 10×10 map (seed 1: 28.7 mAP@0.5 against 47.1 at stride 4;
 * docs/results/pretrained-recipes.md). Its anchors are the teacher's (base 8, scales 1.5–6) at
 * half the base size: py-faster-rcnn's anchors sit at (base − 1) / 2 of each cell, so halving the
 * base (not the scales) puts each scaled-up student anchor on its teacher anchor (IoU ≥ 0.8),
 * whose RPN outputs are its soft targets (over seeds 1–3: +6.5 against +5.1 mAP@0.5 with the
 * scales halved, whose anchors land 3.5 px from the teacher's at its scale).
 */
export const SHAPES_PRETRAINED_LOWRES80_STUDENT_DETECTOR = {
  ...SHAPES_PRETRAINED_STUDENT_DETECTOR,
  backbone: { ...SHAPES_PRETRAINED_STUDENT_DETECTOR.backbone, outputStride: 4 },
  anchors: { baseSize: 4, ratios: [0.5, 1, 2], scales: [1.5, 3, 6] },
};

const shapes = { format: 'shapes' } as const;

/**
 * The student of the high-/low-resolution setting on the embedded dataset: the teacher's own
 * architecture (vgg16 ×0.125) seeing the images at half size (64 px instead of 128), with anchors
 * halved so that they cover the same objects.
 */
export const SHAPES_LOWRES_STUDENT_DETECTOR = {
  ...SHAPES_TEACHER_DETECTOR,
  anchors: { baseSize: 8, ratios: [0.5, 1, 2], scales: [0.75, 1.5, 3] },
  seed: 2,
};

// ---------------------------------------------------------------------------------------------
// The paper's settings (Chen et al., NIPS 2017). The paper trains with py-faster-rcnn and states
// only the distillation hyper-parameters; everything it leaves out is taken from py-faster-rcnn's
// end-to-end recipes and marked "not stated" below. Our backbones start from random weights: the
// paper's start from ImageNet classifiers, which kd does not ship, so expect lower absolute mAP.
// ---------------------------------------------------------------------------------------------

/** py-faster-rcnn's RPN (anchors 3 scales × 3 ratios, 256 anchors per image): the detector default. */
const paperRpn = (channels: number) => ({ ...DEFAULT_FASTER_RCNN_CONFIG.rpn, channels });

/**
 * py-faster-rcnn's Fast R-CNN head: RoI max pooling (7×7 for VGG16, 6×6 for AlexNet / VGG-M as
 * in their Caffe prototxts), 128 sampled RoIs per image with ≤ 25 % foreground (the paper does not
 * state its RoI batch: this is py-faster-rcnn's TRAIN.BATCH_SIZE), boxes normalised by
 * (0.1, 0.1, 0.2, 0.2).
 */
const paperRoiHead = (outputSize: number, fcDims: number[]) => ({
  pooler: 'pool',
  outputSize,
  fcDims,
  batchSizePerImage: 128,
  positiveFraction: 0.25,
  boxWeights: [10, 10, 5, 5],
});

const VOC_ANCHORS = { baseSize: 16, ratios: [0.5, 1, 2], scales: [8, 16, 32] };
/** py-faster-rcnn's COCO models add the 64 px anchors (scale 4). */
const COCO_ANCHORS = { baseSize: 16, ratios: [0.5, 1, 2], scales: [4, 8, 16, 32] };

/** The paper's teacher: full-width VGG16, stride 16, fc6/fc7 of 4096. */
const vgg16Detector = (anchors: object) => ({
  backbone: { name: 'vgg16', widthMultiplier: 1, outputStride: 16 },
  anchors,
  rpn: paperRpn(512),
  roiHead: paperRoiHead(7, [4096, 4096]),
  seed: 1,
});
/** AlexNet student (stride 16 like the teacher, so RPN anchors coincide): fc6/fc7 of 4096. */
const alexnetDetector = (anchors: object) => ({
  backbone: { name: 'alexnet', widthMultiplier: 1, outputStride: 16 },
  anchors,
  rpn: paperRpn(256),
  roiHead: paperRoiHead(6, [4096, 4096]),
  seed: 2,
});
/** VGG-M student, py-faster-rcnn's VGG_CNN_M_1024 (fc7 of 1024). */
const vggmDetector = (anchors: object) => ({
  backbone: { name: 'vggm', widthMultiplier: 1, outputStride: 16 },
  anchors,
  rpn: paperRpn(256),
  roiHead: paperRoiHead(6, [4096, 1024]),
  seed: 2,
});

/**
 * py-faster-rcnn's end-to-end SGD: 1 image per step, lr 0.001, momentum 0.9, weight decay 5e-4,
 * ×0.1 at `milestone`, horizontal flips, no warm-up. The paper does not state the students'
 * schedule.
 */
const paperOptim = (steps: number, milestone: number) => ({
  steps,
  batchSize: 1,
  lr: 0.001,
  momentum: 0.9,
  weightDecay: 0.0005,
  warmupSteps: 0,
  schedule: 'step',
  milestones: [milestone],
  flip: true,
  seed: 1,
  checkpointEvery: 5000,
  evalEvery: 10000,
});

/**
 * The paper's objective: λ = 1, γ = 0.5 (hint), ν = 0.5 (teacher bound), background column
 * weight 1.5, T = 1 (the paper found T = 1 best for detection). μ is not stated in the paper (0.5
 * here, as in the method notes); the margin m is not stated either (0).
 */
const PAPER_OBJECTIVE = {
  mu: 0.5,
  temperature: 1,
  backgroundWeight: 1.5,
  lambda: 1,
  nu: 0.5,
  margin: 0,
  gamma: 0.5,
};

/** The hint is the backbone output that feeds RPN and RCN, adapted by a 1×1 convolution. */
const paperHint = (studentLayer: string) => ({
  teacherLayer: 'conv5_3',
  studentLayer,
  adaptation: 'conv1x1',
});

/** Where the paper presets expect the user's data; pass your own config to change it. */
const VOC07 = {
  format: 'voc',
  root: 'data/VOCdevkit/VOC2007',
  trainSplit: 'trainval',
  testSplit: 'test',
};
const KITTI = {
  format: 'kitti',
  root: 'data/kitti',
  // The paper scores KITTI PASCAL-style on a train/val split of the labelled frames (the 3DOP /
  // MS-CNN split: ImageSets/train.txt, ImageSets/val.txt); its class list is not stated.
  trainSplit: 'train',
  testSplit: 'val',
  classes: ['Car', 'Pedestrian', 'Cyclist'],
};
const COCO = {
  format: 'coco',
  root: 'data/coco',
  // The paper trains on COCO train and reports on val (2014); train2017 / val2017 are the same
  // images regrouped (≈ trainval35k / minival).
  trainSplit: 'train2017',
  testSplit: 'val2017',
};

/**
 * A preset: what it is for (shown by `kd presets`), its run config, and notes keyed by config path
 * that say where a value comes from when the paper does not state it (shown by `kd presets NAME`).
 */
interface Preset {
  readonly description: string;
  readonly config: unknown;
  readonly notes?: Readonly<Record<string, string>>;
}

/**
 * The pretrained students' budget (measured: lr 0.02 blows the RoI classification loss up after
 * the warm-up, as for the teacher; see docs/results/pretrained-recipes.md).
 */
const PRETRAINED_STUDENT_OPTIM = {
  steps: 150,
  batchSize: 8,
  lr: 0.01,
  warmupSteps: 30,
  clipGradNorm: 10,
  seed: 1,
};
/** The pretrained teacher's fine-tuning stages (160 px: 300 steps, 192 px: 200): 0.4× the first stage's lr, fresh momentum. */
const PRETRAINED_TEACHER_FINETUNE_OPTIM = {
  steps: 300,
  batchSize: 8,
  lr: 0.004,
  warmupSteps: 20,
  clipGradNorm: 10,
  seed: 1,
  checkpointEvery: 50,
  evalEvery: 100,
};
/**
 * The demo students' budget: 200 steps. Measured on seed 1 (docs/results/pretrained-recipes.md):
 * the baseline reaches 36.3 / 47.8 / 57.5 mAP@0.5 after 150 / 200 / 250 steps; at 200 the distilled
 * student clears 50 and the demo fits its 15 minutes.
 */
const DEMO_STUDENT_OPTIM = { ...PRETRAINED_STUDENT_OPTIM, steps: 200 };
/** MobileNetV2 features reach ~20: unnormalised, the hint loss (~30 at step 1) swamps the rest. */
const PRETRAINED_HINT = {
  teacherLayer: 'block4',
  studentLayer: 'block4',
  normalize: 'channelL2',
};
/**
 * The pretrained student's hint (the paper's pairing: the teacher's last trunk layer guides the
 * student's): teacher `block4` (96 channels) → student `block2` (32), both at stride 8.
 */
const PRETRAINED_STUDENT_HINT = { ...PRETRAINED_HINT, studentLayer: 'block2' };

const SHAPES_NOTES = {
  '': "kd's own CPU setting on the embedded shapes dataset, not a setting of the paper: sizes, schedule and widths are chosen to train in minutes on a laptop",
};
const PAPER_NOTES = {
  'model.detector':
    "the paper's backbones start from ImageNet classifiers; kd ships no ImageNet weights, so these start from random weights: expect lower absolute mAP",
  optim:
    "the paper states no optimiser settings: py-faster-rcnn's end-to-end SGD (1 image per step, lr 0.001, momentum 0.9, weight decay 5e-4, ×0.1 at the milestone, horizontal flips, no warm-up)",
};
const VOC_SCHEDULE = {
  'optim.steps':
    "not stated in the paper: py-faster-rcnn's VGG16 VOC07 end-to-end schedule, 70k steps",
  'optim.milestones': 'not stated in the paper: ×0.1 at 50k steps (py-faster-rcnn, VOC07)',
};
const COCO_SCHEDULE = {
  'optim.steps':
    "not stated in the paper: py-faster-rcnn's VGG16 COCO end-to-end schedule, 490k steps",
  'optim.milestones': 'not stated in the paper: ×0.1 at 350k steps (py-faster-rcnn, COCO)',
};
const OBJECTIVE_NOTES = {
  'distill.objective':
    'stated in the paper: λ = 1, γ = 0.5 (hint), ν = 0.5 (teacher bound), background class weight 1.5, T = 1',
  'distill.objective.mu': 'not stated in the paper: 0.5, the hard/soft balance of the method notes',
  'distill.objective.margin': 'not stated in the paper: 0',
  'distill.hint.adaptation':
    "the paper adapts the student's hint layer to the teacher's channels; a 1×1 convolution is the cheapest such layer (its kernel size is not stated)",
};
const KITTI_NOTES = {
  'dataset.trainSplit':
    'the paper scores KITTI PASCAL-style on a train/val split of the labelled frames; the 3DOP / MS-CNN split (ImageSets/train.txt, val.txt) is assumed',
  'dataset.classes':
    'not stated in the paper: Car, Pedestrian, Cyclist (the KITTI benchmark classes)',
  'model.minSize':
    'not stated in the paper: KITTI frames are 375 px high; 500 px (×1.33) helps small pedestrians and cyclists, as common Faster R-CNN KITTI setups do',
  'optim.steps':
    "not stated in the paper: py-faster-rcnn's VOC07 schedule (KITTI train ≈ 3.7k frames, like VOC07's 5k), 70k steps",
  'optim.milestones': 'not stated in the paper: ×0.1 at 50k steps, as for VOC07',
};
const COCO_NOTES = {
  'dataset.trainSplit':
    'the paper trains on COCO 2014 train and reports on val; train2017 / val2017 are the same images regrouped (≈ trainval35k / minival)',
  'model.detector.anchors': "py-faster-rcnn's COCO models add the 64 px anchors (4 scales)",
};
const HIRES_NOTES = {
  'model.minSize': "688 px (teacher) and 344 px (student) are the paper's sizes",
  'model.maxSize': "not stated in the paper: keeps py-faster-rcnn's 600:1000 ratio",
};

/** Where the low-resolution pair's values come from (docs/results/pretrained-recipes.md). */
const LOWRES80_NOTES = {
  ...SHAPES_NOTES,
  'model.minSize':
    "measured: half the 160 px teacher's input, the paper's setting; at 80 px the 11–15 px objects are 7–9 px",
  'model.detector.backbone.outputStride':
    "measured: at stride 8 (a 10×10 map) the 80 px baseline reached 28.7 mAP@0.5 on seed 1, at stride 4 47.1; the 20×20 map is the 160 px teacher's, so the hint needs no resampling",
  'model.detector.anchors':
    "base size 4 with the teacher's scales: each student anchor scaled ×2 lies on its teacher anchor (IoU ≥ 0.8), from which its RPN soft targets are read; the scales halved instead put them 3.5 px off (+5.1 against +6.5 mAP@0.5 over seeds 1–3, within float-rounding noise)",
};

const PRESETS: Record<string, Preset> = {
  'shapes-teacher': {
    description:
      'CPU teacher on the embedded dataset: VGG16 ×0.125 at 128 px (the shipped models/shapes-teacher)',
    notes: SHAPES_NOTES,
    config: {
      name: 'shapes-teacher',
      dataset: shapes,
      model: { detector: SHAPES_TEACHER_DETECTOR },
      optim: {
        steps: 1500,
        batchSize: 8,
        lr: 0.02,
        clipGradNorm: 10,
        seed: 1,
        checkpointEvery: 100,
        evalEvery: 500,
      },
    },
  },
  'shapes-teacher-pretrained': {
    description:
      'CPU teacher on the embedded dataset from ImageNet weights: MobileNetV2 (nsfwjs) at output stride 8, frozen batch norm, 128 px (the shipped models/shapes-teacher-pretrained)',
    notes: {
      ...SHAPES_NOTES,
      'optim.lr':
        'measured: lr 0.02 (50-step warm-up) diverged when the warm-up ended (RoI classification loss ×4 at steps 50–100, then stuck near 1.0); lr 0.01 trains',
      'optim.steps':
        'measured: mAP@0.5 78.5 / 84.0 / 84.1 at steps 500 / 1,000 / 1,500 (400 steps: 69.5): the schedule is no longer the limit',
    },
    config: {
      name: 'shapes-teacher-pretrained',
      dataset: shapes,
      model: { detector: SHAPES_PRETRAINED_TEACHER_DETECTOR },
      optim: {
        steps: 1500,
        batchSize: 8,
        lr: 0.01,
        warmupSteps: 50,
        clipGradNorm: 10,
        seed: 1,
        checkpointEvery: 100,
        evalEvery: 500,
      },
    },
  },
  'shapes-teacher-pretrained-160': {
    description:
      'second stage of the pretrained teacher: shapes-teacher-pretrained (runs/shapes-teacher-pretrained, after `kd train --preset shapes-teacher-pretrained`) fine-tuned at 160 px for 300 steps (the shipped models/shapes-teacher-pretrained-160)',
    notes: {
      ...SHAPES_NOTES,
      'model.init':
        'stage 1 is `kd train --preset shapes-teacher-pretrained` (1,500 steps at 128 px, 84.1 mAP@0.5); the shipped models/shapes-teacher-pretrained-160 was fine-tuned from models/shapes-teacher-pretrained (the model-only copy of that run) with --set model.init=models/shapes-teacher-pretrained',
      'model.minSize':
        'measured: at 160 px the 11–15 px objects become 14–19 px, ~2 cells of the stride-8 map; the anchors (12–48 px) stay. mAP@0.5 87.0 / 88.1 / 88.1 at steps 100 / 200 / 300 (mAP@[.5:.95] 56.9 / 61.0 / 61.5); docs/results/pretrained-recipes.md',
      'optim.lr':
        'a fine-tune: 0.004 (0.4× the first stage) with a 20-step warm-up and cosine decay, fresh momentum',
    },
    config: {
      name: 'shapes-teacher-pretrained-160',
      dataset: shapes,
      model: {
        detector: SHAPES_PRETRAINED_TEACHER_DETECTOR,
        minSize: 160,
        maxSize: 267,
        init: 'runs/shapes-teacher-pretrained',
      },
      optim: PRETRAINED_TEACHER_FINETUNE_OPTIM,
    },
  },
  'shapes-teacher-pretrained-192': {
    description:
      "third stage of the pretrained teacher: shapes-teacher-pretrained-160 (runs/shapes-teacher-pretrained-160) fine-tuned at 192 px for 200 steps (the shipped models/shapes-teacher-pretrained-192: the strongest teacher, not the demo's)",
    notes: {
      ...SHAPES_NOTES,
      'model.init':
        'the shipped models/shapes-teacher-pretrained-192 was fine-tuned from models/shapes-teacher-pretrained-160 with --set model.init=models/shapes-teacher-pretrained-160',
      'model.minSize':
        'measured: the 160 px teacher scores 88.8 mAP@0.5 re-scored at 192 px; fine-tuned there 89.3 / 64.9 (+1.2 / +3.4 over 160 px) for (192/160)² = 1.44× its multiply-accumulates; as the teacher of the 128 px block2 student it distilled worse than the 160 px one over 3 seeds; docs/results/pretrained-recipes.md',
      'optim.lr':
        'as the second stage: 0.004 with a 20-step warm-up and cosine decay, fresh momentum',
    },
    config: {
      name: 'shapes-teacher-pretrained-192',
      dataset: shapes,
      model: {
        detector: SHAPES_PRETRAINED_TEACHER_DETECTOR,
        minSize: 192,
        maxSize: 320,
        init: 'runs/shapes-teacher-pretrained-160',
      },
      optim: { ...PRETRAINED_TEACHER_FINETUNE_OPTIM, steps: 200 },
    },
  },
  'shapes-teacher-pretrained-256': {
    description:
      "fourth stage of the pretrained teacher: shapes-teacher-pretrained-192 (runs/shapes-teacher-pretrained-192) fine-tuned at 256 px with anchors of twice the size (24–96 px) for 300 steps (the shipped models/shapes-teacher-pretrained-256, kd demo's teacher)",
    notes: {
      ...SHAPES_NOTES,
      'model.init':
        'the shipped models/shapes-teacher-pretrained-256 was fine-tuned from models/shapes-teacher-pretrained-192 with --set model.init=models/shapes-teacher-pretrained-192',
      'model.minSize':
        "measured: 90.2 / 90.7 / 91.3 mAP@0.5 at steps 100 / 200 / 300 (mAP@[.5:.95] 64.3 / 66.9 / 68.1); twice the 128 px student's input, so that each student anchor has a teacher anchor of its own size and place (the distillation pair's high-resolution teacher); docs/results/pretrained-recipes.md",
      'model.detector.anchors':
        "twice the first stages' (base 16: 24–96 px): the 22–30 px objects at 256 px meet the anchors as the 11–15 px objects at 128 px met the 12–48 px ones",
      'optim.lr':
        'as the second stage: 0.004 with a 20-step warm-up and cosine decay, fresh momentum',
    },
    config: {
      name: 'shapes-teacher-pretrained-256',
      dataset: shapes,
      model: {
        detector: SHAPES_PRETRAINED_TEACHER256_DETECTOR,
        minSize: 256,
        maxSize: 427,
        init: 'runs/shapes-teacher-pretrained-192',
      },
      optim: PRETRAINED_TEACHER_FINETUNE_OPTIM,
    },
  },
  'shapes-student-pretrained': {
    description:
      'CPU student baseline from ImageNet weights: MobileNetV2 (nsfwjs) cut after block2 (stride 8, 32 channels), small heads, 128 px, no teacher',
    notes: SHAPES_NOTES,
    config: {
      name: 'shapes-student-pretrained',
      dataset: shapes,
      model: { detector: SHAPES_PRETRAINED_STUDENT_DETECTOR },
      optim: DEMO_STUDENT_OPTIM,
    },
  },
  'shapes-distill-pretrained': {
    description:
      'CPU student of shapes-student-pretrained (128 px) distilled from models/shapes-teacher-pretrained-256 at twice its resolution (hint block4 → block2, channel-normalised; T = 2 with T² scaling)',
    notes: {
      ...SHAPES_NOTES,
      'distill.teacher':
        "measured over seeds 1–3 (docs/results/pretrained-recipes.md): the 256 px teacher (91.3 mAP@0.5) lifts the student from 47.6 ± 0.4 to 54.0 ± 3.4 mAP@0.5 (the 160 px teacher, 88.1: 54.3 ± 1.1 on the same machine) and takes 3.2–3.9× the student's time per image in Node (the 160 px teacher 2.2–2.7×); the 192 px teacher, whose anchors match no student anchor's scale, distilled worse",
    },
    config: {
      name: 'shapes-distill-pretrained',
      dataset: shapes,
      model: { detector: SHAPES_PRETRAINED_STUDENT_DETECTOR },
      optim: DEMO_STUDENT_OPTIM,
      distill: {
        teacher: 'models/shapes-teacher-pretrained-256',
        // The teacher at its own input size, twice the student's (the paper's high-resolution
        // teacher): its anchors are twice the student's, so each student anchor reads its RPN soft
        // targets from the teacher anchor of its own shape and place, and the student's 16×16 hint
        // map is upsampled ×2 to the teacher's 32×32. The 192 px teacher, whose anchors matched
        // no student anchor's scale, distilled worse (docs/results/pretrained-recipes.md).
        teacherMinSize: 256,
        teacherMaxSize: 427,
        // The frozen teacher as compiled TensorFlow graphs on the native backend (a faster step;
        // op by op elsewhere): the 3-seed table was measured with it.
        compileTeacher: 'auto',
        hint: PRETRAINED_STUDENT_HINT,
        // Measured with the stride-16 student on seeds 1–3 (docs/results/pretrained-recipes.md):
        // +4.0 mAP@0.5 over the baseline against +1.4 with T = 1.
        objective: { temperature: 2, scaleByTemperatureSquared: true },
      },
    },
  },
  'shapes-lowres-student-pretrained': {
    description:
      "CPU low-resolution baseline from ImageNet weights: the pretrained teacher's trunk at 64 px, small heads, no teacher (the first pretrained-lowres pair, superseded by shapes-lowres-student-pretrained-80)",
    notes: SHAPES_NOTES,
    config: {
      name: 'shapes-lowres-student-pretrained',
      dataset: shapes,
      model: { detector: SHAPES_PRETRAINED_LOWRES_STUDENT_DETECTOR, minSize: 64, maxSize: 107 },
      optim: PRETRAINED_STUDENT_OPTIM,
    },
  },
  'shapes-hires-pretrained': {
    description:
      'CPU high-res teacher → low-res student from ImageNet weights: models/shapes-teacher-pretrained at 128 px guides its trunk at 64 px (the first pretrained-lowres pair, superseded by shapes-hires-pretrained-80)',
    notes: SHAPES_NOTES,
    config: {
      name: 'shapes-hires-pretrained',
      dataset: shapes,
      model: { detector: SHAPES_PRETRAINED_LOWRES_STUDENT_DETECTOR, minSize: 64, maxSize: 107 },
      optim: PRETRAINED_STUDENT_OPTIM,
      distill: {
        teacher: 'models/shapes-teacher-pretrained',
        teacherMinSize: 128,
        teacherMaxSize: 213,
        hint: PRETRAINED_HINT,
      },
    },
  },
  'shapes-lowres-student-pretrained-80': {
    description:
      "CPU low-resolution baseline from ImageNet weights: the demo's block2 student at 80 px, output stride 4 (block2 dilated), anchors of half the teacher's size, no teacher",
    notes: LOWRES80_NOTES,
    config: {
      name: 'shapes-lowres-student-pretrained-80',
      dataset: shapes,
      model: { detector: SHAPES_PRETRAINED_LOWRES80_STUDENT_DETECTOR, minSize: 80, maxSize: 133 },
      optim: DEMO_STUDENT_OPTIM,
    },
  },
  'shapes-hires-pretrained-80': {
    description:
      'CPU high-res teacher → low-res student from ImageNet weights: models/shapes-teacher-pretrained-160 at 160 px guides shapes-lowres-student-pretrained-80 at half its resolution (hint block4 → block2, both 20×20; T = 2 with T² scaling)',
    notes: {
      ...LOWRES80_NOTES,
      'distill.objective':
        "measured: T = 2 with T² scaling, +6.5 ± 1.6 mAP@0.5 over seeds 1–3; the paper's T = 1 ended under the baseline on every seed (−2.1 ± 0.8); hint weight γ = 25 lost 5 points on seed 1",
    },
    config: {
      name: 'shapes-hires-pretrained-80',
      dataset: shapes,
      model: { detector: SHAPES_PRETRAINED_LOWRES80_STUDENT_DETECTOR, minSize: 80, maxSize: 133 },
      optim: DEMO_STUDENT_OPTIM,
      distill: {
        teacher: 'models/shapes-teacher-pretrained-160',
        teacherMinSize: 160,
        teacherMaxSize: 267,
        hint: PRETRAINED_STUDENT_HINT,
        // With the paper's T = 1 this student ended under its baseline on every seed (−2.1 ± 0.8
        // against +6.5 ± 1.6; docs/results/pretrained-recipes.md).
        objective: { temperature: 2, scaleByTemperatureSquared: true },
      },
    },
  },
  'shapes-student': {
    description: 'CPU student baseline on the embedded dataset: VGG16 ×0.0625, no teacher',
    notes: SHAPES_NOTES,
    config: {
      name: 'shapes-student',
      dataset: shapes,
      model: { detector: SHAPES_STUDENT_DETECTOR },
      optim: { steps: 600, batchSize: 8, lr: 0.02, clipGradNorm: 10, seed: 1 },
    },
  },
  'shapes-distill': {
    description:
      'CPU student distilled from models/shapes-teacher with the full objective (hint conv5_3 → conv5_3)',
    notes: SHAPES_NOTES,
    config: {
      name: 'shapes-distill',
      dataset: shapes,
      model: { detector: SHAPES_STUDENT_DETECTOR },
      optim: { steps: 600, batchSize: 8, lr: 0.02, clipGradNorm: 10, seed: 1 },
      distill: {
        teacher: 'models/shapes-teacher',
        hint: { teacherLayer: 'conv5_3', studentLayer: 'conv5_3' },
      },
    },
  },
  'shapes-lowres-student': {
    description:
      "CPU low-resolution baseline: the teacher's architecture at 64 px (half the teacher's 128), no teacher",
    notes: SHAPES_NOTES,
    config: {
      name: 'shapes-lowres-student',
      dataset: shapes,
      model: { detector: SHAPES_LOWRES_STUDENT_DETECTOR, minSize: 64, maxSize: 107 },
      optim: { steps: 600, batchSize: 8, lr: 0.02, clipGradNorm: 10, seed: 1 },
    },
  },
  'shapes-hires': {
    description:
      'CPU high-res teacher → low-res student: models/shapes-teacher at 128 px guides the same architecture at 64 px (hint upsampled ×2)',
    notes: SHAPES_NOTES,
    config: {
      name: 'shapes-hires',
      dataset: shapes,
      model: { detector: SHAPES_LOWRES_STUDENT_DETECTOR, minSize: 64, maxSize: 107 },
      optim: { steps: 600, batchSize: 8, lr: 0.02, clipGradNorm: 10, seed: 1 },
      distill: {
        teacher: 'models/shapes-teacher',
        teacherMinSize: 128,
        teacherMaxSize: 213,
        hint: { teacherLayer: 'conv5_3', studentLayer: 'conv5_3' },
      },
    },
  },

  // The paper's settings: real data under data/, teachers trained first with the *-teacher presets.
  'voc07-vgg16-teacher': {
    description:
      'paper teacher: VGG16 Faster R-CNN on VOC07 trainval (data/VOCdevkit/VOC2007), 600 px; kd train',
    notes: { ...PAPER_NOTES, ...VOC_SCHEDULE },
    config: {
      name: 'voc07-vgg16-teacher',
      dataset: VOC07,
      model: { detector: vgg16Detector(VOC_ANCHORS), minSize: 600, maxSize: 1000 },
      // py-faster-rcnn's VGG16 VOC07 end-to-end schedule: 70k steps, ×0.1 at 50k.
      optim: paperOptim(70000, 50000),
    },
  },
  'voc07-vgg16-to-alexnet': {
    description:
      'paper: AlexNet student distilled from the VOC07 VGG16 teacher (runs/voc07-vgg16-teacher), full objective; kd distill',
    notes: { ...PAPER_NOTES, ...VOC_SCHEDULE, ...OBJECTIVE_NOTES },
    config: {
      name: 'voc07-vgg16-to-alexnet',
      dataset: VOC07,
      model: { detector: alexnetDetector(VOC_ANCHORS), minSize: 600, maxSize: 1000 },
      optim: paperOptim(70000, 50000),
      distill: {
        teacher: 'runs/voc07-vgg16-teacher',
        objective: PAPER_OBJECTIVE,
        hint: paperHint('conv5'),
      },
    },
  },
  'kitti-vgg16-teacher': {
    description:
      'paper teacher: VGG16 Faster R-CNN on KITTI train (data/kitti, Car/Pedestrian/Cyclist); kd train',
    notes: { ...PAPER_NOTES, ...KITTI_NOTES },
    config: {
      name: 'kitti-vgg16-teacher',
      dataset: KITTI,
      // Input size not stated in the paper: KITTI frames are 375 px high; 500 px (×1.33) helps the
      // small pedestrians and cyclists, as common Faster R-CNN KITTI setups do.
      model: { detector: vgg16Detector(VOC_ANCHORS), minSize: 500, maxSize: 1700 },
      // Schedule not stated: py-faster-rcnn's VOC07 one (KITTI train ≈ 3.7k frames, like VOC07's 5k).
      optim: paperOptim(70000, 50000),
    },
  },
  'kitti-vgg16-to-alexnet': {
    description:
      'paper: AlexNet student distilled from the KITTI VGG16 teacher (runs/kitti-vgg16-teacher); kd distill',
    notes: { ...PAPER_NOTES, ...KITTI_NOTES, ...OBJECTIVE_NOTES },
    config: {
      name: 'kitti-vgg16-to-alexnet',
      dataset: KITTI,
      model: { detector: alexnetDetector(VOC_ANCHORS), minSize: 500, maxSize: 1700 },
      optim: paperOptim(70000, 50000),
      distill: {
        teacher: 'runs/kitti-vgg16-teacher',
        objective: PAPER_OBJECTIVE,
        hint: paperHint('conv5'),
      },
    },
  },
  'coco-vgg16-teacher': {
    description:
      'paper teacher: VGG16 Faster R-CNN on COCO train2017 (data/coco), 4 anchor scales; kd train',
    notes: { ...PAPER_NOTES, ...COCO_SCHEDULE, ...COCO_NOTES },
    config: {
      name: 'coco-vgg16-teacher',
      dataset: COCO,
      model: { detector: vgg16Detector(COCO_ANCHORS), minSize: 600, maxSize: 1000 },
      // py-faster-rcnn's VGG16 COCO end-to-end schedule: 490k steps, ×0.1 at 350k.
      optim: paperOptim(490000, 350000),
    },
  },
  'coco-vgg16-to-vggm': {
    description:
      'paper: VGG-M student distilled from the COCO VGG16 teacher (runs/coco-vgg16-teacher); kd distill',
    notes: { ...PAPER_NOTES, ...COCO_SCHEDULE, ...COCO_NOTES, ...OBJECTIVE_NOTES },
    config: {
      name: 'coco-vgg16-to-vggm',
      dataset: COCO,
      model: { detector: vggmDetector(COCO_ANCHORS), minSize: 600, maxSize: 1000 },
      optim: paperOptim(490000, 350000),
      distill: {
        teacher: 'runs/coco-vgg16-teacher',
        objective: PAPER_OBJECTIVE,
        hint: paperHint('conv5'),
      },
    },
  },
  'voc07-hires-vgg16-teacher': {
    description: 'paper high-resolution teacher: VGG16 on VOC07 at 688 px shorter side; kd train',
    notes: { ...PAPER_NOTES, ...VOC_SCHEDULE, ...HIRES_NOTES },
    config: {
      name: 'voc07-hires-vgg16-teacher',
      dataset: VOC07,
      // 688 / 344 px are the paper's sizes; the longer-side caps keep py-faster-rcnn's 600:1000 ratio.
      model: { detector: vgg16Detector(VOC_ANCHORS), minSize: 688, maxSize: 1147 },
      optim: paperOptim(70000, 50000),
    },
  },
  'voc07-hires-vgg16-to-lowres-vgg16': {
    description:
      'paper: VGG16 student at 344 px distilled from the 688 px VGG16 teacher (runs/voc07-hires-vgg16-teacher); the hint is upsampled ×2; kd distill',
    notes: { ...PAPER_NOTES, ...VOC_SCHEDULE, ...HIRES_NOTES, ...OBJECTIVE_NOTES },
    config: {
      name: 'voc07-hires-vgg16-to-lowres-vgg16',
      dataset: VOC07,
      model: { detector: { ...vgg16Detector(VOC_ANCHORS), seed: 2 }, minSize: 344, maxSize: 573 },
      optim: paperOptim(70000, 50000),
      distill: {
        teacher: 'runs/voc07-hires-vgg16-teacher',
        teacherMinSize: 688,
        teacherMaxSize: 1147,
        objective: PAPER_OBJECTIVE,
        hint: paperHint('conv5_3'),
      },
    },
  },
};

export const PRESET_NAMES = Object.keys(PRESETS);

/** What a preset is for, or undefined for an unknown name. */
export function presetDescription(name: string): string | undefined {
  return PRESETS[name]?.description;
}

/**
 * The notes of a preset as `[config path, note]` pairs (`''` for the whole preset): where each value
 * the paper does not state comes from. Empty for an unknown name.
 */
export function presetNotes(name: string): readonly (readonly [string, string])[] {
  return Object.entries(PRESETS[name]?.notes ?? {});
}

/** A built-in run config by name, decoded like a user's file. */
export function presetConfig(name: string): E.Either<string, RunConfig> {
  const p = PRESETS[name];
  if (p === undefined)
    return E.left(`unknown preset '${name}'; the presets are: ${PRESET_NAMES.join(', ')}`);
  return decodeRunConfig(p.config, `preset ${name}`);
}
