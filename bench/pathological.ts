import { analyzeText } from '../server/src/engine/analyze';
import { defaultConfig } from '../server/src/engine/config';
import { median, table, timeIt } from './stats';

/**
 * Pathological inputs (issue #20 item 2): ordinary files with one long run of the characters a rule's
 * text matching used to backtrack on. Full analysis of each at 1k/10k/100k characters; linear analysis
 * shows 100k/10k ≈ 10 (a quadratic pattern shows ≈ 100, a cubic one ≈ 1000).
 */
interface Case { name: string; path: string; make: (n: number) => string }

const rep = (s: string, n: number) => s.repeat(Math.max(1, Math.floor(n / s.length)));
const DOCKERFILE = '/bench/Dockerfile';
const COMPOSE = '/bench/compose.yaml';
const MANIFEST = '/bench/k8s/app.yaml';
const compose = (service: string) => `services:\n  api:\n    image: shop/api:1.4.2\n${service}`;

export const CASES: Case[] = [
  { name: '`# seaworthy-ignore` + blanks + `!` (Dockerfile)', path: DOCKERFILE, make: (n) => `FROM alpine:3.19\n# seaworthy-ignore${' '.repeat(n)}!\nRUN true\n` },
  { name: '`# seaworthy-ignore` + blanks + `!` (Compose)', path: COMPOSE, make: (n) => compose(`    # seaworthy-ignore${' '.repeat(n)}!\n    restart: always\n`) },
  { name: '`# hadolint ignore=` + blanks + `!`', path: DOCKERFILE, make: (n) => `FROM alpine:3.19\n# hadolint ignore=DL3008${' '.repeat(n)}!\nRUN true\n` },
  { name: 'Compose `extra_hosts` entry with blank runs', path: COMPOSE, make: (n) => compose(`    extra_hosts:\n      - "h:${' '.repeat(n / 2)}:${' '.repeat(n / 2)}\\n:x"\n`) },
  { name: 'ConfigMap line `t:` + blanks + `:` + blanks + U+2028', path: MANIFEST, make: (n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  app.properties: "t:${' '.repeat(n / 2)}:${' '.repeat(n / 2)}\\u2028x"\n` },
  { name: '`echo "/…pass…" | debconf-set-selections`', path: DOCKERFILE, make: (n) => `FROM debian:12\nRUN echo "${'/'.repeat(n / 8)}${'pass'.repeat(n / 8)}a /pass password " | debconf-set-selections\n` },
  { name: '`.netrc` text: `machine` + long host', path: DOCKERFILE, make: (n) => `FROM debian:12\nRUN echo "password machine e${'o'.repeat(n)}r" > /root/.netrc\n` },
  { name: 'URL password check on a long alphanumeric value', path: COMPOSE, make: (n) => compose(`    environment:\n      DATABASE_URL: "${'A'.repeat(n)}:+@A://:+@"\n`) },
  { name: 'URL hosts on `a+a+a+…`', path: COMPOSE, make: (n) => compose(`    environment:\n      DB_URL: "${rep('a+', n)}_"\n`) },
  { name: '`mem_limit` with a blank run', path: COMPOSE, make: (n) => compose(`    mem_limit: "0${' '.repeat(n)}."\n`) },
  { name: 'trailing slashes in a COPY source', path: DOCKERFILE, make: (n) => `FROM alpine:3.19\nCOPY a${'/'.repeat(n)}b/ /app/\n` },
  { name: 'trailing blanks in a RUN line', path: DOCKERFILE, make: (n) => `FROM alpine:3.19\nRUN echo a${' '.repeat(n)}x\n` },
  { name: '`looksLikeKubernetes` on a blank file', path: MANIFEST, make: (n) => `${'\n'.repeat(n)}:\n` },
  { name: 'nested `${` (isDynamicText)', path: COMPOSE, make: (n) => compose(`    environment:\n      X: "${rep('A${', n)}A"\n`) },
  { name: 'nested `${A+` (substitute)', path: COMPOSE, make: (n) => compose(`    image: "${rep('${A+', n)}$A"\n`) },
  { name: '`{{` runs (findHostAddress)', path: COMPOSE, make: (n) => compose(`    environment:\n      X: "${rep('){{', n)})"\n`) },
  { name: 'JWT-like `eyJ` runs', path: COMPOSE, make: (n) => compose(`    environment:\n      TOKEN: "${rep('eyJ00Jyey-', n)}"\n`) },
  { name: '`packageName` on `@@@…`', path: DOCKERFILE, make: (n) => `FROM debian:12\nRUN apt-get install -y ${'@'.repeat(n)}x\n` },
  { name: 'Helm template `{{{{…` (maskTemplates)', path: '/bench/chart/templates/app.yaml', make: (n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  x: "${'{{'.repeat(n / 2)}"\n` },
  { name: 'backticks in `sh -c` (curl in word)', path: DOCKERFILE, make: (n) => `FROM alpine:3.19\nRUN sh -c "${rep('et\\`/', n)}et"\n` },
  { name: 'JSON-form COPY with escaped quotes', path: DOCKERFILE, make: (n) => `FROM alpine:3.19\nCOPY ["${rep('\\\\"', n)}", "/app/"]\n` },
  { name: 'MAINTAINER with a blank run', path: DOCKERFILE, make: (n) => `FROM alpine:3.19\nMAINTAINER a${' '.repeat(n)}b\n` },
];

/**
 * Regexes recheck's fuzzer flags when its recall validation is off (its default), each on the attack
 * string it proposed: V8 runs them linearly (a leading lookbehind rejects each start at once), which is
 * why the audit (test/regex-audit/audit.ts) turns recall validation on.
 */
const FALSE_ALARMS: { name: string; re: RegExp; make: (n: number) => string }[] = [
  { name: 'JWT shape', re: /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, make: (n) => rep('J.eyJ.eyJeJ-J-e-', n) + 'e.eJy.ey.eyJJeJ-J-e-yy\x00' },
  { name: '`sk_live_` token', re: /(?<![A-Za-z0-9])[sr]k_live_[0-9A-Za-z]{20,}/, make: (n) => rep('vrk_live_0kvlllkkeervrlll', n) + '\x00' },
  { name: '`glpat-` token', re: /(?<![A-Za-z0-9])glpat-[0-9A-Za-z_-]{20,}/, make: (n) => rep('tglptt-gl', n / 2) + 'pat-pt\x00' + rep('gl', n / 2) + 'ptt-tg' },
  { name: 'Slack token', re: /(?<![A-Za-z0-9])xox[abposr]-[0-9A-Za-z-]{10,}/, make: (n) => rep('oxxoxoxa-xx-xxo', n) + '-xo\x00' },
  { name: 'debconf answer', re: /(?<!\S)(\S+)\s+password\s+(\S+)/g, make: (n) => 'wpa\t' + rep('password', n) + 'paspasswpa\x00d' },
  { name: 'yarn berry via corepack', re: /\byarn\s+set\s+version\s+(?!classic\b|1\.)|\bcorepack\s+(?:prepare|use|install)\b[^\n&;|]*\byarn@(?:[2-9]|stable|berry|canary)/, make: (n) => rep('corepack\nu\npr', n) },
];

export async function pathological(quick: boolean): Promise<string> {
  const sizes = quick ? [1000] : [1000, 10000, 100000];
  const config = defaultConfig();
  const host = { fileExists: () => false };
  const rows: (string | number)[][] = [];
  for (const c of CASES) {
    const ms: number[] = [];
    for (const n of sizes) {
      const text = c.make(n);
      await analyzeText(c.path, text, config, host); // warm
      ms.push(median(await timeIt(() => analyzeText(c.path, text, config, host), quick ? 1 : 3)));
    }
    rows.push([c.name, ...ms, quick ? '—' : `${(ms[2] / ms[1]).toFixed(1)}×`]);
  }
  const analysis = table(['input', ...sizes.map((n) => `${n / 1000}k chars ms`), '100k / 10k'], rows);
  const alarms: (string | number)[][] = [];
  for (const f of FALSE_ALARMS) {
    const ms = sizes.map((n) => { const s = f.make(n); f.re.lastIndex = 0; f.re.exec(s); const t = performance.now(); f.re.lastIndex = 0; f.re.exec(s); return performance.now() - t; });
    alarms.push([f.name, ...ms]);
  }
  const falseAlarms = table(['regex', ...sizes.map((n) => `${n / 1000}k chars ms`)], alarms);
  const large = await largeFiles(quick);
  return `${analysis}\n\nLong Dockerfiles (issue #20 item 11; time budget off, so the whole analysis is timed):\n\n${large}\n\nrecheck false alarms without recall validation (the regex alone on the attack string recheck proposed):\n\n${falseAlarms}`;
}

/** `RUN` lines and ignore comments by the thousand: analysis time per line should not grow with the file. */
async function largeFiles(quick: boolean): Promise<string> {
  const config = { ...defaultConfig(), maxFileBytes: 64 * 1048576, maxAnalysisMs: Infinity };
  const host = { fileExists: () => false };
  const kinds: { name: string; make: (lines: number) => string }[] = [
    { name: '`RUN echo … && apt-get install …` lines', make: (n) => `FROM debian:12\n${Array.from({ length: n }, (_, i) => `RUN echo line${i} && apt-get install -y pkg${i % 50}\n`).join('')}` },
    { name: '`# seaworthy-ignore` + `RUN` pairs', make: (n) => `FROM debian:12\n${Array.from({ length: n / 2 }, (_, i) => `# seaworthy-ignore unpinned-package\nRUN apt-get install -y pkg${i % 50}\n`).join('')}` },
  ];
  const sizes = quick ? [1000] : [4000, 10000, 40000];
  const rows: (string | number)[][] = [];
  for (const k of kinds) {
    const ms: number[] = [];
    for (const n of sizes) {
      const text = k.make(n);
      ms.push(median(await timeIt(() => analyzeText(DOCKERFILE, text, config, host), 1)));
    }
    rows.push([k.name, ...ms.map((m, i) => `${m.toFixed(0)} (${(m / sizes[i] * 1000).toFixed(0)} µs/line)`)]);
  }
  return table(['file', ...sizes.map((n) => `${n / 1000}k lines ms`)], rows);
}
