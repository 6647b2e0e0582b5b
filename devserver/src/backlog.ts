export interface QueuedTask {
  /** 1 (first) to 5 (last); 3 when unset. */
  priority: number;
  fairnessKey: string;
  /** Share of dispatches for the fairness key relative to others at the same priority; 1 when unset. */
  fairnessWeight?: number;
  addedAt: number;
}

interface Entry<T> { task: T; pass: number; seq: number }

/** Per priority level: tasks by virtual pass (stride scheduling over fairness keys), then arrival. */
class Level<T> {
  readonly heap: Entry<T>[] = [];
  private readonly lastPass = new Map<string, number>();
  private base = 0;

  add(task: T & QueuedTask, seq: number): void {
    const stride = 1 / (task.fairnessWeight && task.fairnessWeight > 0 ? task.fairnessWeight : 1);
    const pass = Math.max(this.lastPass.get(task.fairnessKey) ?? 0, this.base) + stride;
    this.lastPass.set(task.fairnessKey, pass);
    this.push({ task, pass, seq });
  }

  pop(): T | undefined {
    const h = this.heap;
    const top = h[0];
    if (!top) return undefined;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      this.down(0);
    } else {
      this.lastPass.clear();
    }
    this.base = top.pass;
    return top.task;
  }

  private less(a: Entry<T>, b: Entry<T>): boolean {
    return a.pass < b.pass || (a.pass === b.pass && a.seq < b.seq);
  }

  private push(e: Entry<T>): void {
    const h = this.heap;
    h.push(e);
    for (let i = h.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (l + 1 < h.length && this.less(h[l + 1], h[m])) m = l + 1;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}

/**
 * Tasks waiting for a poller: lower priority numbers first; within a priority, fairness keys share dispatches in
 * proportion to their weights (equal weights take turns), and tasks of one key keep their arrival order.
 */
export class Backlog<T extends QueuedTask> {
  private readonly levels = new Map<number, Level<T>>();
  private seq = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(task: T): void {
    let level = this.levels.get(task.priority);
    if (!level) {
      level = new Level<T>();
      this.levels.set(task.priority, level);
    }
    level.add(task, this.seq++);
    this.count++;
  }

  pop(): T | undefined {
    const priorities = [...this.levels.keys()].sort((a, b) => a - b);
    for (const p of priorities) {
      const task = this.levels.get(p)!.pop();
      if (task) {
        this.count--;
        return task;
      }
    }
    return undefined;
  }

  /** Backlog count and oldest task per priority level. */
  byPriority(): Map<number, { count: number; oldestAddedAt: number }> {
    const out = new Map<number, { count: number; oldestAddedAt: number }>();
    for (const [p, level] of this.levels) {
      if (level.heap.length === 0) continue;
      out.set(p, { count: level.heap.length, oldestAddedAt: level.heap.reduce((min, e) => Math.min(min, e.task.addedAt), Infinity) });
    }
    return out;
  }
}
