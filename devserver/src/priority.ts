import { DEFAULT_PRIORITY } from './matching';

export interface PriorityFields { priorityKey?: number | null; fairnessKey?: string | null; fairnessWeight?: number | null }

const MAX_PRIORITY = 5;
const FAIRNESS_KEY_MAX_BYTES = 64;

/** Fields set on `own` override those of `base` (0 and "" mean unset), as activities and children inherit a workflow's. */
export function mergePriority(own: PriorityFields | null | undefined, base: PriorityFields | null | undefined): PriorityFields | undefined {
  if (!own && !base) return undefined;
  return {
    priorityKey: own?.priorityKey || base?.priorityKey || undefined,
    fairnessKey: own?.fairnessKey || base?.fairnessKey || undefined,
    fairnessWeight: own?.fairnessWeight || base?.fairnessWeight || undefined,
  };
}

/** Effective priority of `own` merged over `base`: key 1-5 (unset 3, larger keys clamped to 5), weight 0.001-1000 (unset 1). */
export function priorityOf(own: PriorityFields | null | undefined, base?: PriorityFields | null) {
  const p = mergePriority(own, base);
  const key = p?.priorityKey ?? 0;
  const weight = p?.fairnessWeight ?? 1;
  return {
    priority: key > 0 ? Math.min(key, MAX_PRIORITY) : DEFAULT_PRIORITY,
    fairnessKey: p?.fairnessKey ?? '',
    fairnessWeight: Math.min(1000, Math.max(0.001, weight)),
  };
}

/** Why the real server would reject this priority (INVALID_ARGUMENT), or undefined. */
export function priorityError(p: PriorityFields | null | undefined): string | undefined {
  if (!p) return undefined;
  if ((p.priorityKey ?? 0) < 0) return "priority key can't be negative";
  if (Buffer.byteLength(p.fairnessKey ?? '') > FAIRNESS_KEY_MAX_BYTES) return 'fairness key length exceeds limit';
  if ((p.fairnessWeight ?? 0) < 0) return 'fairness weight must be greater than zero';
  return undefined;
}
