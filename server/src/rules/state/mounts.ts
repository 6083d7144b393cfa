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
import { covers, DatastoreMatch, datastoreOfImage, identifyDatastore, isCacheImage, normalizePath, RunFacts } from '../../knowledge/datastores';
import { DataPathEvidence, inferDatastore } from '../../knowledge/data-directories';
import { volumePaths } from '../../knowledge/dockerfile-volumes';
import { isDynamicText } from '../../knowledge/interpolation';
import { varsBefore } from '../build-run/stages';
import { parseShell, programOf, ShellCommand, SHELL_PROGRAMS } from '../../knowledge/shell';

export interface Mount {
  target: string;
  range: Range;
  /** Why the data at this target does not outlive the container; undefined when it does. */
  ephemeral?: string;
  /** Human name of the source (`db-data`, `./data`, PVC `pg`). */
  source: string;
  readOnly?: boolean;
  /** Not written in the file: an anonymous volume the image declares (`range` is the mount it hides). */
  implied?: boolean;
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

/** The mount that keeps `path`: the deepest mount at or above it (as in the kernel), when that one is persistent. */
export function persistentCover(m: Mounts, path: string): Mount | undefined {
  const deepest = m.all.filter((x) => covers(x.target, path)).sort((a, b) => b.target.length - a.target.length)[0];
  return deepest && !deepest.ephemeral ? deepest : undefined;
}

/**
 * The mounts a runtime really makes: those written plus an anonymous volume at each path the image declares as
 * `VOLUME` and nothing mounts exactly (Docker and containerd both skip only an exact match). Added only below a
 * mount written at a parent path, the case where the declared volume hides the written one.
 */
export function withImageVolumes(m: Mounts, match: DatastoreMatch): Mounts {
  const extra: Mount[] = [];
  for (const v of match.imageVolumes ?? []) {
    const path = normalizePath(v);
    if (m.all.some((x) => x.target === path)) continue;
    const hidden = m.all.find((x) => !x.ephemeral && covers(x.target, path));
    if (!hidden) continue;
    extra.push({
      target: path, range: hidden.range, implied: true, source: '(image VOLUME)',
      ephemeral: `an anonymous volume: the image declares VOLUME ${path}, which hides the mount at ${hidden.target} (${hidden.source}) from that path`,
    });
  }
  return extra.length ? { ...m, all: [...m.all, ...extra] } : m;
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
 * root of the built stage (`FROM postgres:16` plus init scripts is a common pattern), the ENV
 * entries the image carries (later ones win) and the paths its stages declare as VOLUME.
 */
export function builtImage(s: ComposeService, ctx: RuleContext): { file: string; image?: ImageRef; env: EnvEntry[]; workdir?: string; volumes: string[] } | undefined {
  const ctxDir = s.build?.context?.value ?? (s.build ? '.' : undefined);
  if (!s.build || !ctxDir || s.build.context?.dynamic || s.build.dockerfile?.dynamic || /:\/\/|^git@/.test(ctxDir) || s.build.inline) return undefined;
  const file = nodePath.posix.join(ctxDir.replace(/\\/g, '/'), s.build.dockerfile?.value ?? 'Dockerfile');
  const df = ctx.modelOf(file, 'dockerfile') as DockerfileModel | undefined;
  const stage = df && builtStage(df, s.raw.get('build')?.get('target')?.str()?.value);
  if (!stage) return undefined;
  const chain: Stage[] = [];
  for (let st: Stage | undefined = stage; st; st = st.parent) chain.unshift(st);
  const env = new Map<string, EnvEntry>();
  const volumes: string[] = [];
  let workdir: string | undefined;
  for (const st of chain) {
    for (const ins of st.instructions) {
      if (ins.keyword === 'ENV') for (const p of ins.properties) env.set(p.name, p);
      if (ins.keyword === 'VOLUME') volumes.push(...volumePaths(df, ins, varsBefore(df, st, ins)).filter((p) => p.startsWith('/') && !isDynamicText(p)));
      const dir = ins.args[0]?.value;
      if (ins.keyword === 'WORKDIR' && dir && !ins.args[0].dynamic) workdir = dir.startsWith('/') ? dir : nodePath.posix.join(workdir ?? '/', dir);
    }
  }
  return { file, image: chain[0].image, env: [...env.values()], workdir, volumes };
}

/** `--flag=/path`, `--flag /path`, `-D /path`: paths a command hands to an option (not positional arguments). */
function flaggedPaths(words: readonly string[]): { flag: string; path: string }[] {
  const out: { flag: string; path: string }[] = [];
  words.forEach((w, i) => {
    const eq = w.indexOf('=');
    if (w.startsWith('-') && eq > 0 && w[eq + 1] === '/') out.push({ flag: w.slice(0, eq), path: w.slice(eq + 1) });
    else if (w.startsWith('-') && eq < 0 && words[i + 1]?.startsWith('/')) out.push({ flag: w, path: words[i + 1] });
  });
  return out;
}

/** What a container's configuration says about where it writes, for recognising a datastore by its data directory. */
function configuredPaths(facts: RunFacts): DataPathEvidence[] {
  const out: DataPathEvidence[] = [];
  for (const [name, value] of facts.env) {
    if (value?.startsWith('/')) out.push({ path: value.split(/[,:]/)[0], how: `set by ${name}`, configured: true });
  }
  for (const f of flaggedPaths(facts.words)) out.push({ path: f.path, how: `set by ${f.flag}`, configured: true });
  return out;
}

/** A writable mount is evidence of writing there, unless the volume belongs to a container already known by its image. */
function mountEvidence(mounts: Mounts, sharedWithKnown: (m: Mount) => boolean): DataPathEvidence[] {
  return mounts.all.filter((m) => !m.readOnly && !m.implied && !sharedWithKnown(m))
    .map((m) => ({ path: m.target, how: `${mountedThing(m)} is mounted there`, configured: false }));
}

function mountedThing(m: Mount): string {
  if (m.source === '(anonymous)') return 'an anonymous volume';
  if (m.source === 'tmpfs') return 'a tmpfs';
  if (m.source.startsWith('.') || m.source.startsWith('/')) return `the host folder ${m.source}`;
  return m.source.includes(' ') ? m.source : `volume "${m.source}"`;
}

/** Images whose name already says what they are: a cache, or a datastore configured not to persist. */
function knownByName(image: ImageRef | undefined): boolean {
  return !!image && (isCacheImage(image) || !!datastoreOfImage(image));
}

/**
 * The datastore a Compose service runs: by its image, else by the image its build starts FROM (with that
 * image's ENV), else by where it writes (a custom image whose PGDATA, flags, Dockerfile VOLUME or mounts name
 * a known data directory).
 */
export function composeDatastore(model: ComposeModel, s: ComposeService, ctx: RuleContext): DatastoreMatch | undefined {
  const facts = composeFacts(s);
  const built = builtImage(s, ctx);
  const image = built?.image ?? s.image;
  const env = new Map<string, string | undefined>([...(built?.env ?? []).map((e): [string, string | undefined] => [e.name, e.dynamic ? undefined : e.value]), ...facts.env]);
  const run: RunFacts = { env, words: facts.words };
  const byImage = (s.image && identifyDatastore(s.image, run, ctx.settings.dataDirectories)) || (image && identifyDatastore(image, run, ctx.settings.dataDirectories));
  if (byImage) return built?.volumes.length ? { ...byImage, imageVolumes: [...(byImage.imageVolumes ?? []), ...built.volumes] } : byImage;
  // An image decided at deploy time (`${DB_IMAGE}`) is judged like a custom one: by where it writes.
  if (knownByName(s.image) || knownByName(built?.image)) return undefined;
  let known: Set<string> | undefined;
  const sharedWithDatastore = (source: string) => (known ??= volumesOfImageDatastores(model, s, ctx)).has(source);
  const evidence = [
    ...configuredPaths(run),
    ...(built?.volumes ?? []).map((p): DataPathEvidence => ({ path: p, how: 'declared as VOLUME in its Dockerfile', configured: false })),
    ...mountEvidence(composeMounts(model, s), (m) => sharedWithDatastore(m.source)),
  ];
  const hints = [s.name, s.image?.repository ?? '', s.raw.get('container_name')?.str()?.value ?? '', ...facts.words.slice(0, 1)];
  const match = inferDatastore(evidence, hints, run);
  return match && built?.volumes.length ? { ...match, imageVolumes: built.volumes } : match;
}

/**
 * The volume sources of the other services that run a datastore known by its image (a sidecar sharing one
 * is no datastore itself). Which services those are is worked out once per model and settings: asked per
 * service, it made a 500-service file quadratic, three rules over.
 */
const imageDatastoresOf = new WeakMap<ComposeModel, { dirs: unknown; services: [ComposeService, string[]][] }>();
function volumesOfImageDatastores(model: ComposeModel, s: ComposeService, ctx: RuleContext): Set<string> {
  const dirs = ctx.settings.dataDirectories;
  let cached = imageDatastoresOf.get(model);
  if (!cached || cached.dirs !== dirs) {
    cached = {
      dirs,
      services: model.services.filter((o) => o.image && identifyDatastore(o.image, composeFacts(o), dirs))
        .map((o): [ComposeService, string[]] => [o, o.volumes.map((v) => v.source?.value).filter((v): v is string => !!v)]),
    };
    imageDatastoresOf.set(model, cached);
  }
  return new Set(cached.services.filter(([o]) => o !== s).flatMap(([, sources]) => sources));
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

/**
 * The datastore a Kubernetes container runs: by its image, else by where it writes (its variables, flags or
 * writable volume mounts name a known data directory). A volume that a sibling container known by its image
 * also mounts is that container's data (a backup or metrics sidecar reading it), not evidence.
 */
export function kubeDatastore(obj: KubeObject, c: KubeContainer, ctx: RuleContext): DatastoreMatch | undefined {
  if (!c.image) return undefined;
  const facts = kubeFacts(c);
  const byImage = identifyDatastore(c.image, facts, ctx.settings.dataDirectories);
  if (byImage || knownByName(c.image)) return byImage;
  const siblings = (obj.workload?.podSpec.containers ?? []).filter((o) => o !== c && o.image && identifyDatastore(o.image, kubeFacts(o), ctx.settings.dataDirectories));
  const known = new Set(siblings.flatMap((o) => o.volumeMounts.map((m) => m.name)));
  const mounts = kubeMounts(obj, c);
  const evidence = [
    ...configuredPaths(facts),
    ...mountEvidence(mounts, (m) => c.volumeMounts.some((vm) => vm.range === m.range && known.has(vm.name))),
  ];
  return inferDatastore(evidence, [c.name, obj.name ?? '', c.image.repository, ...facts.words.slice(0, 1)], facts);
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

