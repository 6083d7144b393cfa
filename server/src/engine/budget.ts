/**
 * Time budget and cancellation for one file's analysis. Rules are synchronous, so the engine can only
 * stop between rules by itself; inside a rule, shared helpers that run once per instruction, command,
 * service or document call `checkpoint()`, which stops the rule when the file's time is up or the run
 * was cancelled. The engine installs the budget around each rule call only (never across an await),
 * so overlapping analyses in one process each see their own.
 */
export class Cancelled extends Error { constructor() { super('analysis cancelled'); } }

/** Thrown by `checkpoint()` when the file's analysis time is up; the engine reports it as a problem. */
export class BudgetExceeded extends Error { constructor() { super('analysis time budget exceeded'); } }

export interface Budget {
  /** `performance.now()` value after which the analysis stops. */
  deadline: number;
  isCancelled?(): boolean;
}

let active: Budget | undefined;
let ticks = 0;

/** Stops the running rule when the budget is spent or the analysis was cancelled (cheap: checks the clock every 64th call). */
export function checkpoint(): void {
  if (!active || (++ticks & 63) !== 0) return;
  if (active.isCancelled?.()) throw new Cancelled();
  if (performance.now() > active.deadline) throw new BudgetExceeded();
}

export function runWithBudget<T>(budget: Budget, fn: () => T): T {
  const saved = active;
  active = budget;
  ticks = 63; // the first checkpoint looks at the clock
  try { return fn(); } finally { active = saved; }
}
