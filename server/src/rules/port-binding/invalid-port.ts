import { defineRule } from '../../engine/rule';
import type { Range } from '../../model/range';
import { podsOf } from '../host-daemon/shared';

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

/** What is wrong with a port or `a-b` range (0..65535 allowed), or undefined when it is fine. */
export function portProblem(text: string, min = 0): string | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!m) return `"${text}" is not a port number`;
  const a = Number(m[1]), b = m[2] !== undefined ? Number(m[2]) : a;
  for (const n of [a, b]) if (n < min || n > 65535) return `${n} is outside the port range ${min}-65535`;
  if (b < a) return `the range ${text} ends before it starts`;
  return undefined;
}

export default defineRule({
  id: 'invalid-port',
  title: 'Port number out of range or malformed',
  category: 'port-binding',
  principle: 'port-binding',
  severity: 'error',
  fix: 'none',
  peers: {
    hadolint: ['DL3011'], buildkit: ['ExposeInvalidFormat'], kics: ['unix_ports_out_of_range'],
  },
  docs: {
    why: 'TCP and UDP ports are 16-bit numbers. `EXPOSE 80800`, a Compose port `"8080:80800"` or `containerPort: 0` cannot work: the build or `docker compose up` fails, or the Kubernetes API rejects the object. A typo here means the app is unreachable at the port everyone expects.',
    bad: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nEXPOSE 80800\nCMD ["node", "server.js"]' },
    good: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nEXPOSE 8080\nCMD ["node", "server.js"]' },
    notes: 'Dockerfile EXPOSE: ports and ranges must lie within 0-65535, protocols must be tcp, udp or sctp, and a host mapping (`EXPOSE 8080:80`) is reported because EXPOSE cannot publish (BuildKit warns that it will become an error). Compose `ports`: published and target ports and ranges. Kubernetes `containerPort` (1-65535) and `hostPort` (0 means unset). Values with variables or templates are not judged.',
  },
  check: {
    dockerfile(model, ctx) {
      for (const ins of model.instructions) {
        if (ins.keyword !== 'EXPOSE') continue;
        for (const a of ins.args) {
          if (a.dynamic) continue;
          const [spec, proto, ...extra] = a.value.split('/');
          let problem: string | undefined;
          if (spec.includes(':')) problem = `"${a.value}" maps a host port, which EXPOSE cannot do: it only documents the container port (publish with \`docker run -p\` or Compose \`ports\`)`;
          else problem = portProblem(spec);
          if (!problem && (extra.length || (proto !== undefined && !PROTOCOLS.has(proto.toLowerCase())))) problem = `"${a.value}" names an unknown protocol (use tcp, udp or sctp)`;
          if (problem) ctx.report({ range: a.range, message: `EXPOSE ${problem}. Fix the port the app listens on.` });
        }
      }
    },
    compose(model, ctx) {
      for (const s of model.services) {
        for (const p of s.ports) {
          if (p.dynamic) continue;
          // Only numbers and ranges are judged: other forms are the parser's business, not a port number's.
          const bad = [p.published, p.target].map((x) => x && /^\s*\d+(?:-\d+)?\s*$/.test(x) ? portProblem(x) : undefined).find(Boolean);
          if (bad) ctx.report({ range: p.range, message: `Service "${s.name}" port: ${bad}, so \`docker compose up\` fails for this service.` });
        }
      }
    },
    kubernetes(model, ctx) {
      for (const pod of podsOf(model)) {
        if (pod.obj.templated) continue;
        for (const c of pod.containers) {
          for (const p of c.raw.get('ports')?.items() ?? []) {
            for (const [key, min] of [['containerPort', 1], ['hostPort', 0]] as const) {
              const v = p.get(key)?.str();
              if (!v || v.dynamic) continue;
              const bad = portProblem(v.value, min);
              const range: Range = v.range;
              if (bad) ctx.report({ range, message: `Container "${c.name}" ${key}: ${bad}; the Kubernetes API rejects the ${pod.obj.kind}.` });
            }
          }
        }
      }
    },
  },
});
