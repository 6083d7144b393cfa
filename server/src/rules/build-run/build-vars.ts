import type { DockerfileModel, Instruction, Stage } from '../../model/dockerfile';

/**
 * ENV and ARG values as each instruction of a stage sees them, from one pass over the stage's FROM
 * chain: each name's assignments in order, looked up by the asking instruction's position. Building
 * the map again for every instruction (rules ask once per RUN) was quadratic on long Dockerfiles.
 */
interface Assignment { at: number; value: string | undefined }
interface StageScope { history: Map<string, Assignment[]>; position: Map<Instruction, number> }

const scopes = new WeakMap<Stage, StageScope>();

function scopeOf(model: DockerfileModel, stage: Stage): StageScope {
  let scope = scopes.get(stage);
  if (scope) return scope;
  const history = new Map<string, Assignment[]>();
  const position = new Map<Instruction, number>();
  const assign = (name: string, value: string | undefined, at: number) => {
    const list = history.get(name);
    // An ARG without a default keeps the value it already has (`ARG X` after `ENV X=1`).
    if (value === undefined && list) return;
    if (list) list.push({ at, value }); else history.set(name, [{ at, value }]);
  };
  for (const a of model.globalArgs) assign(a.name, a.value, -1);
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stage; s; s = s.parent) chain.unshift(s);
  let at = 0;
  for (const s of chain) {
    for (const i of s.instructions) {
      position.set(i, at);
      if (i.keyword === 'ENV' || i.keyword === 'ARG') for (const p of i.properties) assign(p.name, p.value, at);
      at++;
    }
  }
  scope = { history, position };
  scopes.set(stage, scope);
  return scope;
}

/** A read-only view of the variables set before position `before` (assignments at `at < before`). */
class VarsBefore implements ReadonlyMap<string, string | undefined> {
  constructor(private readonly history: Map<string, Assignment[]>, private readonly before: number) {}

  private last(name: string): Assignment | undefined {
    const list = this.history.get(name);
    if (!list || list[0].at >= this.before) return undefined;
    let lo = 0, hi = list.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (list[mid].at < this.before) lo = mid; else hi = mid - 1; }
    return list[lo];
  }

  get(name: string): string | undefined { return this.last(name)?.value; }
  has(name: string): boolean { return this.last(name) !== undefined; }
  private all(): Map<string, string | undefined> {
    const out = new Map<string, string | undefined>();
    for (const name of this.history.keys()) { const a = this.last(name); if (a) out.set(name, a.value); }
    return out;
  }
  get size(): number { return this.all().size; }
  forEach(fn: (value: string | undefined, key: string, map: ReadonlyMap<string, string | undefined>) => void): void { this.all().forEach((v, k) => fn(v, k, this)); }
  entries() { return this.all().entries(); }
  keys() { return this.all().keys(); }
  values() { return this.all().values(); }
  [Symbol.iterator]() { return this.all()[Symbol.iterator](); }
}

/** ENV and ARG values visible to an instruction: global ARGs, its FROM ancestors, then its own stage up to it. */
export function varsBefore(model: DockerfileModel, stage: Stage, ins?: Instruction): ReadonlyMap<string, string | undefined> {
  const scope = scopeOf(model, stage);
  return new VarsBefore(scope.history, ins ? scope.position.get(ins) ?? Infinity : Infinity);
}
