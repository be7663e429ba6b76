import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import { NOISY_ANNOTATIONS } from '../k8s/change-mark';
import { maskSecrets } from './secrets';

type Json = Record<string, unknown>;

/** Set by the server on every write, different on every object: never part of a comparison. */
const NOISY_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'generation',
  'selfLink',
];

/**
 * The object as a reader compares it: no status, no server bookkeeping. Defaults the server
 * fills in stay: both sides of a comparison carry them, so they show only where they differ.
 */
export function withoutNoise(object: Readonly<Json>): Json {
  const copy = structuredClone(object) as Json;
  delete copy['status'];
  const metadata = copy['metadata'];
  if (metadata && typeof metadata === 'object') {
    const meta = metadata as Json;
    for (const key of NOISY_METADATA) delete meta[key];
    const annotations = meta['annotations'];
    if (annotations && typeof annotations === 'object') {
      for (const key of NOISY_ANNOTATIONS) delete (annotations as Json)[key];
      if (Object.keys(annotations).length === 0) delete meta['annotations'];
    }
  }
  return copy;
}

export type Comparison = 'same' | 'differs' | 'missing';

export interface ObjectComparison {
  readonly state: Comparison;
  /** The live object without noise, as YAML ('' when it does not exist). */
  readonly live: string;
  /** What the cluster would hold after the apply (the dry run's answer), as YAML. */
  readonly planned: string;
}

/** Server key order is kept: live and dry-run answers come from the same serializer. */
export const toYaml = (object: Readonly<Json>): string =>
  stringify(withoutNoise(object), { lineWidth: 0, aliasDuplicateObjects: false });

/**
 * Secret `data`/`stringData` values are masked on both sides (see `maskSecrets`): the state
 * still tells a changed value from an unchanged one, the text never holds one.
 * `sent` is the manifest's object as it went to the server: what a missing object's creation is
 * shown as, since the defaults the server would add differ from nothing and only add noise.
 */
export function compareObjects(
  live: Readonly<Json> | undefined,
  planned: Readonly<Json>,
  sent: Readonly<Json> = planned,
): ObjectComparison {
  // Masked before anything is serialised: Secret values never reach a comparison's text.
  if (!live) return { state: 'missing', live: '', planned: toYaml(maskSecrets(undefined, sent)[1]) };
  const [from, to] = maskSecrets(live, planned);
  const plannedText = toYaml(to);
  const liveText = toYaml(from);
  return { state: liveText === plannedText ? 'same' : 'differs', live: liveText, planned: plannedText };
}

/** A unified diff of one object, `live/…` against `planned/…` (empty when they are the same). */
export function unifiedDiff(name: string, comparison: ObjectComparison): string {
  if (comparison.state === 'same') return '';
  return createTwoFilesPatch(
    comparison.state === 'missing' ? '/dev/null' : `live/${name}`,
    `planned/${name}`,
    comparison.live,
    comparison.planned,
    '',
    '',
    { context: 3 },
  );
}
