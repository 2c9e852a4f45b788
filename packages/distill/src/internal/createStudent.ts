import { decodeFasterRcnnConfig, FasterRcnn } from '@kd/faster-rcnn';
import * as E from 'fp-ts/lib/Either.js';
import type { RunConfig } from '../runConfig.js';

/**
 * The student a run config describes, with a class per dataset class (randomly initialised from
 * the detector's seed). `where` names the config in errors.
 */
export function createStudent(config: RunConfig, numClasses: number, where: string): FasterRcnn {
  const detector = decodeFasterRcnnConfig(
    { ...config.model.detector, numClasses },
    `${where} (model.detector)`,
  );
  if (E.isLeft(detector)) throw new Error(detector.left);
  return new FasterRcnn(detector.right);
}
