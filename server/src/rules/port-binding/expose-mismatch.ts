import * as nodePath from 'path';
import { defineRule, RelatedInfo } from '../../engine/rule';
import type { ImageRef } from '../../model/common';
import type { ComposeService } from '../../model/compose';
import type { Instruction, Stage } from '../../model/dockerfile';
import { imageBaseName } from '../../knowledge/image';
import { builtStage } from '../backing-services/service-facts';

/**
 * Base images known to declare no EXPOSE of their own: language runtimes and plain OS images. Any
 * other base (nginx, php:fpm, tomcat, datastores) may expose ports the Dockerfile does not repeat.
 */
const NO_EXPOSE_BASES = new Set([
  'node', 'python', 'pypy', 'ruby', 'openjdk', 'eclipse-temurin', 'amazoncorretto', 'ibm-semeru-runtimes', 'sapmachine', 'golang', 'rust', 'elixir',
  'erlang', 'perl', 'bun', 'alpine', 'debian', 'ubuntu', 'busybox', 'centos', 'fedora', 'rockylinux', 'almalinux', 'amazonlinux',
]);
/** gcr.io/distroless images: none exposes a port. */
const DISTROLESS = /^(?:static|base|base-nossl|cc|java\d*|nodejs\d*|python3)(?:-debian\d+)?$/;

function rootOf(stage: Stage): Stage {
  let s = stage;
  while (s.parent) s = s.parent;
  return s;
}

function knownBase(image: ImageRef | undefined): boolean {
  if (!image) return true; // scratch
  if (image.dynamic) return false;
  const base = imageBaseName(image);
  if (/distroless/.test(image.repository.toLowerCase())) return DISTROLESS.test(base);
  return NO_EXPOSE_BASES.has(base);
}

interface Exposed { ports: [number, number][]; instructions: Instruction[]; dynamic: boolean }

function exposedBy(stage: Stage): Exposed {
  const out: Exposed = { ports: [], instructions: [], dynamic: false };
  for (let s: Stage | undefined = stage; s; s = s.parent) {
    for (const ins of s.instructions) {
      if (ins.keyword !== 'EXPOSE') continue;
      out.instructions.push(ins);
      for (const a of ins.args) {
        if (a.dynamic) { out.dynamic = true; continue; }
        const m = /^(\d+)(?:-(\d+))?(?:\/\w+)?$/.exec(a.value);
        if (m) out.ports.push([Number(m[1]), Number(m[2] ?? m[1])]);
      }
    }
  }
  return out;
}

function dockerfilePath(s: ComposeService, composePath: string): string {
  return nodePath.resolve(nodePath.dirname(composePath), s.build?.context?.value ?? '.', s.build?.dockerfile?.value ?? 'Dockerfile');
}

export default defineRule({
  id: 'expose-mismatch',
  title: 'Published port not exposed by the built image',
  category: 'port-binding',
  principle: 'port-binding',
  severity: 'info',
  fix: 'none',
  peers: {},
  docs: {
    why: 'An image should say which port its app binds: `EXPOSE` is that contract, read by people, `docker run -P`, and tools that wire services together. When a Compose service publishes a container port the image it builds does not expose, either the app listens elsewhere and the published port reaches nothing (connection refused, and a health check that never passes), or the Dockerfile no longer documents the port the app really uses.',
    bad: { lang: 'yaml', code: '# Dockerfile: EXPOSE 3000\nservices:\n  api:\n    build: .\n    ports:\n      - "8080:8080"' },
    good: { lang: 'yaml', code: '# Dockerfile: EXPOSE 3000\nservices:\n  api:\n    build: .\n    ports:\n      - "8080:3000"' },
    notes: 'Compose services with `build:` whose Dockerfile is in the workspace (`build.context` + `build.dockerfile`, `build.target` honoured). EXPOSE lines are collected through the built stage and its FROM-ancestors. Only judged when the root base image is known to expose nothing itself (language runtimes, OS and distroless images): nginx, php-fpm, tomcat or datastore bases expose their own ports. Not judged: EXPOSE or ports with variables, port ranges, inline Dockerfiles. Kubernetes `containerPort` is not judged because a manifest does not say which Dockerfile built its image.',
  },
  check: {
    compose(model, ctx) {
      for (const s of model.services) {
        const stage = builtStage(s, ctx);
        if (!stage || !s.ports.length || !knownBase(rootOf(stage).image)) continue;
        const exposed = exposedBy(stage);
        if (exposed.dynamic) continue;
        const file = dockerfilePath(s, ctx.path);
        const name = nodePath.basename(file);
        const targets = s.ports.filter((p) => !p.dynamic && p.target && /^\d+$/.test(p.target.trim()));
        if (!exposed.instructions.length) {
          const p = targets[0];
          if (!p) continue;
          ctx.report({
            range: p.range,
            message: `Service "${s.name}" publishes container port ${p.target}, but its ${name} has no EXPOSE: the image does not say which port its app binds. Add \`EXPOSE ${p.target}\` to the Dockerfile.`,
            related: [{ message: 'the built stage', range: stage.from.range, file }],
          });
          continue;
        }
        const list = exposed.ports.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ');
        for (const p of targets) {
          const t = Number(p.target);
          if (exposed.ports.some(([a, b]) => t >= a && t <= b)) continue;
          const related: RelatedInfo[] = exposed.instructions.map((i) => ({ message: `EXPOSE ${i.argsText.trim()}`, range: i.range, file }));
          // `gunicorn -b 0.0.0.0:8000`, `--port=8000`, `PORT=8000`: the service itself says where the app listens.
          const words = [...(s.command?.words ?? []), ...(s.entrypoint?.words ?? []), ...s.environment.map((e) => ({ value: e.value ?? '' }))];
          const bound = words.some((w) => new RegExp(`(?:^|[\\s:=])${t}(?![\\d.])`).test(w.value));
          ctx.report({
            range: p.range, related,
            message: bound
              ? `Service "${s.name}" runs its app on port ${t}, but its ${name} only exposes ${list}: the image documents a port the app no longer uses. Change EXPOSE to ${t}.`
              : `Service "${s.name}" publishes container port ${t}, but its ${name} only exposes ${list}: if the app listens on ${list}, this port reaches nothing; if it listens on ${t}, the Dockerfile is out of date. Make the Compose target and EXPOSE agree.`,
          });
        }
      }
    },
  },
});
