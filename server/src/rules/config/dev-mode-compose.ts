/**
 * Development mode in the main Compose file (issue #14 item 7; not a rule: dev-mode-in-image calls it).
 * `compose.yaml` is what `docker compose up` runs when no override or profile is chosen, so a service
 * there that builds the `dev` target, runs a reloader or debugger, or sets a development switch takes
 * that mode wherever the file is deployed. One finding per service, naming all its evidence.
 */
import type { RelatedInfo, RuleContext } from '../../engine/rule';
import type { ComposeModel, ComposeService } from '../../model/compose';
import type { Range } from '../../model/range';
import { openShellScripts } from '../../knowledge/container-commands';
import { devServer, productionValue } from '../../knowledge/environments';
import { programOf } from '../../knowledge/shell';

/** Build targets that name a development image (`dev`, `development`, `debug`, `dev-server`). */
const DEV_TARGET = /(?:^|[-_.])(?:dev|devel|develop|development|debug)(?:[-_.]|$)/i;
/** Profiles started only on request for development (`docker compose --profile dev up`). */
const DEV_PROFILE = /(?:^|[-_.])(?:dev|devel|develop|development|debug|local|test|tests|testing|ci|e2e)(?:[-_.]|$)/i;

interface Evidence { what: string; range: Range }

function evidenceOf(model: ComposeModel, s: ComposeService): Evidence[] {
  const out: Evidence[] = [];
  const target = s.raw.get('build')?.get('target')?.str();
  if (target && !target.dynamic && DEV_TARGET.test(target.value)) out.push({ what: `builds the "${target.value}" target`, range: target.range });
  for (const e of s.environment) {
    if (e.dynamic || e.value === undefined || !productionValue(e.name, e.value)) continue;
    out.push({ what: `sets ${e.name}=${e.value}`, range: e.valueRange ?? e.range });
  }
  for (const cmd of [s.entrypoint, s.command]) {
    if (!cmd) continue;
    for (const c of openShellScripts(cmd.commands, model.source)) {
      const p = programOf(c);
      const what = p && devServer(c.words.slice(p.index).map((w) => w.text));
      if (!what || !p) continue;
      const last = c.words[c.words.length - 1];
      out.push({ what: `runs ${what}`, range: model.source.range(c.words[p.index].start, Math.max(last.end, c.words[p.index].end)) });
    }
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

export function checkMainCompose(model: ComposeModel, ctx: RuleContext): void {
  for (const s of model.services) {
    const profiles = (s.raw.get('profiles')?.items() ?? []).map((i) => i.str()?.value ?? '');
    if (profiles.length && profiles.every((p) => DEV_PROFILE.test(p))) continue;
    const evidence = evidenceOf(model, s);
    if (!evidence.length) continue;
    const related: RelatedInfo[] = evidence.slice(1).map((e) => ({ message: `Service "${s.name}" ${e.what}`, range: e.range }));
    ctx.report({
      range: evidence[0].range,
      message: `Service "${s.name}" runs in development mode in the main Compose file: it ${evidence.map((e) => e.what).join(', ')}. Whoever deploys this file gets debuggers, reloaders or verbose errors. Keep the main file production-ready and move the development settings to compose.override.yaml (or a \`dev\` profile).`,
      related: related.length ? related : undefined,
    });
  }
}
