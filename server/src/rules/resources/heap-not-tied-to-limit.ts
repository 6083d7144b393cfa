import * as nodePath from 'path';
import { defineRule, RelatedInfo, RuleContext } from '../../engine/rule';
import type { Located } from '../../model/common';
import type { ComposeModel } from '../../model/compose';
import type { KubernetesModel } from '../../model/kubernetes';
import type { Range, SourceText } from '../../model/range';
import { dockerBytes, formatBytes, heapSettings, HeapSetting, JVM_OPTION_VARIABLES, kubeBytes } from '../../knowledge/quantities';
import { builtStage } from '../backing-services/service-facts';
import { strings } from '../host-daemon/shared';
import { composeMemoryLimit, judgedContainers } from './kube-resources';

/** Where heap options come from: an environment value or a command word, with the document range of the text. */
interface OptionText { name?: string; text: string; range: Range; exact: boolean; file?: string }

/** Variables whose options a JVM launcher reads but that set no heap: the JVM then takes 25 % of the limit. */
const PLAIN_JVM_VARIABLES = new Set(['JAVA_OPTS', 'JAVA_TOOL_OPTIONS', 'JDK_JAVA_OPTIONS', '_JAVA_OPTIONS', 'CATALINA_OPTS']);

function located(l: Located, source: SourceText, name?: string): OptionText {
  let start = source.offsetAt(l.range.start);
  const q = source.text[start];
  if (q === '"' || q === '\'') start++;
  const exact = source.text.slice(start, start + l.value.length) === l.value;
  return { name, text: l.value, range: exact ? source.range(start, start + l.value.length) : l.range, exact };
}

function flagRange(o: OptionText, h: HeapSetting, source: SourceText): Range {
  if (!o.exact || o.file) return o.range;
  const start = source.offsetAt(o.range.start) + h.index;
  return source.range(start, start + h.flag.length);
}

function judge(options: OptionText[], limit: { bytes: number; text: string; range: Range }, who: string, source: SourceText, ctx: RuleContext): void {
  const found = options.flatMap((o) => heapSettings(o.text).filter((h) => !/[$\uE000]/.test(h.flag)).map((h) => ({ o, h })));
  const limitText = `${limit.text} (${formatBytes(limit.bytes)})`;
  for (const { o, h } of found) {
    if (h.bytes === undefined) continue;
    const ratio = h.bytes / limit.bytes;
    if (ratio <= 0.8) continue;
    const where = o.file ? limit.range : flagRange(o, h, source);
    const related: RelatedInfo[] | undefined = o.file ? [{ message: `${h.flag} is set here`, range: o.range, file: o.file }] : [{ message: 'the memory limit', range: limit.range }];
    const runtime = h.runtime === 'jvm' ? 'JVM heap' : 'Node.js old-space heap';
    const advice = h.runtime === 'jvm'
      ? 'Replace it with `-XX:MaxRAMPercentage=75.0` so the heap follows the limit, or lower it to about 75 % of the limit.'
      : 'Lower it to about 75 % of the limit (in MiB), or raise the limit.';
    ctx.report({
      range: where, related,
      severity: ratio >= 1 ? 'warning' : 'info',
      message: ratio >= 1
        ? `${who} fixes the ${runtime} at ${h.flag}${o.file ? ` (in ${nodePath.basename(o.file)})` : ''}, at least its whole memory limit ${limitText}: the heap can grow past the limit, and the container is OOM-killed instead of collecting garbage or failing with an error. ${advice}`
        : `${who} fixes the ${runtime} at ${h.flag}${o.file ? ` (in ${nodePath.basename(o.file)})` : ''}, ${Math.round(ratio * 100)} % of its memory limit ${limitText}: thread stacks, metaspace, buffers and native memory need the rest, so under load the container is OOM-killed. ${advice}`,
    });
  }
  if (found.length) return;
  const plain = options.find((o) => o.name && PLAIN_JVM_VARIABLES.has(o.name) && !o.file && o.text.trim() && !/[$\uE000]/.test(o.text));
  if (plain) {
    ctx.report({
      range: plain.range, severity: 'info', related: [{ message: 'the memory limit', range: limit.range }],
      message: `${who} sets ${plain.name} without a heap size while its memory limit is ${limitText}: the JVM then uses a quarter of the limit for its heap (older JVMs, before 8u191, size it from the host's memory instead). Add \`-XX:MaxRAMPercentage=75.0\` to tie the heap to the limit.`,
    });
  }
}

function checkKubernetes(model: KubernetesModel, ctx: RuleContext): void {
  for (const { pod, container: c, res } of judgedContainers(model)) {
    const lim = res.limit('memory')?.value.str();
    const bytes = lim && !lim.dynamic ? kubeBytes(lim.value) : undefined;
    if (!lim || !bytes) continue;
    const options: OptionText[] = [];
    for (const e of c.raw.get('env')?.items() ?? []) {
      const name = e.get('name')?.str()?.value;
      const value = e.get('value')?.str();
      if (name && value) options.push(located(value, model.source, name));
    }
    for (const w of [...strings(c.raw.get('command')), ...strings(c.raw.get('args'))]) options.push(located(w, model.source));
    judge(options, { bytes, text: lim.value, range: lim.range }, `Container "${c.name}" in ${pod.obj.kind} "${pod.obj.name ?? ''}"`, model.source, ctx);
  }
}

function checkCompose(model: ComposeModel, ctx: RuleContext): void {
  for (const s of model.services) {
    const lim = composeMemoryLimit(s)?.entry.value.str();
    const bytes = lim && !lim.dynamic ? dockerBytes(lim.value) : undefined;
    if (!lim || !bytes) continue;
    const options: OptionText[] = [];
    const own = new Set(s.environment.map((e) => e.name));
    for (const e of s.environment) {
      if (e.value !== undefined && e.valueRange) options.push(located({ value: e.value, range: e.valueRange, dynamic: e.dynamic }, model.source, e.name));
    }
    for (const w of [...(s.entrypoint?.words ?? []), ...(s.command?.words ?? [])]) options.push(located(w, model.source));
    // The built image's ENV applies unless the service overrides the variable.
    const stage = builtStage(s, ctx);
    for (let st = stage; st; st = st.parent) {
      for (const ins of st.instructions) {
        if (ins.keyword !== 'ENV') continue;
        for (const p of ins.properties) {
          if (own.has(p.name) || p.value === undefined || !JVM_OPTION_VARIABLES.has(p.name) && p.name !== 'NODE_OPTIONS') continue;
          const file = nodePath.resolve(nodePath.dirname(ctx.path), s.build?.context?.value ?? '.', s.build?.dockerfile?.value ?? 'Dockerfile');
          options.push({ name: p.name, text: p.value, range: p.valueRange ?? p.range, exact: false, file });
        }
      }
    }
    judge(options, { bytes, text: lim.value, range: lim.range }, `Service "${s.name}"`, model.source, ctx);
  }
}

export default defineRule({
  id: 'heap-not-tied-to-limit',
  title: 'Heap size fixed near or above the memory limit',
  category: 'resources',
  principle: 'resource-planning',
  severity: 'warning',
  fix: 'none',
  peers: {},
  docs: {
    why: 'A JVM started with `-Xmx`, or Node.js with `--max-old-space-size`, grows its heap to that size before collecting garbage in earnest. When the number is close to or above the container\'s memory limit, the heap plus the runtime\'s other memory (thread stacks, metaspace, code cache, buffers) crosses the limit and the kernel OOM-kills the container under load, with no stack trace and no OutOfMemoryError. A heap sized as a share of the limit (`-XX:MaxRAMPercentage`) follows the limit when someone changes it.',
    bad: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:1.4.2\n    env:\n      - name: JAVA_OPTS\n        value: "-Xmx1g"\n    resources:\n      limits:\n        memory: 1Gi' },
    good: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:1.4.2\n    env:\n      - name: JAVA_OPTS\n        value: "-XX:MaxRAMPercentage=75.0"\n    resources:\n      limits:\n        memory: 1Gi' },
    notes: 'Only judged where the memory limit is a literal in the same file (Kubernetes `resources.limits.memory`, Compose `mem_limit` or `deploy.resources.limits.memory`). Heap settings are read from environment values (JAVA_OPTS, JAVA_TOOL_OPTIONS, NODE_OPTIONS and any other variable), from command/args words, and for Compose services with `build:` from the built Dockerfile\'s ENV unless the service overrides the variable. A fixed heap at or above the limit is a warning; above 80 % of it, info. A JVM options variable without any heap setting is an info reminder that the JVM then takes only 25 % of the limit. Percentages (`-XX:MaxRAMPercentage`, `MaxRAMFraction`) are never flagged; values with variables are not judged.',
  },
  check: { kubernetes: checkKubernetes, compose: checkCompose },
});
