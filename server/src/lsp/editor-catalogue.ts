import * as fs from 'fs';
import * as path from 'path';
import { parseModel, prepareText } from '../engine/analyze';
import type { EngineConfig } from '../engine/config';
import type { KubeObject, KubernetesModel } from '../model/kubernetes';
import { catalogueModel, configObjectsOf } from '../workspace/catalogue';
import { collectFiles } from '../workspace/files';
import { readDecodedText } from '../workspace/safe-read';

/** How long the list of workspace files and their modification stamps are trusted while typing. */
const FRESH_MS = 10_000;

/**
 * The manifest catalogue the editor uses before the workspace index exists: the objects of the
 * workspace's manifests that can define a Secret or ConfigMap (as `seaworthy check` reads them), so
 * reference rules resolve names other files define. Cheap per keystroke: the file list and the files'
 * stamps are re-read at most every FRESH_MS, only manifests that mention such a kind are parsed, and
 * open documents always count with their current text.
 */
export class EditorCatalogue {
  private listed?: { at: number; files: string[] };
  private readonly perFile = new Map<string, { stamp: string; checked: number; objects: KubeObject[] }>();
  private readonly folders = new Map<string, { generation: number; model: KubernetesModel }>();
  /** Bumped whenever the file list or a file's objects change: folders' merged models are then rebuilt. */
  private generation = 0;

  constructor(
    private readonly roots: () => string[],
    /** An open document's text and version. */
    private readonly openText: (abs: string) => { text: string; version: number } | undefined,
    private readonly config: () => EngineConfig,
    private readonly isIgnored: (abs: string) => boolean = () => false,
  ) {}

  /** Objects under `folder` (recursively). Without a workspace folder, none: a lone file stands alone. */
  folder(folder: string, now = Date.now()): KubernetesModel {
    const abs = path.resolve(folder);
    const roots = this.roots();
    if (!roots.length) return catalogueModel(abs, []);
    if (!this.listed || now - this.listed.at > FRESH_MS) {
      const files = collectFiles(roots, this.isIgnored).files.map((f) => path.resolve(f));
      if (!this.listed || files.join('\u0000') !== this.listed.files.join('\u0000')) this.generation++;
      this.listed = { at: now, files };
    }
    const prefix = abs.endsWith(path.sep) ? abs : abs + path.sep;
    const inside = this.listed.files.filter((f) => f.startsWith(prefix));
    for (const f of inside) this.refresh(f, now);
    const cached = this.folders.get(abs);
    if (cached?.generation === this.generation) return cached.model;
    const model = catalogueModel(abs, inside.flatMap((f) => this.perFile.get(f)?.objects ?? []));
    if (this.folders.size > 64) this.folders.clear();
    this.folders.set(abs, { generation: this.generation, model });
    return model;
  }

  /** Re-reads a file's objects when its stamp changed (open documents: every version). */
  private refresh(abs: string, now: number): void {
    const known = this.perFile.get(abs);
    // Open documents too: the analysed document's own objects come from its model, and re-parsing a
    // manifest open elsewhere on every keystroke would double the cost of typing in it.
    if (known && now - known.checked <= FRESH_MS) return;
    const open = this.openText(abs);
    let stamp: string;
    let text: string | undefined;
    if (open) { stamp = `v${open.version}`; text = open.text; } else {
      try { const st = fs.statSync(abs); stamp = `m${st.mtimeMs}:${st.size}`; } catch { stamp = 'gone'; }
    }
    if (known?.stamp === stamp) { known.checked = now; return; }
    try { text ??= stamp === 'gone' ? undefined : prepareText(readDecodedText(abs, this.config().maxFileBytes), this.config()).text; } catch { text = undefined; }
    const objects = configObjectsOf(abs, text, (a, t) => parseModel(a, t, 'kubernetes') as KubernetesModel);
    // A file that defines nothing before and after does not change any folder's catalogue.
    if (objects.length || known?.objects.length) this.generation++;
    this.perFile.set(abs, { stamp, checked: now, objects });
  }
}
