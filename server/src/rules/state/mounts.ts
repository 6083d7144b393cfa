/**
 * What outlives a container, read from Compose services and Kubernetes containers: shared by the
 * state rules (not a rule itself). A mount is persistent when its data survives the container being
 * removed and recreated: named volumes, bind mounts, PVCs and other network or host disks.
 */
import * as nodePath from 'path';
import type { RuleContext } from '../../engine/rule';
import type { EnvEntry, ImageRef, Located } from '../../model/common';
import type { DockerfileModel, Stage } from '../../model/dockerfile';
import type { ComposeModel, ComposeService } from '../../model/compose';
import type { KubeContainer, KubeObject } from '../../model/kubernetes';
import type { Range } from '../../model/range';
import { covers, DatastoreMatch, identifyDatastore, normalizePath, RunFacts } from '../../knowledge/datastores';
import { parseShell, programOf, ShellCommand, SHELL_PROGRAMS } from '../../knowledge/shell';

export interface Mount {
  target: string;
  range: Range;
  /** Why the data at this target does not outlive the container; undefined when it does. */
  ephemeral?: string;
  /** Human name of the source (`db-data`, `./data`, PVC `pg`). */
  source: string;
  readOnly?: boolean;
}

/** A writable directory mount that could hold data (not a socket, a config file or a read-only mount). */
export function couldHoldData(m: Mount): boolean {
  return !m.ephemeral && !m.readOnly && !/\.(?:sock|[a-z0-9]{2,5})$/i.test(m.target);
}

export interface Mounts {
  all: Mount[];
  /** Something (a dynamic target, `volumes_from`, `extends`, an unresolved volume name) may mount anything. */
  unknown: boolean;
}

export function persistentCover(m: Mounts, path: string): Mount | undefined {
  return m.all.find((x) => !x.ephemeral && covers(x.target, path));
}

/** The mount a path would be written to, when it is not persistent (anonymous volume, tmpfs, emptyDir). */
export function ephemeralCover(m: Mounts, path: string): Mount | undefined {
  // the deepest mount wins, as in the kernel
  return m.all.filter((x) => covers(x.target, path)).sort((a, b) => b.target.length - a.target.length).find((x) => x.ephemeral);
}

function envFacts(entries: EnvEntry[]): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  for (const e of entries) env.set(e.name, e.dynamic || e.valueFrom ? undefined : e.value);
  return env;
}

// ---------------------------------------------------------------- Compose

/** The stage a Compose build produces: `build.target` or the final one. */
function builtStage(df: DockerfileModel, target: string | undefined): Stage | undefined {
  return target ? df.stages.find((st) => st.name === target.toLowerCase()) : df.stages[df.stages.length - 1];
}

/**
 * What a service's `build:` produces, when the workspace has its Dockerfile: the base image at the
 * root of the built stage (`FROM postgres:16` plus init scripts is a common pattern) and the ENV
 * entries the image carries (later ones win).
 */
export function builtImage(s: ComposeService, ctx: RuleContext): { file: string; image?: ImageRef; env: EnvEntry[]; workdir?: string } | undefined {
  const ctxDir = s.build?.context?.value ?? (s.build ? '.' : undefined);
  if (!s.build || !ctxDir || s.build.context?.dynamic || s.build.dockerfile?.dynamic || /:\/\/|^git@/.test(ctxDir) || s.build.inline) return undefined;
  const file = nodePath.posix.join(ctxDir.replace(/\\/g, '/'), s.build.dockerfile?.value ?? 'Dockerfile');
  const df = ctx.modelOf(file, 'dockerfile') as DockerfileModel | undefined;
  const stage = df && builtStage(df, s.raw.get('build')?.get('target')?.str()?.value);
  if (!stage) return undefined;
  const chain: Stage[] = [];
  for (let st: Stage | undefined = stage; st; st = st.parent) chain.unshift(st);
  const env = new Map<string, EnvEntry>();
  let workdir: string | undefined;
  for (const st of chain) {
    for (const ins of st.instructions) {
      if (ins.keyword === 'ENV') for (const p of ins.properties) env.set(p.name, p);
      const dir = ins.args[0]?.value;
      if (ins.keyword === 'WORKDIR' && dir && !ins.args[0].dynamic) workdir = dir.startsWith('/') ? dir : nodePath.posix.join(workdir ?? '/', dir);
    }
  }
  return { file, image: chain[0].image, env: [...env.values()], workdir };
}

/** The datastore a Compose service runs: by its image, else by the image its build starts FROM (with that image's ENV). */
export function composeDatastore(s: ComposeService, ctx: RuleContext): DatastoreMatch | undefined {
  const facts = composeFacts(s);
  const built = builtImage(s, ctx);
  const image = built?.image ?? s.image;
  const env = new Map<string, string | undefined>([...(built?.env ?? []).map((e): [string, string | undefined] => [e.name, e.dynamic ? undefined : e.value]), ...facts.env]);
  const run: RunFacts = { env, words: facts.words };
  const byImage = s.image && identifyDatastore(s.image, run, ctx.settings.dataDirectories);
  return byImage || (image && identifyDatastore(image, run, ctx.settings.dataDirectories)) || undefined;
}

export function composeFacts(s: ComposeService): RunFacts {
  const words = [s.entrypoint, s.command].flatMap((c) => c?.commands.flatMap((x) => x.words.map((w) => w.text)) ?? []);
  return { env: envFacts(s.environment), words };
}

/** The program a service runs instead of its image's default, if it says. */
export function composeProgram(s: ComposeService): string | undefined {
  const cmd = s.entrypoint?.commands[0] ?? s.command?.commands[0];
  return cmd ? programOf(cmd)?.name : undefined;
}

function tmpfsVolume(model: ComposeModel, name: string): boolean {
  const type = model.root?.get('volumes')?.get(name)?.get('driver_opts')?.get('type')?.str()?.value;
  return type === 'tmpfs';
}

export function composeMounts(model: ComposeModel, s: ComposeService): Mounts {
  const out: Mounts = { all: [], unknown: s.raw.has('volumes_from') || s.raw.has('extends') };
  for (const v of s.volumes) {
    if (!v.target || v.target.dynamic || v.source?.dynamic && v.type !== 'bind') { out.unknown = true; continue; }
    let ephemeral: string | undefined;
    if (v.type === 'tmpfs') ephemeral = 'a tmpfs mount (memory, gone when the container stops)';
    else if (v.type === 'image') ephemeral = 'an image mount (read-only)';
    else if (v.anonymous) ephemeral = 'an anonymous volume (orphaned by `docker compose down`; the next `up` starts empty)';
    else if (v.type === 'volume' && v.source && tmpfsVolume(model, v.source.value)) ephemeral = `volume "${v.source.value}", whose driver_opts make it a tmpfs`;
    out.all.push({ target: normalizePath(v.target.value), range: v.range, ephemeral, source: v.source?.value ?? '(anonymous)', readOnly: v.readOnly });
  }
  const tmpfs = s.raw.get('tmpfs');
  for (const t of tmpfs ? (tmpfs.str() ? [tmpfs] : tmpfs.items()) : []) {
    const str = t.str();
    if (!str) continue;
    if (str.dynamic) { out.unknown = true; continue; }
    out.all.push({ target: normalizePath(str.value.split(':')[0]), range: str.range, ephemeral: 'a tmpfs mount (memory, gone when the container stops)', source: 'tmpfs' });
  }
  return out;
}

// ---------------------------------------------------------------- Kubernetes

/** Volume sources whose content dies with the pod (or is read-only configuration). */
const EPHEMERAL_VOLUMES: Record<string, string> = {
  emptyDir: 'an emptyDir (deleted with the pod)',
  ephemeral: 'a generic ephemeral volume (its claim is deleted with the pod)',
  configMap: 'a ConfigMap (read-only)', secret: 'a Secret (read-only)', downwardAPI: 'a downwardAPI volume (read-only)',
  projected: 'a projected volume (read-only)', gitRepo: 'a gitRepo volume (cloned afresh for each pod)', image: 'an image volume (read-only)',
  // A volume with no source is defaulted to emptyDir by the API server.
  unknown: 'an emptyDir (a volume without a source defaults to one)',
};


export function kubeWords(c: KubeContainer): string[] {
  const all: Located[] = [...c.command, ...c.args];
  const out: string[] = [];
  for (let i = 0; i < all.length; i++) {
    const v = all[i].value;
    const base = v.split('/').pop() ?? v;
    if (SHELL_PROGRAMS.has(base) && all[i + 1]?.value.startsWith('-') && all[i + 1].value.includes('c') && all[i + 2]) {
      out.push(v, all[i + 1].value, ...parseShell(all[i + 2].value).flatMap((x: ShellCommand) => x.words.map((w) => w.text)));
      i += 2;
      continue;
    }
    out.push(...(/\s/.test(v) && !all[i].dynamic ? v.split(/\s+/).filter(Boolean) : [v]));
  }
  return out;
}

export function kubeFacts(c: KubeContainer): RunFacts {
  return { env: envFacts(c.env), words: kubeWords(c) };
}

/** The container's program when `command` is set (the image's entrypoint otherwise). */
export function kubeProgram(c: KubeContainer): string | undefined {
  const first = c.command[0]?.value;
  return first ? first.split('/').pop() : undefined;
}

export function kubeMounts(obj: KubeObject, c: KubeContainer): Mounts {
  const out: Mounts = { all: [], unknown: false };
  const w = obj.workload;
  if (!w) return out;
  const claims = new Set(w.volumeClaimTemplates.map((t) => t.name));
  for (const m of c.volumeMounts) {
    if (!m.mountPath || /[$\uE000]/.test(m.mountPath) || /\uE000/.test(m.name)) { out.unknown = true; continue; }
    const target = normalizePath(m.mountPath);
    // A StatefulSet's claim template replaces a pod volume of the same name.
    if (claims.has(m.name)) { out.all.push({ target, range: m.range, source: `volumeClaimTemplate "${m.name}"`, readOnly: m.readOnly }); continue; }
    const vol = w.podSpec.volumes.find((v) => v.name === m.name);
    if (!vol) { out.unknown = true; continue; }
    out.all.push({ target, range: m.range, ephemeral: EPHEMERAL_VOLUMES[vol.type], source: `${vol.type} "${vol.name}"`, readOnly: m.readOnly });
  }
  return out;
}

