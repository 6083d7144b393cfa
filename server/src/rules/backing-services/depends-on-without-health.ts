import { defineRule, Fix, RuleContext } from '../../engine/rule';
import type { ComposeDependency, ComposeModel, ComposeService } from '../../model/compose';
import { backingServiceOf, composeHealth, composeOneShot } from './service-facts';
import { eolOf, keyColumn, ownEntries } from './yaml-edit';

type Wanted = 'service_healthy' | 'service_completed_successfully';

/**
 * Rewrites `depends_on` so that `dep` waits for `wanted`: a block list of plain names becomes the
 * long form (the other entries keep `service_started`, which is what the short form meant); in the
 * long form, the entry's `condition` is set or added.
 */
function conditionFix(model: ComposeModel, s: ComposeService, dep: ComposeDependency, wanted: Wanted): Fix | undefined {
  const src = model.source;
  const dependsOn = s.raw.get('depends_on');
  if (!dependsOn) return undefined;
  const eol = eolOf(src.text);
  const title = `Wait for "${dep.name}" with condition: ${wanted}`;
  if (dependsOn.isSeq) {
    const items = dependsOn.items();
    if (!items.length || src.text[src.offsetAt(dependsOn.range.start)] === '[') return undefined;
    const names = items.map((i) => i.str());
    if (names.some((n) => !n || n.dynamic)) return undefined;
    const keyCol = s.raw.entry('depends_on')!.keyRange.start.character;
    const firstLine = items[0].range.start.line;
    const dash = /^( *)- /.exec(src.lineText(firstLine));
    if (!dash) return undefined;
    for (const it of items) if (src.lineText(it.range.start.line).trimEnd() !== `${dash[1]}- ${src.slice(it.range)}`) return undefined;
    const col = Math.max(dash[1].length, keyCol + 2);
    const step = ' '.repeat(Math.max(2, col - keyCol));
    const pad = ' '.repeat(col);
    const lines = names.map((n) => `${pad}${n!.value}:${eol}${pad}${step}condition: ${n!.value === dep.name ? wanted : 'service_started'}`);
    const lastLine = items[items.length - 1].range.start.line;
    // Comment lines between the items would be lost in the rewrite.
    if (lastLine - firstLine + 1 !== items.length) return undefined;
    return { title, safety: 'unsafe', edits: [{ range: src.range(src.lineStart(firstLine), src.lineEnd(lastLine)), newText: lines.join(eol) }] };
  }
  const entry = ownEntries(dependsOn).find((e) => e.key === dep.name);
  if (!entry) return undefined;
  if (dep.condition) {
    if (dep.condition.dynamic) return undefined;
    return { title, safety: 'unsafe', edits: [{ range: dep.condition.range, newText: wanted }] };
  }
  const col = keyColumn(src, entry.value);
  if (entry.value.isNull && !src.slice(entry.value.range).trim()) {
    // `db:` with nothing under it
    const keyCol = entry.keyRange.start.character;
    const at = src.lineEnd(entry.keyRange.start.line);
    return { title, safety: 'unsafe', edits: [{ range: src.range(at, at), newText: `${eol}${' '.repeat(keyCol + 2)}condition: ${wanted}` }] };
  }
  if (col === undefined) return undefined;
  const first = ownEntries(entry.value)[0];
  const at = src.lineStart(first.keyRange.start.line);
  return { title, safety: 'unsafe', edits: [{ range: src.range(at, at), newText: `${' '.repeat(col)}condition: ${wanted}${eol}` }] };
}

function checkCompose(model: ComposeModel, ctx: RuleContext): void {
  if (model.templated) return;
  const byName = new Map(model.services.map((s) => [s.name, s]));
  for (const s of model.services) {
    for (const dep of s.dependsOn) {
      const target = byName.get(dep.name);
      if (!target || target === s) continue;
      const cond = dep.condition?.value;
      if (dep.condition?.dynamic || (cond && cond !== 'service_started')) continue;
      const oneShot = composeOneShot(model, target, ctx);
      const health = composeHealth(target, ctx);
      const backing = backingServiceOf(target, ctx);
      const how = cond ? '`condition: service_started`' : 'a plain `depends_on` entry';
      if (oneShot) {
        // Only jobs the file itself marks as such: a name or program guess is not enough to reorder startup.
        if (!/^runs |^restart_policy|^listed/.test(oneShot) || health.state === 'defined') continue;
        const which = oneShot.startsWith('runs') ? `${oneShot} and exits` : `is a one-shot job (${oneShot})`;
        ctx.report({
          range: dep.range,
          message: `Service "${s.name}" depends on "${dep.name}", which ${which}, through ${how}: Compose starts "${s.name}" as soon as "${dep.name}" has started, not after it finished. Use \`condition: service_completed_successfully\`.`,
          fix: () => conditionFix(model, s, dep, 'service_completed_successfully'),
        });
        continue;
      }
      if (health.state === 'defined' || health.state === 'image') {
        ctx.report({
          range: dep.range,
          message: `Service "${s.name}" depends on "${dep.name}" through ${how}, so it starts as soon as the "${dep.name}" container exists, before its healthcheck passes: the first connections fail and the app may exit or cache the error. Use \`condition: service_healthy\`.`,
          fix: () => conditionFix(model, s, dep, 'service_healthy'),
        });
      } else if (backing && health.state === 'none') {
        ctx.report({
          range: dep.range,
          message: `Service "${s.name}" depends on "${dep.name}" (${backing}) through ${how}, so it starts before "${dep.name}" accepts connections. Give "${dep.name}" a healthcheck and wait for it with \`condition: service_healthy\`.`,
        });
      }
    }
  }
}

export default defineRule({
  id: 'depends-on-without-health',
  title: '`depends_on` does not wait for readiness',
  category: 'backing-services',
  principle: 'backing-services',
  severity: 'warning',
  fix: 'unsafe',
  peers: {},
  docs: {
    why: 'A plain `depends_on` (or `condition: service_started`) only orders container *creation*: the dependent starts while the database is still initialising, the first connections are refused, and apps that do not retry exit or stay broken. The same happens after every restart of the stack. `condition: service_healthy` makes Compose wait until the dependency\'s healthcheck passes; `service_completed_successfully` waits for a one-shot job such as a migration to finish.',
    bad: { lang: 'yaml', code: 'services:\n  api:\n    build: .\n    depends_on:\n      - db\n  db:\n    image: postgres:16.2\n    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U postgres"]' },
    good: { lang: 'yaml', code: 'services:\n  api:\n    build: .\n    depends_on:\n      db:\n        condition: service_healthy\n  db:\n    image: postgres:16.2\n    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U postgres"]' },
    notes: 'Flags a dependency without a condition or with `service_started` when the dependency has a healthcheck (its own or its built image\'s HEALTHCHECK), when it is a datastore, queue or cache without one (add one first: see `missing-healthcheck`), or when it is a job that exits (it runs a migration, a build or a client tool, or has `restart_policy: condition: none`): then `service_completed_successfully` is the right condition. Dependencies on services defined elsewhere (`extends`, `include`) and `${VAR}` conditions are left alone. Apps that retry connections forever are fine without the condition, but the condition costs nothing. `docker stack deploy` ignores `depends_on` altogether. The fix rewrites the short list form into the long form (other entries keep `service_started`, the short form\'s meaning) or sets the condition; it is unsafe because a dependency that never becomes healthy now blocks the start.',
  },
  check: { compose: checkCompose },
});
