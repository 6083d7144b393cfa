import { defineRule } from '../../engine/rule';
import { effectiveInstruction, Stage } from '../../model/dockerfile';
import { programOf } from '../../knowledge/shell';
import { isPartialPodSpec, podsOf } from '../host-daemon/shared';
import type { YView } from '../../parse/yaml-view';
import { runsAsNonRootUpstream } from '../../knowledge/nonroot-images';
import { parseImageRef } from '../../knowledge/image';

/** The external image a stage's chain of `FROM <stage>` ends at. */
function baseImageOf(stage: Stage) {
  let s = stage;
  while (s.parent) s = s.parent;
  return s.image;
}

/** Privilege-dropping helpers: an image that installs or runs one starts as root on purpose and switches user itself. */
const DROPPERS = new Set(['gosu', 'su-exec', 'setpriv', 'chpst', 'runuser', 's6-setuidgid']);

function dropsPrivileges(stage: Stage): boolean {
  for (let s: Stage | undefined = stage; s; s = s.parent) {
    for (const ins of s.instructions) {
      for (const c of ins.commands) {
        if (c.words.some((w) => DROPPERS.has((w.text.split('/').pop() ?? '').split(/[=~<>@]/)[0]))) return true;
        if (programOf(c)?.name === 'su' && ins.keyword !== 'RUN') return true;
      }
    }
  }
  return false;
}

const isRootUser = (u: string) => /^(root|0)(:.*)?$/.test(u.trim());

/** The container inherits its user from an image known to switch to a non-root user upstream (Grafana, distroless `:nonroot`). */
function imageRunsAsNonRoot(container: YView): boolean {
  const image = container.get('image')?.str();
  return !!image && !image.dynamic && runsAsNonRootUpstream(parseImageRef(image.value, image.range));
}

/** Effective `runAsUser` / `runAsNonRoot` of a container: its own securityContext over the pod's. */
function identity(container: YView, pod: YView): { user?: number; userRange?: YView; nonRoot?: boolean } {
  const c = container.get('securityContext');
  const p = pod.get('securityContext');
  const userView = c?.get('runAsUser') ?? p?.get('runAsUser');
  const nonRoot = (c?.get('runAsNonRoot') ?? p?.get('runAsNonRoot'))?.bool()?.value;
  return { user: userView?.num()?.value, userRange: userView, nonRoot };
}

export default defineRule({
  id: 'runs-as-root',
  title: 'Container runs as root',
  category: 'security',
  principle: 'security',
  severity: 'warning',
  fix: 'none',
  peers: {
    hadolint: ['DL3002'], kics: ['last_user_is_root', 'missing_user_instruction', 'containers_running_as_root'], checkov: ['CKV_DOCKER_3', 'CKV_DOCKER_8', 'CKV_K8S_23', 'CKV_K8S_40'],
    kubeLinter: ['run-as-non-root'], polaris: ['runAsRootAllowed', 'runAsPrivileged'], trivy: ['DS-0002', 'KSV-0012', 'KSV-0105'], kubeScore: ['container-security-context-user-group-id'],
  },
  docs: {
    why: 'A process running as root inside the container is root on the host as soon as it escapes (a kernel or runtime bug, a mounted socket, a misconfigured volume), and it can rewrite everything in the image at run time. Production images should switch to an unprivileged user with `USER`, and Kubernetes pods should say so with `runAsNonRoot: true` so the kubelet refuses an image that would start as root.',
    bad: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]' },
    good: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nWORKDIR /app\nCOPY --chown=node:node . .\nUSER node\nCMD ["node", "server.js"]' },
    notes: 'Dockerfile: only the final stage (and the stages it is built FROM) matters; builder stages may run as root. `FROM scratch` images are not judged (they have no user database). Images that install or run a privilege-dropping helper (`gosu`, `su-exec`, `setpriv`, …) start as root on purpose, as official database images do, and are not flagged. Kubernetes: an explicit `runAsUser: 0` is a warning; a container with neither a non-zero `runAsUser` nor `runAsNonRoot: true` (container or pod level) inherits the image\'s user and is reported as info, unless the image is one known to run as a non-root user upstream (the same list as for Dockerfiles). Compose: only an explicit `user: root`/`0`.',
  },
  check: {
    dockerfile(model, ctx) {
      const final = model.stages[model.stages.length - 1];
      if (!final || /windows|nanoserver|servercore/i.test(final.image?.raw ?? '')) return;
      // `FROM scratch` has no user database: only a numeric USER could apply, and the binary decides.
      if (!final.image && !final.parent) return;
      if (dropsPrivileges(final)) return;
      const user = effectiveInstruction(final, 'USER');
      if (!user) {
        const base = baseImageOf(final);
        // An unresolved `FROM $BASE_IMAGE` may well set a USER (distroless :nonroot in cert-manager's build): unknown.
        if (base && (base.dynamic || runsAsNonRootUpstream(base))) return;
        ctx.report({ range: final.from.range, message: 'The image has no USER instruction, so it runs as root. Create an unprivileged user (or use one the base image provides, like `node`) and switch to it with `USER` before CMD.' });
      } else if (isRootUser(user.argsText)) {
        ctx.report({ range: user.range, message: `The last USER is "${user.argsText.trim()}", so the container runs as root. Switch to an unprivileged user before CMD.` });
      }
    },
    compose(model, ctx) {
      for (const s of model.services) {
        const u = s.raw.get('user')?.str();
        if (u && !u.dynamic && isRootUser(u.value)) {
          ctx.report({ range: u.range, message: `Service "${s.name}" sets user "${u.value}": it runs as root. Use an unprivileged user id.` });
        }
      }
    },
    kubernetes(model, ctx) {
      for (const pod of podsOf(model)) {
        for (const c of pod.containers) {
          const id = identity(c.raw, pod.spec);
          if (id.user === 0 && id.userRange) {
            ctx.report({ range: id.userRange.range, message: `Container "${c.name}" runs with runAsUser: 0 (root). Use a non-zero user id and set runAsNonRoot: true.` });
          } else if (id.user === undefined && id.nonRoot !== true && !pod.obj.templated && !c.init && !isPartialPodSpec(pod.spec) && !imageRunsAsNonRoot(c.raw)) {
            ctx.report({ range: c.nameRange, severity: 'info', message: `Container "${c.name}" sets neither runAsNonRoot: true nor a non-zero runAsUser, so it runs as whatever user the image has, often root. Set securityContext.runAsNonRoot: true.` });
          }
        }
      }
    },
  },
});
