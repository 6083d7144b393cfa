import { defineRule, RuleContext, Severity } from '../../engine/rule';
import type { EnvEntry } from '../../model/common';
import type { ComposeModel } from '../../model/compose';
import type { DockerfileModel, Stage } from '../../model/dockerfile';
import { effectiveInstruction, finalStage } from '../../model/dockerfile';
import type { KubeContainer, KubeObject, KubernetesModel } from '../../model/kubernetes';
import type { Range, SourceText } from '../../model/range';
import { commandsOf, kubeContainerCommands, openShellScripts } from '../../knowledge/container-commands';
import { covers, normalizePath } from '../../knowledge/datastores';
import { isFilePath, isLogFileVariable, isLogPath, isOutputRedirect, logFlagTargets } from '../../knowledge/logging';
import { programOf, ShellCommand } from '../../knowledge/shell';

const CONSEQUENCE = '`docker logs`, `kubectl logs` and the platform\'s log collector never see these lines, the file grows inside the container\'s writable layer until the disk fills, and it is gone when the container is replaced.';

interface Hit { range: Range; what: string; path: string }

/** Log files the runtime commands write: redirects and log flags of the main program and of background jobs. */
function commandHits(cmds: ShellCommand[], source: SourceText): Hit[] {
  const hits: Hit[] = [];
  const withProgram = cmds.filter((c) => programOf(c));
  const main = withProgram[withProgram.length - 1];
  for (const c of withProgram) {
    if (c !== main && c.terminator !== '&') continue;
    const prog = programOf(c)!.name;
    for (const r of c.redirects) {
      if (!isOutputRedirect(r.op) || !r.target || r.target.text.startsWith('&') || !isLogPath(r.target.text)) continue;
      hits.push({ range: source.range(r.start, r.target.end), what: `redirects the output of \`${prog}\` to ${r.target.text}`, path: r.target.text });
    }
    for (const t of logFlagTargets(c)) hits.push({ range: source.range(t.from.start, t.to.end), what: `tells \`${prog}\` to log to ${t.path} (${t.how})`, path: t.path });
  }
  return hits;
}

function envHits(env: EnvEntry[]): Hit[] {
  return env.filter((e) => !e.dynamic && e.value !== undefined && e.valueRange && isLogFileVariable(e.name) && isFilePath(e.value) && (isLogPath(e.value) || /LOG_?FILE|LOG_?PATH|_LOG$/i.test(e.name)))
    .map((e) => ({ range: e.range, what: `sets ${e.name}=${e.value}, a log file inside the container`, path: e.value! }));
}

// ---------------------------------------------------------------- Dockerfile

/** Paths the image links to stdout/stderr (`ln -sf /dev/stdout /var/log/app.log`). */
function linkedToStreams(stage: Stage, model: DockerfileModel): Set<string> {
  const out = new Set<string>();
  for (let s: Stage | undefined = stage; s; s = s.parent) {
    for (const ins of s.instructions) {
      if (ins.keyword !== 'RUN') continue;
      for (const c of commandsOf(ins, model.source)) {
        if (programOf(c)?.name !== 'ln') continue;
        const args = c.words.slice(programOf(c)!.index + 1).map((w) => w.text).filter((a) => !a.startsWith('-'));
        if (args.length === 2 && /^\/(?:dev\/std(?:out|err)|proc\/(?:self|1)\/fd\/[12]|dev\/fd\/[12])$/.test(args[0])) out.add(normalizePath(args[1]));
      }
    }
  }
  return out;
}

function checkDockerfile(model: DockerfileModel, ctx: RuleContext): void {
  const final = finalStage(model);
  if (!final) return;
  const linked = linkedToStreams(final, model);
  const fine = (h: Hit) => linked.has(normalizePath(h.path)) || [...linked].some((l) => covers(l, h.path));
  for (const ins of [effectiveInstruction(final, 'ENTRYPOINT'), effectiveInstruction(final, 'CMD')]) {
    if (!ins) continue;
    for (const h of commandHits(commandsOf(ins, model.source), model.source)) {
      if (!fine(h)) ctx.report({ range: h.range, message: `${ins.keyword} ${h.what}: ${CONSEQUENCE} Log to stdout/stderr instead.` });
    }
  }
  for (let s: Stage | undefined = final; s; s = s.parent) {
    for (const ins of s.instructions) {
      if (ins.keyword !== 'ENV') continue;
      for (const h of envHits(ins.properties)) {
        if (!fine(h)) ctx.report({ range: h.range, message: `ENV ${h.what}: ${CONSEQUENCE} Point it at /dev/stdout (or unset it so the app logs to the console).` });
      }
    }
  }
}

// ---------------------------------------------------------------- Compose

function checkCompose(model: ComposeModel, ctx: RuleContext): void {
  for (const s of model.services) {
    const driver = s.raw.get('logging')?.get('driver')?.str();
    if (driver && !driver.dynamic && driver.value === 'none') {
      ctx.report({ range: driver.range, message: `Service "${s.name}" uses the \`none\` logging driver: its output is thrown away, so \`docker compose logs\` shows nothing and crashes leave no trace. Use the default json-file (with max-size) or \`local\` driver.` });
    }
    const mounted = s.volumes.filter((v) => v.target && !v.target.dynamic && v.type !== 'tmpfs').map((v) => v.target!.value);
    const cmds = openShellScripts([...(s.entrypoint?.commands ?? []), ...(s.command?.commands ?? [])], model.source);
    for (const h of [...commandHits(cmds, model.source), ...envHits(s.environment)]) {
      const kept = mounted.some((m) => covers(m, h.path));
      ctx.report({
        severity: kept ? 'info' : undefined,
        range: h.range,
        message: `Service "${s.name}" ${h.what}: ${kept ? 'the file is on a mount, but `docker compose logs` and log drivers never see these lines.' : CONSEQUENCE} Log to stdout/stderr instead.`,
      });
    }
  }
}

// ---------------------------------------------------------------- Kubernetes

/** The severity for a log path in a pod: none when a sidecar reads it from a shared volume. */
function kubeSeverity(obj: KubeObject, c: KubeContainer, path: string): Severity | 'skip' | undefined {
  const mount = c.volumeMounts.filter((m) => covers(m.mountPath, path)).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (!mount) return undefined;
  const pod = obj.workload!.podSpec;
  // A host directory (/var/log on the node) is read by the node's own log agents.
  if (pod.volumes.some((v) => v.name === mount.name && v.type === 'hostPath')) return 'skip';
  const shared = [...pod.containers, ...pod.initContainers].some((o) => o !== c && o.volumeMounts.some((m) => m.name === mount.name));
  return shared ? 'skip' : 'info';
}

function checkKubernetes(model: KubernetesModel, ctx: RuleContext): void {
  for (const obj of model.objects) {
    if (!obj.workload) continue;
    for (const c of obj.workload.podSpec.containers) {
      const hits = [...commandHits(kubeContainerCommands(c, model.source), model.source), ...envHits(c.env)];
      for (const h of hits) {
        const sev = kubeSeverity(obj, c, h.path);
        if (sev === 'skip') continue;
        ctx.report({
          severity: sev,
          range: h.range,
          message: `Container "${c.name}" ${h.what}: ${sev ? 'the file is on a volume no other container reads, so `kubectl logs` and the cluster\'s log collector never see these lines.' : CONSEQUENCE} Log to stdout/stderr (or add a sidecar that streams the file).`,
        });
      }
    }
  }
}

export default defineRule({
  id: 'log-to-file',
  title: 'Logs written to a file inside the container',
  category: 'observability',
  principle: 'logs',
  severity: 'warning',
  fix: 'none',
  peers: {},
  docs: {
    why: 'Container platforms collect what a process writes to stdout and stderr: `docker logs`, `kubectl logs`, log drivers and cluster log agents all read those streams. A log file inside the container is invisible to all of them, grows in the writable layer until the node\'s disk fills, and disappears with the container, usually right when it is needed to explain a crash.',
    bad: { lang: 'dockerfile', code: 'FROM python:3.12-slim\nENV LOG_FILE=/var/log/app/app.log\nCMD ["sh", "-c", "exec gunicorn app:app >> /var/log/app/gunicorn.log 2>&1"]' },
    good: { lang: 'dockerfile', code: 'FROM python:3.12-slim\nCMD ["gunicorn", "--access-logfile", "-", "app:app"]' },
    notes: 'Looks at what runs at start (the shipped image\'s CMD/ENTRYPOINT, Compose `command`/`entrypoint`, Kubernetes `command`/`args`, `sh -c` scripts opened): output redirects of the main program or of background jobs to log-like paths (`*.log`, `/var/log/...`, `logs/`), and log-file flags (`--log-file`, `--logfile`, `--logpath`, `--error-logfile`, `--access-logfile`, `--log-error`, ...); and log-file variables in ENV/`environment`/`env` (`LOG_FILE`, `LOG_PATH`, `LOG_DIR`, `ERROR_LOG`, `ACCESS_LOG`, prefixed or not; `*_LOG_DIRS` is Kafka data and is ignored). Also flags the Compose `none` logging driver. Not flagged: `/dev/stdout`, `/dev/stderr`, `/proc/self/fd/1`, `-`; redirects of setup commands that run before the main program; paths the image links to stdout with `ln -sf /dev/stdout ...` (nginx\'s access.log and error.log); `${VAR}` paths. Only info when the file is on a Compose mount or on a Kubernetes volume, and nothing when another container of the pod mounts the same volume (a log-shipping sidecar) or the volume is a hostPath (node log agents read it).',
  },
  check: { dockerfile: checkDockerfile, compose: checkCompose, kubernetes: checkKubernetes },
});
