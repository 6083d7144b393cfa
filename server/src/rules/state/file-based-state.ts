import * as nodePath from 'path';
import { defineRule, RuleContext } from '../../engine/rule';
import type { EnvEntry } from '../../model/common';
import type { DockerfileModel } from '../../model/dockerfile';
import { FileState, fileStateOf, normalizePath } from '../../knowledge/datastores';
import { builtImage, composeMounts, couldHoldData, ephemeralCover, kubeMounts, Mounts, persistentCover } from './mounts';
import { servesLongRunning } from '../../model/kubernetes';

const CONSEQUENCE: Record<FileState['kind'], string> = {
  sqlite: 'the data is lost when the container is replaced and cannot be shared by a second replica',
  sessions: 'users are logged out on every restart, and a second replica does not see the sessions',
  cache: 'each replica keeps its own copy, so invalidations and locks do not reach the others',
  uploads: 'uploads are lost when the container is replaced and a second replica does not see them',
};

const ADVICE: Record<FileState['kind'], string> = {
  sqlite: 'Use a database service, or mount a persistent volume at that path and keep one replica',
  sessions: 'Store sessions in a backing service (Redis, the database)',
  cache: 'Use a shared cache (Redis, Memcached)',
  uploads: 'Store uploads in object storage, or mount a persistent volume there',
};

/** Absolute forms of the state's paths: relative ones resolved against the working directory when it is known. */
function resolve(state: FileState, workdir: string | undefined): { absolute: string[]; unresolved: boolean } {
  const absolute: string[] = [];
  let unresolved = false;
  for (const p of state.paths) {
    if (p.startsWith('/')) absolute.push(normalizePath(p));
    else if (workdir) absolute.push(normalizePath(nodePath.posix.join(workdir, p)));
    else unresolved = true;
  }
  return { absolute, unresolved };
}

interface Judged { entry: EnvEntry; state: FileState; where: string; ephemeral?: string }

/**
 * Whether the files a variable points at are kept. A path with no known location (a relative path
 * without a working directory, or a framework's default session directory) is given the benefit of
 * the doubt when any persistent mount exists.
 */
function judge(entries: EnvEntry[], mounts: Mounts, workdir: string | undefined): Judged[] {
  const out: Judged[] = [];
  if (mounts.unknown) return out;
  for (const entry of entries) {
    if (entry.value === undefined || entry.dynamic || entry.valueFrom) continue;
    const state = fileStateOf(entry.name, entry.value);
    if (!state) continue;
    const { absolute, unresolved } = resolve(state, workdir);
    if (absolute.some((p) => persistentCover(mounts, p))) continue;
    if ((unresolved || !absolute.length) && mounts.all.some(couldHoldData)) continue;
    const eph = absolute.map((p) => ephemeralCover(mounts, p)).find(Boolean);
    out.push({ entry, state, where: absolute[0] ?? state.paths[0] ?? '', ephemeral: eph?.ephemeral });
  }
  return out;
}

/** `subject` names the variable and ends where " keeps ..." can follow. */
function message(subject: string, j: Judged, container: string): string {
  const at = j.where ? ` at ${j.where}` : ` in ${container}'s filesystem`;
  const why = j.ephemeral ? `, on ${j.ephemeral}` : '';
  return `${subject} keeps ${j.state.what}${at}${why}: ${CONSEQUENCE[j.state.kind]}. ${ADVICE[j.state.kind]}.`;
}

function checkDockerfile(model: DockerfileModel, ctx: RuleContext): void {
  for (const stage of model.stages) {
    if (!stage.ships) continue;
    for (const ins of stage.instructions) {
      if (ins.keyword !== 'ENV') continue;
      for (const entry of ins.properties) {
        if (entry.value === undefined || entry.dynamic) continue;
        const state = fileStateOf(entry.name, entry.value);
        if (!state) continue;
        const where = state.paths[0] ? ` at ${state.paths[0]}` : '';
        // The image cannot know what its deployment mounts, so this is a reminder rather than a warning.
        ctx.report({
          range: entry.valueRange ?? entry.range,
          severity: 'info',
          message: `ENV ${entry.name} has the image keep ${state.what}${where} in the container filesystem; unless every deployment mounts a persistent volume there (a VOLUME line is only an anonymous one), ${CONSEQUENCE[state.kind]}. ${ADVICE[state.kind]}.`,
        });
      }
    }
  }
}

export default defineRule({
  id: 'file-based-state',
  title: 'Application state written to the container filesystem',
  category: 'state',
  principle: 'processes',
  severity: 'warning',
  fix: 'none',
  // No anchor looks at where applications keep state (read-only root filesystem checks such as Checkov CKV_K8S_22 or
  // kube-linter no-read-only-root-fs are related but judge a security setting): no peer ids.
  peers: {},
  docs: {
    why: 'A process that keeps its database, sessions, cache or uploads in files inside the container is not disposable: the next deploy, crash or reschedule starts with an empty directory, and a second replica has its own, different copy. Users get logged out, uploads disappear, SQLite data is gone. State belongs in backing services (a database, Redis, object storage) or, when a file really is the store, on a persistent volume with a single writer.',
    bad: { lang: 'yaml', code: 'services:\n  web:\n    image: shop/web:2.3.0\n    environment:\n      DATABASE_URL: sqlite:////app/data/shop.sqlite3\n      SESSION_DRIVER: file' },
    good: { lang: 'yaml', code: 'services:\n  web:\n    image: shop/web:2.3.0\n    environment:\n      DATABASE_URL: postgres://shop:${DB_PASSWORD}@db:5432/shop\n      SESSION_DRIVER: redis' },
    notes: 'Jobs and CronJobs are not checked (their pods run to completion and their scratch files are meant to go). Looks at environment values: SQLite URLs and paths (`sqlite:///…`, `file:./dev.db`, `*.db`/`*.sqlite`/`*.sqlite3` paths), file session and cache drivers (Laravel `SESSION_DRIVER`/`CACHE_DRIVER`/`CACHE_STORE=file`, Django `SESSION_ENGINE=…sessions.backends.file` and `FileBasedCache`, PHP `session.save_handler=files`) and upload directories (`UPLOAD_DIR`, `MEDIA_ROOT`, …). In Compose and Kubernetes a persistent mount (named volume, bind mount, PVC, claim template) at or above the path silences it; relative paths are resolved against `working_dir`/`workingDir`, and when the location is unknown any writable persistent directory mount (not a socket, a file or a read-only mount) is taken as covering it. In Dockerfiles `ENV` is reported at `info`, since only the deployment decides what is mounted; a Compose service that builds that Dockerfile is judged against its own mounts (when the workspace index has the Dockerfile). Not flagged: `${VAR}`/`$(VAR)` values, `:memory:` databases, hostnames such as `DB_HOST=postgres.db`, Jobs and init containers, Helm-templated objects.',
  },
  check: {
    dockerfile: checkDockerfile,
    compose(model, ctx) {
      for (const s of model.services) {
        const wd = s.raw.get('working_dir')?.str();
        const workdir = wd && !wd.dynamic ? wd.value : undefined;
        const mounts = composeMounts(model, s);
        for (const j of judge(s.environment, mounts, workdir)) {
          ctx.report({ range: j.entry.valueRange ?? j.entry.range, message: message(`Service "${s.name}" variable ${j.entry.name}`, j, 'the container') });
        }
        // The image's own ENV applies too unless the service overrides it; only here are the mounts known.
        const built = s.build && builtImage(s, ctx);
        if (!built || !s.build) continue;
        const own = new Set(s.environment.map((e) => e.name));
        for (const j of judge(built.env.filter((e) => !own.has(e.name)), mounts, workdir ?? built.workdir)) {
          ctx.report({ range: s.build.range, message: message(`Service "${s.name}" inherits ${j.entry.name} from ${built.file}, which`, j, 'the container') });
        }
      }
    },
    kubernetes(model, ctx) {
      for (const obj of model.objects) {
        const w = obj.workload;
        if (!servesLongRunning(w) || obj.templated) continue;
        for (const c of w.podSpec.containers) {
          const wd = c.raw.get('workingDir')?.str();
          for (const j of judge(c.env, kubeMounts(obj, c), wd && !wd.dynamic ? wd.value : undefined)) {
            ctx.report({ range: j.entry.valueRange ?? j.entry.range, message: message(`Container "${c.name}" env ${j.entry.name}`, j, 'the pod') });
          }
        }
      }
    },
  },
});
