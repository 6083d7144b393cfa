import { isCollection, isMap, isPair, Node } from 'yaml';
import { defineRule, Fix } from '../../engine/rule';
import { ownEntries } from '../backing-services/yaml-edit';
import { rangeContains, SourceText } from '../../model/range';
import type { YEntry, YView } from '../../parse/yaml-view';
import { deleteLineFix, lineSpan, podsOf, rangeKey, removeEntry, setFalseFix, trueEntry } from './shared';

// test/cli/fix.test.ts pins this title.
const PRIVILEGED_TITLE = 'Remove `privileged: true`';
const HOST_PROCESS_TITLE = 'Remove `hostProcess: true` (the container no longer runs directly on the node)';

const WHY = 'it gets every capability and every host device, so a compromise of the app is root on the host, and it only works on hosts that allow it';

/** One step of the path to a key: the mapping and its entry on that path (innermost first). */
interface Level { map: YView | undefined; entry: YEntry | undefined }

/** `entry` is written in `map` itself and is its only item (no other key, no merge key). */
function soleKey(map: YView | undefined, entry: YEntry | undefined): boolean {
  return !!map && !!entry && isMap(map.node) && map.node.items.length === 1 && rangeContains(map.range, entry.keyRange);
}

/** A node or anything inside it carries an anchor (`&name`) that aliases elsewhere may use. */
function hasAnchor(node: unknown): boolean {
  if (!node || typeof node !== 'object') return false;
  if ((node as Node).anchor) return true;
  if (isPair(node)) return hasAnchor(node.key) || hasAnchor(node.value);
  return isCollection(node) && (node.items as unknown[]).some(hasAnchor);
}

/**
 * Removes a block-mapping entry with its value's lines. When the entry opens a `- key:` list item, it
 * is cut up to the item's next key, which then opens the item. Undefined when other YAML shares its lines.
 */
function removeEntryEdit(source: SourceText, entry: YEntry, parent: YView): Fix['edits'][number] | undefined {
  const k = entry.keyRange.start;
  const prefix = source.lineText(k.line).slice(0, k.character);
  if (prefix.trim() === '') return removeEntry(source, entry);
  if (!/^[ ]*-[ ]+$/.test(prefix)) return undefined;
  const own = ownEntries(parent);
  const next = own[own.indexOf(entry) + 1];
  if (own[0] !== entry || !next) return undefined;
  const { last, endOnLast } = lineSpan(source, source.offsetAt(entry.range.start), source.offsetAt(entry.range.end));
  const rest = source.lineText(last).slice(endOnLast).trim();
  const n = next.keyRange.start;
  if ((rest !== '' && !rest.startsWith('#')) || n.line !== last + 1 || n.character !== k.character || source.lineText(n.line).slice(0, n.character).trim() !== '') return undefined;
  return { range: { start: k, end: n }, newText: '' };
}

/**
 * Deletes the line of `levels[0].entry`; when that leaves its mapping empty, the mapping's own entry
 * goes instead, up the levels given (so no empty `securityContext:` or `windowsOptions:` stays behind).
 */
function removeKeyFix(source: SourceText, levels: Level[], title: string): Fix | undefined {
  let i = 0;
  while (i + 1 < levels.length && soleKey(levels[i].map, levels[i].entry)) {
    const up = levels[i + 1].entry;
    // An aliased mapping lives elsewhere and may be shared: only a mapping written in place is removed.
    if (!up || up.value.node !== levels[i].map!.node || !up.valueInPlace || hasAnchor(up.pair)) break;
    i++;
  }
  const e = levels[0].entry!;
  if (i > 0) {
    const edit = removeEntryEdit(source, levels[i].entry!, levels[i].map!);
    if (edit) return { title, safety: 'unsafe', edits: [edit] };
  }
  return deleteLineFix(source, e, title, levels[0].map);
}

export default defineRule({
  id: 'privileged-container',
  title: 'Privileged container',
  category: 'host-daemon',
  principle: 'security',
  severity: 'error',
  fix: 'unsafe',
  peers: {
    kics: ['privileged_containers_enabled', 'container_is_privileged', 'psp_set_to_privileged'],
    checkov: ['CKV_K8S_16', 'CKV_K8S_2'], kubeLinter: ['privileged-container', 'scc-deny-privileged-container'],
    polaris: ['runAsPrivileged', 'hostProcess'], trivy: ['KSV-0017', 'KSV-0103'], kubeScore: ['container-security-context-privileged'],
  },
  docs: {
    why: 'A privileged container runs with all Linux capabilities, every host device and no seccomp/AppArmor confinement: escaping to the host is trivial, so one vulnerable dependency becomes root on the node. Such a service also needs a host and a cluster policy that allow privileged workloads, which managed platforms and Pod Security "baseline"/"restricted" namespaces refuse. Almost every app that "needs" it needs one capability (`NET_ADMIN`, `SYS_PTRACE`) or one device instead.',
    bad: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:1.4.2\n    securityContext:\n      privileged: true' },
    good: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:1.4.2\n    securityContext:\n      allowPrivilegeEscalation: false\n      capabilities:\n        drop: [ALL]\n        add: [NET_BIND_SERVICE]' },
    notes: 'Checks Compose `privileged: true`, Kubernetes `securityContext.privileged: true` on containers and init containers (pods, workloads and pod templates of other kinds such as Knative), Windows `hostProcess: true`, and policies that allow privileged pods (PodSecurityPolicy `spec.privileged`, OpenShift SCC `allowPrivilegedContainer`; warnings, since they only permit it). Templated values (`{{ .Values.privileged }}`, `${PRIV}`) are not judged. The quick fix deletes the line, and the `securityContext:` (or `windowsOptions:`) around it when that was its only key (on policies it sets the key to false, which SecurityContextConstraints require); it is unsafe because whatever relied on the privileges stops working.',
  },
  check: {
    compose(model, ctx) {
      const seen = new Set<string>();
      for (const svc of model.services) {
        const e = trueEntry(svc.raw, 'privileged');
        if (!e || seen.has(rangeKey(e.range))) continue;
        seen.add(rangeKey(e.range));
        ctx.report({
          range: e.range,
          message: `Service "${svc.name}" runs privileged: ${WHY}. Remove it and add only the capabilities (\`cap_add\`) or \`devices\` the service needs.`,
          fix: () => deleteLineFix(model.source, e, PRIVILEGED_TITLE, svc.raw),
        });
      }
    },
    kubernetes(model, ctx) {
      const report = (e: YEntry, message: string, fix: () => Fix | undefined, severity?: 'warning') =>
        ctx.report({ range: e.range, message, severity, fix });
      // `levels`: the mappings above the key, innermost first, as far as an emptied one may be removed.
      const remove = (e: YEntry, levels: Level[]) => () => removeKeyFix(model.source, levels, e.key === 'hostProcess' ? HOST_PROCESS_TITLE : PRIVILEGED_TITLE);
      const at = (map: YView | undefined, key: string): Level => ({ map, entry: map?.entry(key) });
      // Policies: SecurityContextConstraints require the key, so it is set to false rather than removed.
      const deny = (e: YEntry) => () => setFalseFix(e, `Set \`${e.key}: false\` (the policy no longer admits privileged containers)`);
      for (const pod of podsOf(model)) {
        const podSc = pod.spec.get('securityContext');
        const podHostProcess = trueEntry(podSc?.get('windowsOptions'), 'hostProcess');
        if (podHostProcess) report(podHostProcess, `Pod of ${pod.obj.kind} "${pod.obj.name ?? ''}" runs as a Windows HostProcess: its containers run directly on the node with its privileges. Use a regular Windows container, or keep HostProcess to node agents in their own namespace.`, remove(podHostProcess, [at(podSc?.get('windowsOptions'), 'hostProcess'), at(podSc, 'windowsOptions'), at(pod.spec, 'securityContext')]));
        for (const c of pod.containers) {
          const sc = c.raw.get('securityContext');
          const e = trueEntry(sc, 'privileged');
          const kind = c.init ? 'Init container' : 'Container';
          if (e) report(e, `${kind} "${c.name}" runs privileged: ${WHY}. Remove it and add only the capabilities (\`securityContext.capabilities.add\`) the container needs.`, remove(e, [at(sc, 'privileged'), at(c.raw, 'securityContext')]));
          const hp = trueEntry(sc?.get('windowsOptions'), 'hostProcess');
          if (hp) report(hp, `${kind} "${c.name}" runs as a Windows HostProcess: it runs directly on the node with its privileges. Use a regular Windows container instead.`, remove(hp, [at(sc?.get('windowsOptions'), 'hostProcess'), at(sc, 'windowsOptions'), at(c.raw, 'securityContext')]));
        }
      }
      for (const obj of model.objects) {
        const spec = obj.raw.get('spec');
        if (obj.kind === 'PodSecurityPolicy') {
          const e = trueEntry(spec, 'privileged');
          if (e) report(e, `PodSecurityPolicy "${obj.name ?? ''}" admits privileged pods, so any pod allowed to use it can take over its node. Set it to false (PodSecurityPolicy was removed in Kubernetes 1.25: enforce Pod Security Admission "baseline" or "restricted" instead).`, deny(e), 'warning');
        }
        if (obj.kind === 'SecurityContextConstraints') {
          const e = trueEntry(obj.raw, 'allowPrivilegedContainer');
          if (e) report(e, `SecurityContextConstraints "${obj.name ?? ''}" admits privileged containers, so any workload bound to it can take over its node. Set it to false and grant specific capabilities instead.`, deny(e), 'warning');
        }
      }
    },
  },
});
