import { fileURLToPath, pathToFileURL } from 'url';
import { CodeAction, CodeActionKind, CodeActionParams, Diagnostic, TextDocumentEdit, CreateFile, WorkspaceEdit } from 'vscode-languageserver/node';
import type { AnalysisResult } from '../engine/analyze';
import { fixesOf, fixRefusal, FixSession, GitView, gitView } from '../engine/apply-fixes';
import { defaultConfig, EngineConfig } from '../engine/config';
import { FileChange, planFix } from '../engine/fix';
import { ignoreFileEdit, ignoreLineEdit } from '../engine/ignore-comments';
import { readTextOrUndefined, SIDE_FILE_MAX_BYTES } from '../workspace/safe-read';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.seaworthy`;
/** Client command that inserts a fix's snippet (arguments: uri, version, range, snippet text). */
export const SNIPPET_COMMAND = 'seaworthy.applySnippetFix';

export interface OpenDocs { textOf(uri: string): string | undefined; versionOf(uri: string): number | null }

function sameRange(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/**
 * Where the document lives: its path on disk, or, for a document that has none (`untitled:`), its URI,
 * which the fix engine uses as a path that names no other file.
 */
interface DocPlace { docPath: string; onDisk: boolean; uriOf(abs: string): string }
function placeOf(uri: string): DocPlace {
  let docPath: string | undefined;
  try { docPath = uri.startsWith('file:') ? fileURLToPath(uri) : undefined; } catch { /* not a local path */ }
  if (docPath === undefined) return { docPath: uri, onDisk: false, uriOf: (abs) => (abs === uri ? uri : pathToFileURL(abs).toString()) };
  return { docPath, onDisk: true, uriOf: (abs) => pathToFileURL(abs).toString() };
}

function readFileFor(docs: OpenDocs, place: DocPlace) {
  return (abs: string) => {
    const open = docs.textOf(place.uriOf(abs));
    if (open !== undefined) return open;
    if (!place.onDisk && abs === place.docPath) return undefined;
    return readTextOrUndefined(abs, SIDE_FILE_MAX_BYTES);
  };
}

/** A fix for a document with no place on disk may edit that document only (a `.env` beside it would land anywhere). */
const UNSAVED_REFUSAL = 'Save the document first: this fix also writes a file beside it.';
function touchesOtherFiles(changes: FileChange[], place: DocPlace): boolean {
  return !place.onDisk && changes.some((c) => c.file !== place.docPath);
}

function toWorkspaceEdit(changes: FileChange[], docs: OpenDocs, place: DocPlace): WorkspaceEdit {
  const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
  for (const c of changes) {
    const uri = place.uriOf(c.file);
    if (c.create) documentChanges.push(CreateFile.create(uri, { ignoreIfExists: true }));
    documentChanges.push(TextDocumentEdit.create({ uri, version: c.create ? null : docs.versionOf(uri) }, c.edits));
  }
  return { documentChanges };
}

/**
 * What git says, reused for a few seconds: the editor asks for code actions at every cursor move, and each
 * question about a `.env` otherwise spawns git twice.
 */
let recentGit: { view: GitView; at: number } | undefined;
function currentGitView(): GitView {
  const now = Date.now();
  if (!recentGit || now - recentGit.at > 5000) recentGit = { view: gitView(), at: now };
  return recentGit.view;
}

/** Quick fixes for the diagnostics under the cursor, the ignore actions, and the safe fix-all. */
export async function codeActions(params: CodeActionParams, result: AnalysisResult | undefined, docs: OpenDocs, git: GitView = currentGitView(), config: EngineConfig = defaultConfig()): Promise<CodeAction[]> {
  if (!result?.model) return [];
  const uri = params.textDocument.uri;
  const place = placeOf(uri);
  const docPath = place.docPath;
  const read = readFileFor(docs, place);
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(k + '.'));
  const actions: CodeAction[] = [];
  const guard = new FixSession(git, read);

  if (wants(CodeActionKind.QuickFix)) {
    for (const diag of params.context.diagnostics) {
      if (diag.source !== 'seaworthy') continue;
      const finding = result.findings.find((f) => f.ruleId === diag.code && sameRange(f.range, diag.range));
      if (!finding) continue;
      fixesOf(finding).forEach((fix, i) => {
        // The same guards as `seaworthy fix`: never a value into a git-tracked file, never a value lost.
        const conflict = fixRefusal(fix, docPath, read);
        const guarded = conflict ? undefined : guard.guard(planFix(fix, docPath, read), docPath);
        const refused = conflict ?? guarded?.refused ?? (guarded && touchesOtherFiles(guarded.changes, place) ? UNSAVED_REFUSAL : undefined);
        const snippet = !refused && fix.snippet && fix.edits.length === 1 && !fix.edits[0].file && !fix.appends?.length ? fix.edits[0] : undefined;
        actions.push({
          title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diag],
          isPreferred: !refused && !fix.snippet && fix.safety === 'safe' && i === 0,
          ...(refused ? { disabled: { reason: refused } }
            // The value is typed in place: the client inserts the snippet (an LSP edit cannot hold tab stops).
            : snippet ? { command: { title: fix.title, command: SNIPPET_COMMAND, arguments: [uri, docs.versionOf(uri), snippet.range, snippet.newText] } }
              : { edit: toWorkspaceEdit(guarded!.changes, docs, place) }),
        });
      });
      const line = ignoreLineEdit(result.model, finding.range, finding.ruleId);
      actions.push({ title: `Ignore ${finding.ruleId} for this line`, kind: CodeActionKind.QuickFix, diagnostics: [diag], edit: { changes: { [uri]: [line] } } });
      const file = ignoreFileEdit(result.model, finding.ruleId);
      if (file.newText) actions.push({ title: `Ignore ${finding.ruleId} for this file`, kind: CodeActionKind.QuickFix, diagnostics: [diag], edit: { changes: { [uri]: [file] } } });
    }
  }
  if (wants(FIX_ALL_KIND)) {
    const fixAll = await fixAllEdit(result, docPath, read, git, config);
    // A document with no file gets no fix-all that would write beside it.
    if (fixAll.length && !touchesOtherFiles(fixAll, place)) actions.push({ title: 'Fix all safe Seaworthy problems', kind: FIX_ALL_KIND, edit: toWorkspaceEdit(fixAll, docs, place) });
  }
  return actions;
}

/**
 * Every safe fix of the file whose edits do not overlap an earlier one (the rest wait for the next pass),
 * checked as `seaworthy fix` checks a pass (engine/apply-fixes.ts checkedPass): the file is analysed
 * again with the fixes applied, and fixes that leave their problem, break the syntax or cause a more
 * serious problem are left out.
 */
export async function fixAllEdit(result: AnalysisResult, docPath: string, read: (abs: string) => string | undefined, git: GitView = currentGitView(), config: EngineConfig = defaultConfig()): Promise<FileChange[]> {
  const session = new FixSession(git, read);
  const pass = await session.checkedPass(docPath, result, config, { unsafe: false, refuse: () => undefined });
  if (!pass.applied.length) return [];
  // The document gets the fixes' own edits (computed against its text); side files one edit each.
  const out: FileChange[] = pass.own.length ? [{ file: docPath, edits: pass.own, create: false }] : [];
  for (const c of session.changed()) {
    if (c.file !== docPath) out.push({ file: c.file, edits: [wholeEdit(c.before ?? '', c.after)], create: c.before === undefined });
  }
  return out;
}

/** One edit turning `before` into `after`: the differing middle (positions counted as applyEdits counts them). */
function wholeEdit(before: string, after: string): FileChange['edits'][number] {
  let p = 0;
  while (p < before.length && p < after.length && before[p] === after[p]) p++;
  let q = 0;
  while (q < before.length - p && q < after.length - p && before[before.length - 1 - q] === after[after.length - 1 - q]) q++;
  const pos = (off: number) => { const head = before.slice(0, off); const nl = head.lastIndexOf('\n'); return { line: head.split('\n').length - 1, character: off - nl - 1 }; };
  return { range: { start: pos(p), end: pos(before.length - q) }, newText: after.slice(p, after.length - q) };
}
