/** Counts of Application API requests received, for `GET /_sim/state`. */
export interface CallStats {
  total: number;
  byRoute: Record<string, number>;
  rateLimited: number;
}

export interface CallRecorder {
  record(method: string, path: string): void;
  recordRateLimited(): void;
  snapshot(): CallStats;
  reset(): void;
}

function routeKey(method: string, path: string): string {
  const segments = path.split('/').filter((s) => s !== '');
  const normalized = segments.map((segment, index) => {
    if (segments[index - 1] === 'external' && segments[index - 2] === 'servers') return '{external_id}';
    return /^\d+$/.test(segment) ? '{id}' : segment;
  });
  return `${method} /${normalized.join('/')}`;
}

export function createCallRecorder(): CallRecorder {
  let stats: CallStats = { total: 0, byRoute: {}, rateLimited: 0 };
  return {
    record(method, path) {
      const key = routeKey(method, path);
      stats.total += 1;
      stats.byRoute[key] = (stats.byRoute[key] ?? 0) + 1;
    },
    recordRateLimited() {
      stats.rateLimited += 1;
    },
    snapshot: () => ({ total: stats.total, byRoute: { ...stats.byRoute }, rateLimited: stats.rateLimited }),
    reset() {
      stats = { total: 0, byRoute: {}, rateLimited: 0 };
    },
  };
}
