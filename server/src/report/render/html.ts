import type { Report, ReportFinding, ReportSection } from '../types';
import { printable, UNPRINTABLE } from '../../engine/mask';

/**
 * One HTML page for both the exported file and the editor's webview. Everything taken from the
 * workspace (paths, messages, names, reasons) goes through `esc`; the page runs only the one inline
 * script carrying the nonce, under a Content-Security-Policy that allows nothing else.
 */
export interface HtmlOptions {
  /** `export`: a self-contained file; `webview`: the editor panel (click-to-open and export buttons post messages). */
  mode: 'export' | 'webview';
  /** Random per render, from the host; required. */
  nonce: string;
  /** The webview's `cspSource` (lets the panel load its own resources); unused for exports. */
  cspSource?: string;
}

/** Markup characters, and control and bidi characters (a terminal showing the file would obey them), as character references. */
const SPECIAL = new RegExp(`[&<>"'\`]|${UNPRINTABLE.source}`, 'g');

export function esc(s: unknown): string {
  return String(s ?? '').replace(SPECIAL, (c) => `&#${c.charCodeAt(0)};`);
}

/** Text shown on the page: escaped, with control and bidirectional characters made visible (they could reorder what is read). */
function show(s: unknown): string {
  return esc(printable(String(s ?? '')));
}

export function contentSecurityPolicy(o: HtmlOptions): string {
  const self = o.mode === 'webview' && o.cspSource ? ` ${o.cspSource}` : '';
  return `default-src 'none'; img-src data:${self}; font-src${self || " 'none'"}; style-src 'nonce-${o.nonce}'${self}; script-src 'nonce-${o.nonce}'; base-uri 'none'; form-action 'none'`;
}

const SEV_ICON: Record<string, string> = { error: '✖', warning: '⚠', info: 'ℹ' };
const STATUS_LABEL: Record<string, string> = { pass: 'Pass', warn: 'Warn', fail: 'Fail' };

function findingItem(f: ReportFinding, mode: HtmlOptions['mode'], accepted = false): string {
  const line = f.range.start.line + 1;
  const col = f.range.start.character + 1;
  const attrs = `data-severity="${esc(f.severity)}" data-category="${esc(f.category)}" data-section="${esc(f.section)}" data-kind="${esc(f.fileKind ?? '')}" data-file="${esc(f.file)}"`;
  const loc = `${show(f.file)}:${line}:${col}`;
  const open = mode === 'webview'
    ? `<button type="button" class="loc" data-open="1" data-line="${f.range.start.line}" data-col="${f.range.start.character}" data-end-line="${f.range.end.line}" data-end-col="${f.range.end.character}" data-file="${esc(f.file)}" title="Open ${loc}">${loc}</button>`
    : `<code class="loc">${loc}</code>`;
  const extra = [
    f.affects.length ? `affects ${f.affects.map(show).join(', ')}` : '',
    f.suppressedWithoutReason ? 'suppressed without a reason (still scored)' : '',
    accepted && f.accepted ? `accepted: ${show(f.accepted.reason)}` : '',
  ].filter(Boolean).join(' · ');
  return `<li class="finding sev-${esc(f.severity)}" ${attrs}><span class="sev" aria-label="${esc(f.severity)}">${SEV_ICON[f.severity] ?? ''}</span> ${open} <span class="msg">${show(f.message)}</span> <span class="rule">${esc(f.ruleId)}</span>${extra ? `<div class="meta">${extra}</div>` : ''}</li>`;
}

const NOT_ASSESSED = 'Not assessed';
const scoreText = (s: ReportSection) => (s.score === null ? 'not assessed' : String(s.score));

/** Which checks ran here: "Assessed: 3 of 4 checks (a, b, c; d not applicable)", or why none could. */
function coverage(s: ReportSection): string {
  if (!s.checks) return '<p class="none">Not assessed: no automated check covers this yet, so it has no score. Review it by hand.</p>';
  if (s.notApplicable) return `<p class="none">Not applicable: ${esc(s.notApplicable)}. Not assessed, so it has no score.</p>`;
  const names = (applicable: boolean) => s.checkList.filter((c) => c.applicable === applicable).map((c) => `<code>${esc(c.ruleId)}</code>`).join(', ');
  const na = s.checkList.some((c) => !c.applicable) ? `; not applicable here: ${names(false)}` : '';
  return `<p class="checks">Assessed: ${s.assessed} of ${s.checks} check${s.checks === 1 ? '' : 's'} (${names(true)}${na}).</p>`;
}

function sectionBlock(s: ReportSection, mode: HtmlOptions['mode']): string {
  const status = s.score === null ? NOT_ASSESSED : STATUS_LABEL[s.status];
  const open = s.status === 'fail' ? ' open' : '';
  const list = s.findings.length ? `<ul class="findings">${s.findings.map((f) => findingItem(f, mode)).join('')}</ul>` : '<p class="none">No open findings.</p>';
  const accepted = s.accepted.length ? `<h4>Accepted risk</h4><ul class="findings accepted">${s.accepted.map((f) => findingItem(f, mode, true)).join('')}</ul>` : '';
  const n = s.findings.length;
  return `<details class="section status-${esc(s.status)}${s.score === null ? ' unchecked' : ''}" id="section-${esc(s.id)}" data-section="${esc(s.id)}" data-total="${n}"${open}>
<summary><span class="title">${esc(s.title)}</span> <span class="badge status-${esc(s.status)}">${esc(status)}</span> <span class="score">${esc(scoreText(s))}</span> <span class="count">${n} finding${n === 1 ? '' : 's'}</span></summary>
<p class="good"><strong>What good looks like:</strong> ${esc(s.good)}</p>${coverage(s)}
${list}${accepted}</details>`;
}

function summary(report: Report): string {
  const bars = report.sections.map((s) => {
    const assessed = s.score !== null;
    const width = assessed ? Math.max(0, Math.min(100, Math.round(s.score!))) : 0;
    const why = s.checks ? 'Not assessed: not applicable to this project' : 'Not assessed: no automated checks yet';
    return `<li><a href="#section-${esc(s.id)}" class="bar-label">${esc(s.title)}</a><span class="bar" role="meter" aria-valuemin="0" aria-valuemax="100"${assessed ? ` aria-valuenow="${s.score}"` : ' aria-valuetext="not assessed"'} aria-label="${esc(s.title)} score"><span class="fill status-${esc(s.status)}${assessed ? '' : ' unchecked'} w${width}"></span></span><span class="bar-score"${assessed ? '' : ` title="${why}"`}>${assessed ? s.score : 'n/a'}</span></li>`;
  }).join('');
  const t = report.totals;
  const f = report.formula;
  return `<section class="summary" aria-label="Summary">
<div class="overall status-${esc(report.status)}"><div class="big" aria-label="Overall score">${report.score}</div><div>/ 100</div></div>
<div class="facts"><p>${t.files} files · ${report.units} deployable unit${report.units === 1 ? '' : 's'} · <span class="c-error">${t.error} errors</span> · <span class="c-warning">${t.warning} warnings</span> · <span class="c-info">${t.info} info</span> · ${t.accepted} accepted risk${t.accepted === 1 ? '' : 's'}${t.problems ? ` · ${t.problems} unreadable` : ''}</p>
<p class="formula">How the scores relate: every score is 100 × ${f.halfScorePenalty} / (${f.halfScorePenalty} + penalty per deployable unit). The overall score counts every open finding; each section counts only its own, so the overall score is lower than the sections when the findings are spread over several of them. Sections with no rule that applies to this project are not assessed (no score).</p>
<ul class="bars">${bars}</ul></div></section>`;
}

function fixFirst(report: Report, mode: HtmlOptions['mode']): string {
  if (!report.fixFirst.length) return '<section aria-label="Fix first"><h2>Fix first</h2><p class="none">Nothing open.</p></section>';
  return `<section aria-label="Fix first"><h2>Fix first</h2><ol class="findings fixfirst">${report.fixFirst.map((f) => findingItem(f, mode)).join('')}</ol></section>`;
}

function filesTable(report: Report): string {
  const rows = report.files.map((f) => `<tr data-kind="${esc(f.kind ?? '')}" data-file="${esc(f.file)}"><td>${show(f.file)}</td><td>${esc(f.kind ?? '—')}</td><td class="num">${f.score}</td><td class="num c-error">${f.counts.error}</td><td class="num c-warning">${f.counts.warning}</td><td class="num c-info">${f.counts.info}</td><td class="num">${f.accepted}</td><td>${f.usedBy.map(show).join('<br>')}</td><td>${f.links.map((l) => `${esc(l.type)} → ${show(l.to)}${l.missing ? ' <strong class="c-error">(missing)</strong>' : ''}`).join('<br>')}</td></tr>`).join('');
  return `<section aria-label="Files"><h2>Files</h2><table class="files"><thead><tr><th scope="col">File</th><th scope="col">Kind</th><th scope="col">Score</th><th scope="col">Errors</th><th scope="col">Warnings</th><th scope="col">Info</th><th scope="col">Accepted</th><th scope="col">Used by</th><th scope="col">Links</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function filters(report: Report, mode: HtmlOptions['mode']): string {
  const opt = (v: string, label = v) => `<option value="${esc(v)}">${esc(label)}</option>`;
  const exportButtons = mode === 'webview' ? `<span class="exports">Export: ${['markdown', 'html', 'sarif', 'json'].map((f) => `<button type="button" data-export="${f}">${f === 'sarif' ? 'SARIF' : f === 'json' ? 'JSON' : f === 'html' ? 'HTML' : 'Markdown'}</button>`).join(' ')}</span>` : '';
  return `<form class="filters" aria-label="Filters">
<label>Severity <select id="f-severity">${opt('', 'all')}${opt('error')}${opt('warning')}${opt('info')}</select></label>
<label>Section <select id="f-section">${opt('', 'all')}${report.sections.map((s) => opt(s.id, s.title)).join('')}</select></label>
<label>File kind <select id="f-kind">${opt('', 'all')}${opt('dockerfile', 'Dockerfile')}${opt('compose', 'Compose')}${opt('kubernetes', 'Kubernetes')}</select></label>
<span class="shown" id="f-shown" aria-live="polite"></span>
${exportButtons}</form>`;
}

/**
 * Badge and text colours on a light background (VS Code's light themes, and exported files): every one
 * at least 4.5:1 against white (WCAG AA for normal text; test/unit/report-render.test.ts computes it).
 * VS Code's own light-theme warning (#bf8803), passed (#388a34) and info (#1a85ff) colours are below that.
 */
export const LIGHT_PALETTE = { err: '#b42318', warn: '#7d5300', ok: '#116329', info: '#0a58ca', muted: '#59636e', link: '#0a58ca' } as const;
const lightVars = `--err:${LIGHT_PALETTE.err};--warn:${LIGHT_PALETTE.warn};--ok:${LIGHT_PALETTE.ok};--info:${LIGHT_PALETTE.info};--muted:${LIGHT_PALETTE.muted}`;

const STYLE = `
:root{--fg:var(--vscode-foreground,#1f2328);--bg:var(--vscode-editor-background,#fff);--muted:var(--vscode-descriptionForeground,${LIGHT_PALETTE.muted});--border:var(--vscode-panel-border,#d1d9e0);--err:var(--vscode-errorForeground,${LIGHT_PALETTE.err});--warn:var(--vscode-editorWarning-foreground,${LIGHT_PALETTE.warn});--info:var(--vscode-editorInfo-foreground,${LIGHT_PALETTE.info});--ok:var(--vscode-testing-iconPassed,${LIGHT_PALETTE.ok});--focus:var(--vscode-focusBorder,#0969da);--link:var(--vscode-textLink-foreground,${LIGHT_PALETTE.link});--btn:var(--vscode-button-secondaryBackground,#eaeef2);--btnfg:var(--vscode-button-secondaryForeground,#1f2328)}
body.vscode-light,body.vscode-high-contrast-light{${lightVars}}
body{font-family:var(--vscode-font-family,system-ui,sans-serif);font-size:var(--vscode-font-size,14px);color:var(--fg);background:var(--bg);margin:0 auto;padding:16px 24px;max-width:1200px;line-height:1.45}
h1{font-size:1.5em;margin:0 0 12px}h2{font-size:1.2em;margin:24px 0 8px}h4{margin:8px 0 4px}
a{color:var(--link)}:focus-visible{outline:2px solid var(--focus);outline-offset:2px}
.summary{display:flex;gap:24px;align-items:flex-start;flex-wrap:wrap}
.overall{display:flex;align-items:baseline;gap:4px;border:2px solid currentColor;border-radius:8px;padding:8px 16px}.overall .big{font-size:3em;font-weight:700}
.overall.status-fail,.badge.status-fail,.fill.status-fail{color:var(--err)}.overall.status-warn,.badge.status-warn,.fill.status-warn{color:var(--warn)}.overall.status-pass,.badge.status-pass,.fill.status-pass{color:var(--ok)}
.facts{flex:1;min-width:320px}.bars{list-style:none;padding:0;margin:0}.bars li{display:grid;grid-template-columns:minmax(200px,280px) 1fr 3em;gap:8px;align-items:center;margin:2px 0}
.bar{height:10px;background:var(--border);border-radius:5px;overflow:hidden;display:block}.fill{display:block;height:100%;background:currentColor}.fill.unchecked{opacity:.35}.bar-score{text-align:right;font-variant-numeric:tabular-nums}
.filters{display:flex;gap:16px;flex-wrap:wrap;align-items:center;margin:16px 0;padding:8px 0;border-bottom:1px solid var(--border)}
select,button{font:inherit;color:var(--btnfg);background:var(--btn);border:1px solid var(--border);border-radius:4px;padding:2px 8px}
.exports{margin-left:auto}
details.section{border:1px solid var(--border);border-radius:6px;margin:8px 0;padding:4px 12px}details.section>summary{cursor:pointer;padding:4px 0;display:flex;gap:12px;align-items:center}
summary .title{font-weight:600;color:var(--fg);flex:1}.badge{border:1px solid currentColor;border-radius:10px;padding:0 8px;font-size:.85em}.unchecked .badge{color:var(--muted)}
.score{font-variant-numeric:tabular-nums;font-weight:600;color:var(--fg)}.count{color:var(--muted)}
.good{color:var(--muted);margin:4px 0 8px}.none{color:var(--muted)}
.findings{padding-left:20px}.finding{margin:4px 0}.finding .rule{color:var(--muted);font-size:.85em}.finding .meta{color:var(--muted);font-size:.85em;margin-left:22px}
.loc{font-family:var(--vscode-editor-font-family,monospace);font-size:.9em}button.loc{background:none;border:none;color:var(--link);padding:0;cursor:pointer;text-decoration:underline}
.sev-error .sev,.c-error{color:var(--err)}.sev-warning .sev,.c-warning{color:var(--warn)}.sev-info .sev,.c-info{color:var(--info)}
table.files{border-collapse:collapse;width:100%}.files th,.files td{border-bottom:1px solid var(--border);padding:4px 8px;text-align:left;vertical-align:top}.files .num{text-align:right;font-variant-numeric:tabular-nums}
.formula{color:var(--muted);font-size:.9em;margin:4px 0 8px}.shown{color:var(--muted)}
.hidden{display:none}footer{color:var(--muted);font-size:.85em;margin-top:24px}`;

/** Bar widths as classes: the CSP forbids inline style attributes. */
const WIDTHS = Array.from({ length: 101 }, (_, i) => `.w${i}{width:${i}%}`).join('');

/**
 * Filters hide findings, update each section's count and hide sections left empty. In the webview the
 * filters, the scroll position and the open sections are kept with setState, so a refresh (the server
 * re-scored) or a tab switch (the webview is rebuilt) shows the report as the user left it.
 */
const SCRIPT = (mode: HtmlOptions['mode']) => `(function(){
var vscode = ${mode === 'webview' ? 'acquireVsCodeApi()' : 'null'};
var IDS=['f-severity','f-section','f-kind'];
function val(id){return document.getElementById(id).value;}
function save(){if(!vscode)return;var st={filters:{},scrollY:window.scrollY,open:[]};IDS.forEach(function(id){st.filters[id]=val(id);});
document.querySelectorAll('details.section').forEach(function(d){if(d.open)st.open.push(d.id);});vscode.setState(st);}
function apply(){var s=val('f-severity'),sec=val('f-section'),k=val('f-kind'),any=!!(s||sec||k),shown=0;
document.querySelectorAll('.finding').forEach(function(el){var ok=(!s||el.dataset.severity===s)&&(!sec||el.dataset.section===sec)&&(!k||el.dataset.kind===k);el.classList.toggle('hidden',!ok);});
document.querySelectorAll('details.section').forEach(function(d){var n=d.querySelectorAll('ul.findings:not(.accepted) .finding:not(.hidden)').length;shown+=n;
var c=d.querySelector('.count');if(c)c.textContent=(any?n+' of '+d.dataset.total:n)+' finding'+((any?+d.dataset.total:n)===1?'':'s');
d.classList.toggle('hidden',any&&(n===0||(!!sec&&d.dataset.section!==sec)));});
document.getElementById('f-shown').textContent=any?shown+' finding'+(shown===1?'':'s')+' shown':'';
document.querySelectorAll('table.files tbody tr').forEach(function(el){el.classList.toggle('hidden',!!k&&el.dataset.kind!==k);});}
var st=vscode&&vscode.getState();
if(st&&st.filters){IDS.forEach(function(id){var e=document.getElementById(id);if(st.filters[id]!==undefined&&e.querySelector('option[value="'+st.filters[id]+'"]'))e.value=st.filters[id];});
if(st.open){document.querySelectorAll('details.section').forEach(function(d){d.open=st.open.indexOf(d.id)>=0;});}}
apply();
if(st&&typeof st.scrollY==='number')window.scrollTo(0,st.scrollY);
IDS.forEach(function(id){document.getElementById(id).addEventListener('change',function(){apply();save();});});
document.querySelectorAll('details.section').forEach(function(d){d.addEventListener('toggle',save);});
var t;window.addEventListener('scroll',function(){clearTimeout(t);t=setTimeout(save,150);});
document.addEventListener('click',function(e){var t=e.target;if(!(t instanceof Element))return;
var o=t.closest('[data-open]');if(o&&vscode){vscode.postMessage({type:'open',file:o.dataset.file,range:{start:{line:+o.dataset.line,character:+o.dataset.col},end:{line:+o.dataset.endLine,character:+o.dataset.endCol}}});return;}
var x=t.closest('[data-export]');if(x&&vscode){vscode.postMessage({type:'export',format:x.dataset.export});}});
})();`;

/** The whole page. Same report → same HTML (apart from the nonce the host passes). */
export function renderHtml(report: Report, options: HtmlOptions): string {
  const nonce = esc(options.nonce);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(options).replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Seaworthy — Production Readiness Report</title>
<style nonce="${nonce}">${STYLE}${WIDTHS}</style></head>
<body>
<header><h1>Production Readiness Report</h1><p class="none">${show(report.base)}</p></header>
<main>
${summary(report)}
${filters(report, options.mode)}
${fixFirst(report, options.mode)}
<section aria-label="Sections"><h2>Sections</h2>${report.sections.map((s) => sectionBlock(s, options.mode)).join('\n')}</section>
${filesTable(report)}
${report.problems.length ? `<section aria-label="Unreadable files"><h2>Files that could not be read</h2><ul>${report.problems.map((p) => `<li><code>${show(p.file)}:${p.line}</code> ${show(p.message)}</li>`).join('')}</ul></section>` : ''}
</main>
<footer>Score = 100 × ${report.formula.halfScorePenalty} / (${report.formula.halfScorePenalty} + penalty per deployable unit). Penalty of a finding = severity weight (error ${report.formula.weights.error}, warning ${report.formula.weights.warning}, info ${report.formula.weights.info}) × units it reaches (at most ${report.formula.maxBlast}). Findings suppressed with a reason are accepted risk and not scored.</footer>
<script nonce="${nonce}">${SCRIPT(options.mode)}</script>
</body></html>
`;
}
