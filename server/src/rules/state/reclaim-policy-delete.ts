import { defineRule } from '../../engine/rule';
import { yamlString } from '../backing-services/yaml-edit';
import { isNonProductionPath } from '../../knowledge/environments';

export default defineRule({
  id: 'reclaim-policy-delete',
  title: 'Volume deleted with its claim',
  category: 'state',
  principle: 'disaster-recovery',
  severity: 'warning',
  fix: 'unsafe',
  peers: {},
  docs: {
    why: 'With the `Delete` reclaim policy, deleting a PersistentVolumeClaim (an `helm uninstall`, a namespace removed by mistake, a StatefulSet recreated with another name) deletes the volume and the disk behind it. `Retain` keeps the disk until an operator releases it, which turns a slip into a recoverable incident.',
    bad: { lang: 'yaml', code: 'apiVersion: v1\nkind: PersistentVolume\nspec:\n  persistentVolumeReclaimPolicy: Delete' },
    good: { lang: 'yaml', code: 'apiVersion: v1\nkind: PersistentVolume\nspec:\n  persistentVolumeReclaimPolicy: Retain' },
    notes: 'A PersistentVolume written with `persistentVolumeReclaimPolicy: Delete` is a warning; a StorageClass written with `reclaimPolicy: Delete` is info, since classes for scratch data exist (a class that leaves the key out gets the same default and is not reported: the choice is then the cluster\'s). The fix (unsafe: released volumes must then be cleaned up by hand) sets `Retain`. Files under test, CI, development and example paths are skipped.',
  },
  check: {
    kubernetes(model, ctx) {
      if (isNonProductionPath(ctx.path, (p) => ctx.fileExists(p))) return;
      for (const obj of model.objects) {
        const policy = obj.kind === 'PersistentVolume' ? obj.raw.get('spec')?.get('persistentVolumeReclaimPolicy')?.str()
          : obj.kind === 'StorageClass' ? obj.raw.get('reclaimPolicy')?.str() : undefined;
        if (!policy || policy.dynamic || policy.value !== 'Delete') continue;
        const pv = obj.kind === 'PersistentVolume';
        ctx.report({
          range: policy.range,
          severity: pv ? undefined : 'info',
          message: pv
            ? `PersistentVolume "${obj.name ?? ''}" is deleted, disk and data, when its claim is deleted (reclaim policy Delete). Use Retain for volumes that hold data.`
            : `StorageClass "${obj.name ?? ''}" deletes each volume, disk and data, when its claim is deleted (reclaimPolicy: Delete). Use Retain for classes that hold data.`,
          fix: () => ({ title: 'Keep the volume when its claim is deleted (Retain)', safety: 'unsafe', edits: [{ range: policy.range, newText: yamlString('Retain', model.source.slice(policy.range)[0] ?? '') }] }),
        });
      }
    },
  },
});
