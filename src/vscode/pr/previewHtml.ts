/**
 * The HTML of the impact preview (issue 6): per cluster and app the field changes between the live
 * objects and the new desired documents (or why the live state is unknown), Secret values masked, the files, and Open PR / Cancel buttons. Pure (no `vscode`), so a unit test can check it.
 *
 * Self-contained under a strict Content-Security-Policy (VS Code webview guide, "Content security
 * policy"): `default-src 'none'`, the one inline style and script allowed by a nonce, no remote loads.
 */

export interface PreviewFieldChange {
  /** `Deployment apps/guestbook-ui`. */
  readonly resource: string;
  /** Dotted field path, e.g. `spec.replicas`. */
  readonly path: string;
  /** The live value in the cluster now (undefined: the live object lacks the field). */
  readonly before?: string;
  /** The value once the merged change is applied (undefined: removed). */
  readonly after?: string;
  /** Secret data: values are never shown. */
  readonly masked?: boolean;
}

export interface PreviewAppImpact {
  readonly cluster: string;
  readonly app: string;
  /** `Argo CD Application`, `Flux Kustomization`… */
  readonly appKind: string;
  readonly changes: readonly PreviewFieldChange[];
  /** Resources the change adds to or removes from the app. */
  readonly notes?: readonly string[];
}

export interface PreviewFile {
  readonly path: string;
  readonly status: 'added' | 'modified' | 'deleted';
}

export interface PreviewModel {
  /** What the PR does, e.g. "Open pull request" / "Propose rollback". */
  readonly heading: string;
  readonly title: string;
  /** `owner/repo on github.com`, when known. */
  readonly repository?: string;
  readonly base?: string;
  readonly branch?: string;
  readonly impacts: readonly PreviewAppImpact[];
  readonly files: readonly PreviewFile[];
  /** Files no known app deploys. */
  readonly undeployed?: readonly string[];
  readonly confirmLabel?: string;
}

export const MASK = '••••••';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function value(v: string | undefined, masked: boolean | undefined): string {
  if (masked) return `<span class="masked">${MASK}</span>`;
  if (v === undefined) return '<span class="note">(absent)</span>';
  return `<code>${esc(v.length > 200 ? `${v.slice(0, 200)}…` : v)}</code>`;
}

/** Whether a resource label names a Secret: its values are masked even if the caller did not say so. */
function isSecret(resource: string): boolean {
  return /^Secret\b/.test(resource);
}

export function renderPreviewHtml(model: PreviewModel, opts: { readonly nonce: string; readonly css: string; readonly cspSource?: string }): string {
  const { nonce } = opts;
  const csp = [`default-src 'none'`, `style-src 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`, `img-src ${opts.cspSource ?? "'none'"}`].join('; ');
  const impacts = model.impacts.length
    ? model.impacts
        .map((i) => {
          const rows = i.changes
            .map((c) => {
              const masked = c.masked === true || isSecret(c.resource);
              return `<tr><td class="mono">${esc(c.resource)}</td><td class="mono">${esc(c.path)}</td><td class="before">${value(c.before, masked)}</td><td class="after">${value(c.after, masked)}</td></tr>`;
            })
            .join('');
          const notes = (i.notes ?? []).map((n) => `<li>${esc(n)}</li>`).join('');
          const table = rows
            ? `<table><colgroup><col class="resource"><col class="field"><col class="value"><col class="value"></colgroup><thead><tr><th>Resource</th><th>Field</th><th>Live now</th><th>After merge</th></tr></thead><tbody>${rows}</tbody></table>`
            : '<p class="note">No field of a live object changes.</p>';
          return `<section class="impact"><h3>${esc(i.cluster)} · ${esc(i.app)}<span class="badge">${esc(i.appKind)}</span><span class="badge">${i.changes.length} field${i.changes.length === 1 ? '' : 's'}</span></h3>${table}${notes ? `<ul>${notes}</ul>` : ''}</section>`;
        })
        .join('')
    : '<p class="note">No app deploying these files is known on the connected clusters.</p>';
  const files = model.files.map((f) => `<li><span class="status-${f.status}">${f.status[0]?.toUpperCase() ?? ''}</span> <code>${esc(f.path)}</code></li>`).join('');
  const undeployed = model.undeployed?.length
    ? `<p class="note">Not deployed by a known app: ${model.undeployed.map((f) => `<code>${esc(f)}</code>`).join(', ')}</p>`
    : '';
  const where = [
    model.repository ? `Repository <code>${esc(model.repository)}</code>` : undefined,
    model.branch ? `branch <code>${esc(model.branch)}</code>` : undefined,
    model.base ? `into <code>${esc(model.base)}</code>` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(model.heading)}</title>
<style nonce="${nonce}">${opts.css}</style>
</head>
<body>
<h1>${esc(model.heading)}: ${esc(model.title)}</h1>
${where ? `<p class="meta">${where}</p>` : ''}
<h2>Impact per cluster and app</h2>
${impacts}
${undeployed}
<h2>Files (${model.files.length})</h2>
<ul class="files">${files}</ul>
<div class="actions">
<button id="confirm" type="button">${esc(model.confirmLabel ?? 'Open PR')}</button>
<button id="cancel" type="button" class="secondary">Cancel</button>
</div>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
document.getElementById('confirm').addEventListener('click', () => vscode.postMessage({ type: 'confirm' }));
document.getElementById('cancel').addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
document.getElementById('confirm').focus();
</script>
</body>
</html>`;
}
