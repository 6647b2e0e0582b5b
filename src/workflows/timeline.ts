/** One line of a timeline (an order's, an operation's, a server entity's): a status change or a note. */
export interface TimelineEntry<S extends string = string> {
  at: string;
  status: S;
  detail: string;
}

/** The part of a workflow's state that its timeline keeps. */
export interface TimelineState<S extends string> {
  status: S;
  timeline: Array<TimelineEntry<S>>;
  updatedAt: string;
}
