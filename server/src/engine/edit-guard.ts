import type { Range } from '../model/range';
import { linesWithUnicodeBreaks } from '../model/line-breaks';
import type { Fix, Model } from './rule';

const EDITABLE = new WeakMap<Model, ((offset: number) => boolean) | undefined>();

/**
 * Where a fix may edit the analysed file, when not everywhere. After an unterminated heredoc Docker
 * reads the rest of a Dockerfile as the heredoc's content, so an instruction inserted there never
 * runs. On a YAML line holding a NEL, LS or PS, the parser (like Compose) sees two lines where the
 * editor's positions see one, so a column or line end computed there lands in the wrong place. A
 * YAML model read as written (go-yaml rejects the file) may be edited nowhere.
 */
function editableAt(model: Model): ((offset: number) => boolean) | undefined {
  if (!EDITABLE.has(model)) EDITABLE.set(model, computeEditable(model));
  return EDITABLE.get(model);
}

function computeEditable(model: Model): ((offset: number) => boolean) | undefined {
  if (model.kind === 'dockerfile') {
    const from = model.openHeredocFrom;
    return from === undefined ? undefined : (offset) => offset < from;
  }
  if (model.kind !== 'env' && model.readAsWritten) return () => false;
  const lines = linesWithUnicodeBreaks(model.source.text, (o) => model.source.positionAt(o).line);
  return lines.size ? (offset) => !lines.has(model.source.positionAt(offset).line) : undefined;
}

/** The fixes whose edits of the analysed file all lie where it may be edited. */
export function onlyEditable(fixes: Fix[], model: Model): Fix[] {
  const editable = editableAt(model);
  if (!editable) return fixes;
  const ok = (p: Range['start']) => editable(model.source.offsetAt(p));
  return fixes.filter((f) => f.edits.every((e) => e.file !== undefined || (ok(e.range.start) && ok(e.range.end))));
}
