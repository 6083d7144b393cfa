/**
 * What the backing-services and observability rules ask of a Compose service or Kubernetes workload:
 * does it run once, is it a datastore, how is its health checked (not a rule: index.ts lists them).
 */
import * as nodePath from 'path';
import type { RuleContext } from '../../engine/rule';
import type { ImageRef } from '../../model/common';
import type { ComposeModel, ComposeService } from '../../model/compose';
import type { DockerfileModel, Instruction, Stage } from '../../model/dockerfile';
import { effectiveInstruction } from '../../model/dockerfile';
import { servesLongRunning, type KubeObject } from '../../model/kubernetes';
import type { Range } from '../../model/range';
import { DATASTORE_CLIENTS, datastoreOfImage, isCacheImage } from '../../knowledge/datastores';
import { isJobName, jobProgramOf } from '../../knowledge/lifecycle';
import { serviceCommands } from '../../knowledge/container-commands';
import { programOf } from '../../knowledge/shell';
import type { YEntry } from '../../parse/yaml-view';
import { isPartialPodSpec } from '../host-daemon/shared';
import { imageDefinesHealthcheck } from '../../knowledge/lifecycle';

/** The stage a Compose `build:` produces, when the workspace has its Dockerfile. */
export function builtStage(s: ComposeService, ctx: RuleContext): Stage | undefined {
  const dir = s.build?.context?.value ?? (s.build ? '.' : undefined);
  if (!s.build || !dir || s.build.context?.dynamic || s.build.dockerfile?.dynamic || s.build.inline || /:\/\/|^git@/.test(dir)) return undefined;
  const file = nodePath.posix.join(dir.replace(/\\/g, '/'), s.build.dockerfile?.value ?? 'Dockerfile');
  const df = ctx.modelOf(file, 'dockerfile') as DockerfileModel | undefined;
  if (!df) return undefined;
  const target = s.raw.get('build')?.get('target')?.str()?.value;
  return target ? df.stages.find((st) => st.name === target.toLowerCase()) : df.stages[df.stages.length - 1];
}

function rootImage(stage: Stage): ImageRef | undefined {
  let s = stage;
  while (s.parent) s = s.parent;
  return s.image;
}

/** The image a service runs: `image:`, or the base image at the root of the stage its build produces. */
export function serviceImage(s: ComposeService, ctx: RuleContext): ImageRef | undefined {
  if (s.image) return s.image;
  const st = builtStage(s, ctx);
  return st && rootImage(st);
}

/** Datastore or queue id of a service (caches included: clients wait for them too); undefined otherwise. */
export function backingServiceOf(s: ComposeService, ctx: RuleContext): string | undefined {
  const image = serviceImage(s, ctx);
  if (!image) return undefined;
  if (isCacheImage(image)) return 'memcached';
  return datastoreOfImage(image);
}

export interface Health {
  state: 'defined' | 'disabled' | 'none' | 'image';
  /** `healthcheck:` entry, or the `disable: true` / `test: ["NONE"]` entry that turns it off. */
  entry?: YEntry;
  range?: Range;
}

function isNoneTest(ins: Instruction | undefined): boolean {
  return !!ins && /^\s*NONE\s*$/i.test(ins.argsText);
}

/** How a Compose service's health is checked: its own `healthcheck:`, its built image's HEALTHCHECK, or not at all. */
export function composeHealth(s: ComposeService, ctx: RuleContext): Health {
  const entry = s.raw.entry('healthcheck');
  if (entry) {
    const hc = entry.value;
    const disable = hc.entry('disable');
    if (disable && disable.value.bool()?.value === true) return { state: 'disabled', entry: disable, range: disable.range };
    const test = hc.get('test');
    const first = test?.str()?.value ?? test?.items()[0]?.str()?.value;
    if (test && first?.toUpperCase() === 'NONE') return { state: 'disabled', entry: hc.entry('test'), range: hc.entry('test')!.range };
    return { state: 'defined', entry, range: entry.range };
  }
  const st = builtStage(s, ctx);
  const hc = st && effectiveInstruction(st, 'HEALTHCHECK');
  if (hc && !isNoneTest(hc)) return { state: 'image' };
  if (!s.build && s.image && imageDefinesHealthcheck(s.image)) return { state: 'image' };
  return { state: 'none' };
}


const ONE_SHOT_PROFILES = /^(?:tools?|cli|setup|init|migrate|migrations?|seed|test|tests|debug|admin|ops|jobs?|backup|manual)$/i;

const awaited = new WeakMap<ComposeModel, Map<string, string>>();

/** Service name → the first service that waits for it with `service_completed_successfully` (once per model). */
function awaitedToComplete(model: ComposeModel): Map<string, string> {
  let m = awaited.get(model);
  if (!m) {
    m = new Map();
    for (const other of model.services) {
      for (const d of other.dependsOn) if (d.condition?.value === 'service_completed_successfully' && !m.has(d.name)) m.set(d.name, other.name);
    }
    awaited.set(model, m);
  }
  return m;
}

/**
 * Why a Compose service runs once and exits, if it does: listed in `oneShot`, `restart_policy`
 * `condition: none`, awaited with `service_completed_successfully`, a job-like name or program, a
 * datastore client, or a tools-only profile.
 */
export function composeOneShot(model: ComposeModel, s: ComposeService, ctx: RuleContext): string | undefined {
  if (ctx.settings.oneShot.includes(s.name)) return 'listed in oneShot';
  if (s.raw.get('deploy')?.get('restart_policy')?.get('condition')?.str()?.value === 'none') return 'restart_policy condition none';
  const waiter = awaitedToComplete(model).get(s.name);
  if (waiter) return `awaited by "${waiter}" until it completes`;
  const cmds = serviceCommands(model, s);
  const first = cmds.map(programOf).find(Boolean);
  if (first && DATASTORE_CLIENTS.has(first.name)) return `runs the client ${first.name}`;
  const job = jobProgramOf(cmds);
  if (job) return `runs \`${job}\``;
  if (isJobName(s.name)) return 'named like a job';
  const profiles = s.raw.get('profiles')?.items().map((i) => i.str()?.value ?? '') ?? [];
  if (profiles.length && profiles.every((p) => ONE_SHOT_PROFILES.test(p))) return `only in the ${profiles.join('/')} profile`;
  return undefined;
}


/** A workload to judge for long-running concerns: not templated, not a Job, not listed in `oneShot`, not a Helm hook or test pod. */
export function longRunningWorkload(obj: KubeObject, ctx: RuleContext): boolean {
  if (!servesLongRunning(obj.workload) || obj.templated || isPartialPodSpec(obj.workload.podSpec.raw)) return false;
  if (obj.name && ctx.settings.oneShot.includes(obj.name)) return false;
  if (obj.annotations.has('helm.sh/hook')) return false;
  // A bare Pod that does not restart runs to completion like a Job.
  if (obj.workload.pods === 'one') {
    const policy = obj.workload.podSpec.raw.get('restartPolicy')?.str()?.value;
    if (policy === 'Never' || policy === 'OnFailure') return false;
  }
  return true;
}
