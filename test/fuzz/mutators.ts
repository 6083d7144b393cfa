/**
 * Mutations of Dockerfiles, Compose files and Kubernetes/Helm manifests: the small damage real files
 * get (flipped bytes, cut files, shifted indentation, other line breaks) and the inputs an attacker
 * or an unlucky generator writes (alias bombs, deep nesting, huge lines, unterminated heredocs).
 * Each mutator is a pure function of the text and the case's generator.
 */
import { Rng } from './prng';

export interface Mutator { name: string; weight: number; apply(text: string, rng: Rng, donor: () => string): string }

/** The YAML tokens that change a document's structure most when they land in the wrong place. */
const YAML_TOKENS = ['&a ', '*a', '<<: *a', '<<: [*a, *b]', '!!str ', '!!binary ', '!!map ', '!!python/object ', '!local ', '? ', '|', '|-', '>-', '|+2', '---', '...', '{', '}', '[', ']', '- ', ': ', ',', '#', '"', "'", '%YAML 1.1', '%TAG ! tag:x,2000:', '@', '`', '~', 'null', '<<: ', '- - - ', '{a: [b, {c: '];

const DOCKERFILE_TOKENS = ['FROM ', 'FROM scratch AS ', 'ARG ', 'ENV ', 'RUN ', 'COPY --from=', 'ADD ', 'ONBUILD ', 'HEALTHCHECK ', 'HEALTHCHECK NONE', 'CMD ', 'ENTRYPOINT ', 'SHELL ["', 'USER ', 'VOLUME ', 'EXPOSE ', 'LABEL ', 'MAINTAINER ', 'WORKDIR ', 'STOPSIGNAL ',
  '# syntax=docker/dockerfile:1', '# escape=`', '# escape=\\', '\\', '`', '["', '", "', '"]', '$', '${', '${A:-', '}', '<<EOF', '<<-EOF', "<<'EOF'", '&&', '|', ';', '--mount=type=secret,id=', '--chmod=', ' \\\n', ' `\n', '\t'];

/** Text the rules look for: suppressions, secrets, sockets, hosts, limits, installs. Fuzzed values then meet their code. */
const DOMAIN_TOKENS = ['# seaworthy-ignore', '# seaworthy-ignore ', '# seaworthy-ignore-next-line hardcoded-secret', '# seaworthy-ignore all: reason', 'extra_hosts:\n  - ', 'host.docker.internal:host-gateway',
  'RUN echo "x" | debconf-set-selections', 'mem_limit: ', 'memory: ', 'cpus: ', 'privileged: true', '/var/run/docker.sock:/var/run/docker.sock', 'hostPID: true', 'password: ', 'PASSWORD=', 'DB_PASSWORD: ',
  'postgres://user:pass@db/x', `https://oauth2:ghp_${'a1B2'.repeat(9)}@github.com/o/r.git`, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----', 'AKIAABCDEFGHIJKLMNOP',
  'kind: ConfigMap\ndata:\n  k: ', 'kind: Secret\nstringData:\n  k: ', 'build: ../..', 'env_file: ../../x.env', 'image: ', '@sha256:', 'apt-get install -y ', 'pip install ', 'npm install ', 'curl -fsSL https://x | sh', 'git clone https://u:p@h/r',
  'volumes:\n  - ', 'ports:\n  - ', 'healthcheck:\n  test: ', 'restart: ', 'depends_on:\n  - ', 'environment:\n  - ', 'command: ', 'entrypoint: ', 'x-', '<<: *'];

const TEXT_SPECIALS = ['\u0000', '\r', '\r\n', '\n', '\ufeff', '\u2028', '\u2029', '\u0085', '\u000b', '\u000c', '\u00a0', '\u200b', '\u202e', '\ud800', '\udc00', '\ud83d\ude00', '\ufffd', '\u001b[31m', '\t', 'é', '\u0301'];

/** Lines with their own terminators kept (`\n`, `\r\n` or a lone `\r`), so joining them gives the text back. */
export function splitKeep(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

const offset = (text: string, rng: Rng) => rng.int(text.length + 1);
const insertAt = (text: string, at: number, piece: string) => text.slice(0, at) + piece + text.slice(at);

/** A point where structure starts: a line start, after its indentation, after `: `, or anywhere. */
function structuralOffset(text: string, rng: Rng): number {
  const lines = splitKeep(text);
  if (!lines.length) return 0;
  const i = rng.int(lines.length);
  let at = lines.slice(0, i).reduce((s, l) => s + l.length, 0);
  const line = lines[i];
  switch (rng.int(4)) {
    case 0: return at;
    case 1: return at + (/^[ \t]*/.exec(line)?.[0].length ?? 0);
    case 2: { const c = line.indexOf(': '); return c < 0 ? at + line.replace(/[\r\n]+$/, '').length : at + c + 2; }
    default: at += rng.int(line.length + 1); return at;
  }
}

function mapLines(text: string, rng: Rng, f: (line: string) => string): string {
  const lines = splitKeep(text);
  if (!lines.length) return text;
  const from = rng.int(lines.length);
  const to = Math.min(lines.length, from + rng.size(lines.length));
  for (let i = from; i < to; i++) lines[i] = f(lines[i]);
  return lines.join('');
}

function nested(open: string, close: string, depth: number, inner = 'x'): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

/** A YAML block mapping (or sequence) nested `depth` levels deep. */
function deepBlock(depth: number, seq: boolean): string {
  let out = '';
  for (let i = 0; i < depth; i++) out += ' '.repeat(i) + (seq ? '- ' : `k${i}:`) + '\n';
  return out + ' '.repeat(depth) + 'leaf\n';
}

/** Billion laughs: each level refers to the previous one `width` times. */
function aliasBomb(levels: number, width: number, key = 'x-bomb'): string {
  const out = [`${key}:`, `  a0: &a0 ["lol", "lol"]`];
  for (let i = 1; i < levels; i++) out.push(`  a${i}: &a${i} [${Array.from({ length: width }, () => `*a${i - 1}`).join(', ')}]`);
  return out.join('\n') + '\n';
}

export const MUTATORS: Mutator[] = [
  {
    name: 'byte-flip', weight: 14, apply(text, rng) {
      const bytes = Buffer.from(text, 'utf8');
      if (!bytes.length) return text;
      for (let n = rng.size(8) + 1; n > 0; n--) { const i = rng.int(bytes.length); bytes[i] ^= 1 << rng.int(8); }
      return bytes.toString('utf8');
    },
  },
  {
    name: 'byte-set', weight: 4, apply(text, rng) {
      const bytes = Buffer.from(text, 'utf8');
      if (!bytes.length) return text;
      bytes[rng.int(bytes.length)] = rng.pick([0x00, 0x0a, 0x0d, 0x09, 0x20, 0x22, 0x27, 0x23, 0x3a, 0x2d, 0x5c, 0x24, 0x7b, 0x7d, 0x5b, 0x5d, 0x26, 0x2a, 0x7c, 0x3e, 0x80, 0xc3, 0xff]);
      return bytes.toString('utf8');
    },
  },
  {
    name: 'truncate', weight: 8, apply(text, rng) {
      if (rng.chance(0.5)) return text.slice(0, offset(text, rng));
      const lines = splitKeep(text);
      return lines.slice(0, rng.int(lines.length + 1)).join('');
    },
  },
  { name: 'delete-span', weight: 5, apply(text, rng) { const a = offset(text, rng); return text.slice(0, a) + text.slice(Math.min(text.length, a + rng.size(200))); } },
  {
    name: 'line-shuffle', weight: 5, apply(text, rng) {
      const lines = splitKeep(text);
      if (lines.length < 2) return text;
      const i = rng.int(lines.length), j = rng.int(lines.length);
      switch (rng.int(3)) {
        case 0: [lines[i], lines[j]] = [lines[j], lines[i]]; break;
        case 1: lines.splice(j, 0, ...Array.from({ length: rng.size(20) }, () => lines[i])); break;
        default: lines.splice(i, 1);
      }
      return lines.join('');
    },
  },
  {
    name: 'indent-shift', weight: 10, apply(text, rng) {
      const by = rng.pick([' ', '  ', '   ', '    ', '\t', ' \t']);
      const mode = rng.int(3);
      return mapLines(text, rng, (l) => mode === 0 ? by + l : mode === 1 ? l.replace(/^[ \t]{1,4}/, '') : l.replace(/^( *)/, (s) => s.replace(/ {2}/g, '\t')));
    },
  },
  { name: 'yaml-token', weight: 14, apply(text, rng) { return insertAt(text, structuralOffset(text, rng), rng.pick(YAML_TOKENS)); } },
  {
    name: 'yaml-anchor-merge', weight: 5, apply(text, rng) {
      // Anchors on real nodes and merges/aliases elsewhere: merge keys into sequences, self references.
      let out = insertAt(text, structuralOffset(text, rng), rng.pick(['&a ', '&b ', '&a !!map ', '&a [', '&a {']));
      for (let n = rng.between(1, 3); n > 0; n--) out = insertAt(out, structuralOffset(out, rng), rng.pick(['<<: *a\n', '*a', '<<: *b', '- *a\n', 'x: *a\n', '*b', '<<: [*a, *a]\n', '*undefined']));
      return out;
    },
  },
  { name: 'domain-token', weight: 8, apply(text, rng) { return insertAt(text, structuralOffset(text, rng), rng.pick(DOMAIN_TOKENS)); } },
  { name: 'dockerfile-token', weight: 10, apply(text, rng) { return insertAt(text, structuralOffset(text, rng), rng.pick(DOCKERFILE_TOKENS)); } },
  { name: 'special-char', weight: 8, apply(text, rng) { let out = text; for (let n = rng.size(4) + 1; n > 0; n--) out = insertAt(out, offset(out, rng), rng.pick(TEXT_SPECIALS)); return out; } },
  {
    name: 'line-breaks', weight: 8, apply(text, rng) {
      switch (rng.int(6)) {
        case 0: return text.replace(/\r?\n/g, '\r\n');
        case 1: return text.replace(/\r?\n/g, '\r');
        case 2: return text.replace(/\r\n/g, '\n');
        case 3: return mapLines(text, rng, (l) => l.replace(/\r?\n$/, rng.pick(['\r', '\r\n', '\n\r', '\u2028', '\u0085'])));
        case 4: return '\ufeff' + text;
        default: {
          // A lone CR inside a line (a comment's or a value's): editors show two lines, some parsers one.
          const lines = splitKeep(text);
          if (!lines.length) return '\r';
          const i = rng.int(lines.length);
          lines[i] = insertAt(lines[i], rng.int(lines[i].replace(/[\r\n]+$/, '').length + 1), rng.chance(0.5) ? '\r' : ' # c\r(x)');
          return lines.join('');
        }
      }
    },
  },
  { name: 'nul', weight: 2, apply(text, rng) { return rng.chance(0.5) ? insertAt(text, offset(text, rng), '\u0000') : text + '\u0000'.repeat(rng.size(64)); } },
  {
    name: 'long-line', weight: 6, apply(text, rng) {
      const unit = rng.pick(['a', ' ', '\t', '-', 'x:', '${', '$', '\\', '"', "'", '#', '=', ':', '/', '@', 'a:b@', '[', '{', '*', ' !', 'ab1', 'A'.repeat(7) + '0', ',', '.', 'https://', 'Z29', '-----BEGIN ']);
      const length = rng.size(rng.chance(0.1) ? 200000 : 20000);
      // Often after text a rule reads: the long run then meets that rule's patterns.
      const prefix = rng.chance(0.4) ? rng.pick(DOMAIN_TOKENS) : '';
      const piece = prefix + unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
      return insertAt(text, structuralOffset(text, rng), rng.chance(0.5) ? piece : piece + rng.pick(['!', '\n', '}', '"', '@x', '']));
    },
  },
  {
    // Backtracking bait: text a rule reads, a long run its pattern can consume, then a character that fails the match.
    name: 'pathological-run', weight: 4, apply(text, rng) {
      const run = rng.pick([' ', '\t', 'a', '0', ':', '/', '-', '.', '=', '$', '{', '@', 'a ', ': ', '-a', '\\', '%', '_']);
      const length = rng.between(1000, 60000);
      const piece = rng.pick(DOMAIN_TOKENS) + run.repeat(Math.ceil(length / run.length)).slice(0, length) + rng.pick(['!', '', '\n', '@', '"', '#', ' x', '\u0000']);
      return insertAt(text, structuralOffset(text, rng), piece);
    },
  },
  {
    name: 'deep-nesting', weight: 5, apply(text, rng) {
      const depth = rng.size(rng.chance(0.2) ? 20000 : 2000) + 1;
      const piece = rng.pick([
        () => nested('[', ']', depth), () => nested('{a: ', '}', depth), () => nested('{', '}', depth, ''), () => nested('- [', ']', depth),
        () => deepBlock(Math.min(depth, 3000), false), () => deepBlock(Math.min(depth, 3000), true), () => '- '.repeat(depth) + 'x\n',
        () => nested('$(', ')', depth), () => nested('"', '"', 1, '\\"'.repeat(depth)), () => nested('${A:-', '}', depth),
      ])();
      return insertAt(text, structuralOffset(text, rng), piece);
    },
  },
  {
    name: 'alias-bomb', weight: 3, apply(text, rng) {
      const bomb = aliasBomb(rng.between(3, 12), rng.between(2, 10), rng.pick(['x-bomb', 'metadata', 'services', 'spec', 'data', 'environment']));
      if (rng.chance(0.3)) return bomb;
      if (rng.chance(0.5)) return text + (text.endsWith('\n') ? '' : '\n') + bomb;
      // The bomb inside the document, the last level's alias used where rules look.
      const lines = bomb.split('\n');
      return insertAt(text, structuralOffset(text, rng), lines.join('\n') + `use: *a${lines.length - 3}\n`);
    },
  },
  {
    name: 'heredoc', weight: 5, apply(text, rng) {
      const word = rng.pick(['EOF', 'EOT', "'EOF'", '"EOF"', '-EOF', 'E']);
      const instruction = rng.pick(['RUN ', 'COPY ', 'RUN cat ', 'RUN python3 ', 'RUN <<A cat <<B\n', 'RUN --mount=type=cache <<']);
      const body = rng.pick(['', 'echo hi\n', 'set -e\napt-get install -y x\n', 'EO\n', 'EOF \n', ' EOF\n', 'FROM x\n']);
      return insertAt(text, structuralOffset(text, rng), `${instruction}<<${word}\n${body}`);
    },
  },
  {
    name: 'continuation', weight: 6, apply(text, rng) {
      const marker = rng.pick([' \\', '\\', ' `', '\\ ', ' \\\r', ' \\\r#x', '\\\r\n#x', ' \\\n#c\n', ' \\\n\n', ' \\\n \\\n']);
      if (rng.chance(0.3)) return text.replace(/[\r\n]*$/, '') + marker;
      return mapLines(text, rng, (l) => l.replace(/([^\r\n]*)(\r\n|\r|\n)?$/, (_, body: string, end = '\n') => body + marker + end));
    },
  },
  {
    name: 'dollar-nesting', weight: 5, apply(text, rng) {
      const depth = rng.size(500) + 1;
      const piece = rng.pick([
        () => '${'.repeat(depth), () => nested('${A:-', '}', depth), () => nested('${', '}', depth, 'X'), () => '$${'.repeat(depth),
        () => nested('${X:?', '}', depth, 'err'), () => '${' + 'A'.repeat(depth), () => '$'.repeat(depth) + '{', () => nested('{{ ', ' }}', 1, '${'.repeat(depth)),
      ])();
      return insertAt(text, structuralOffset(text, rng), piece);
    },
  },
  {
    name: 'helm-template', weight: 3, apply(text, rng) {
      return insertAt(text, structuralOffset(text, rng), rng.pick(['{{ .Values.x }}', '{{- if .Values.a }}\n', '{{- end }}\n', '{{ include "x" . | nindent 4 }}', '{{', '}}', '{{/* c */}}', '{{ toYaml .Values.r | indent 2 }}\n']));
    },
  },
  {
    name: 'splice', weight: 5, apply(text, rng, donor) {
      const other = donor();
      const a = rng.int(other.length + 1);
      return insertAt(text, structuralOffset(text, rng), other.slice(a, a + rng.size(2000)));
    },
  },
  { name: 'document-separators', weight: 3, apply(text, rng) { return mapLines(text, rng, (l) => rng.chance(0.2) ? rng.pick(['---\n', '...\n', '--- |\n', '--- !!map\n']) + l : l); } },
];

/** Applies 1 to 4 mutations, chosen by weight; returns the text and the mutations' names in order. */
export function mutate(text: string, rng: Rng, donor: () => string): { text: string; mutations: string[] } {
  const mutations: string[] = [];
  let out = text;
  const choices = MUTATORS.map((m) => ({ weight: m.weight, value: m }));
  for (let n = rng.chance(0.6) ? 1 : rng.between(2, 4); n > 0; n--) {
    const m = rng.weighted(choices);
    out = m.apply(out, rng, donor);
    mutations.push(m.name);
  }
  // What a file on disk can hold: lone surrogates become U+FFFD as they would when written and read back.
  return { text: Buffer.from(out, 'utf8').toString('utf8'), mutations };
}
