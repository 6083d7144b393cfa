import { defineRule, Fix, RuleContext } from '../../engine/rule';
import type { DockerfileModel, Instruction, Stage } from '../../model/dockerfile';
import { effectiveInstruction } from '../../model/dockerfile';
import { covers, datastoreOfImage, DATASTORE_SERVERS, knownDataDirectories, normalizePath } from '../../knowledge/datastores';
import { volumePaths } from '../../knowledge/dockerfile-volumes';
import { programOf } from '../../knowledge/shell';
import { varsBefore } from '../build-run/stages';

/** The image runs a datastore server: its CMD/ENTRYPOINT names one, or it is built FROM a datastore image. */
function runsDatastore(stage: Stage): boolean {
  for (const kw of ['ENTRYPOINT', 'CMD']) {
    const ins = effectiveInstruction(stage, kw);
    for (const c of ins?.commands ?? []) {
      const p = programOf(c);
      // exec-form words may still carry their JSON quotes
      if (p && DATASTORE_SERVERS.has(p.name.replace(/^"|"$/g, ''))) return true;
    }
  }
  let root: Stage = stage;
  while (root.parent) root = root.parent;
  return !!root.image && !!datastoreOfImage(root.image);
}

function removeFix(model: DockerfileModel, ins: Instruction): Fix {
  const src = model.source;
  const start = { line: ins.range.start.line, character: 0 };
  const end = ins.range.end.line + 1 < src.lineCount ? { line: ins.range.end.line + 1, character: 0 } : ins.range.end;
  return { title: 'Remove the VOLUME instruction (mount the path at run time instead)', safety: 'unsafe', edits: [{ range: { start, end }, newText: '' }] };
}

function check(model: DockerfileModel, ctx: RuleContext): void {
  // Single-segment directories (/data, /prometheus) are too common to say "this is a datastore" on their own.
  const distinctive = knownDataDirectories(ctx.settings.dataDirectories).filter((d) => d.split('/').length > 2 && !d.startsWith('/tmp/'));
  for (const stage of model.stages) {
    if (!stage.ships) continue;
    for (const ins of stage.instructions) {
      if (ins.keyword !== 'VOLUME') continue;
      const list = volumePaths(model, ins, varsBefore(model, stage, ins));
      if (!list.length) continue;
      const shown = list.join(' ');
      const datastore = runsDatastore(stage)
        || list.every((p) => !/[$]/.test(p) && distinctive.some((d) => covers(d, normalizePath(p))));
      if (datastore) {
        ctx.report({
          range: ins.range,
          severity: 'info',
          message: `VOLUME ${shown} keeps this datastore's files out of the container layer, but in an anonymous volume that \`docker compose down\` orphans and nothing backs up. Wherever the image runs, mount a named volume or claim at ${list.length > 1 ? 'these paths' : 'this path'}.`,
        });
        continue;
      }
      ctx.report({
        range: ins.range,
        message: `VOLUME ${shown} makes every container of this image create an anonymous volume that outlives it unnamed and unbacked-up, hides ${list.length > 1 ? 'these paths' : 'the path'} from \`docker commit\` and cannot be undone by images built FROM this one. Leave mounts to the deployment (Compose \`volumes:\`, Kubernetes \`volumeMounts\`).`,
        fix: () => removeFix(model, ins),
      });
    }
  }
}

export default defineRule({
  id: 'volume-in-image',
  title: 'VOLUME declared in the image',
  category: 'state',
  principle: 'processes',
  severity: 'warning',
  fix: 'unsafe',
  // None of the anchors has a rule about VOLUME in Dockerfiles (hadolint, BuildKit checks, KICS, Checkov, Trivy): no peer ids.
  peers: {},
  docs: {
    why: '`VOLUME` in a Dockerfile makes every container of the image create an anonymous volume at that path. It holds state that nobody named, so it is neither backed up nor cleaned up: it piles up on hosts, and `docker compose down` orphans it so the next `up` starts empty. Files written there are left out of `docker commit`, with the legacy builder later `RUN` steps changing that path are silently discarded, and images built `FROM` this one can never remove the declaration. Where data must persist is a deployment decision: Compose `volumes:`, Kubernetes `volumeMounts`.',
    bad: { lang: 'dockerfile', code: 'FROM eclipse-temurin:21-jre\nVOLUME /tmp\nCOPY app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]' },
    good: { lang: 'dockerfile', code: 'FROM eclipse-temurin:21-jre\nCOPY app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]\n# compose.yaml: volumes: [ "app-tmp:/tmp" ] only if the data must outlive the container' },
    notes: 'Only stages that end up in the shipped image are checked. Datastore images (CMD/ENTRYPOINT runs `postgres`, `mysqld`, `mongod`, `redis-server`, ... or the image is built FROM one, or the path is a known data directory such as /var/lib/mysql) declare their data directory as a VOLUME by convention, so those are reported at `info` as a reminder to mount a named volume there at run time. `$VAR` paths are resolved from earlier ENV/ARG defaults. The fix removes the instruction; it is unsafe because containers then write that path into their writable layer.',
  },
  check: { dockerfile: check },
});
