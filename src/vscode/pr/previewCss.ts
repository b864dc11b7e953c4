/**
 * Styles of the impact preview, inlined under the page's nonce (no file to load: the VSIX ships only
 * bundles and images, test/unit/vsixContents). Colours come from the theme's CSS variables.
 */
export const PREVIEW_CSS = `
body {
  font-family: var(--vscode-font-family);
  font-size: var(--vscode-font-size);
  color: var(--vscode-foreground);
  background: var(--vscode-editor-background);
  padding: 0 20px 20px;
  line-height: 1.45;
}
h1 { font-size: 1.35em; font-weight: 600; margin: 16px 0 4px; }
h2 { font-size: 1.1em; font-weight: 600; margin: 20px 0 6px; border-bottom: 1px solid var(--vscode-panel-border); padding-bottom: 4px; }
h3 { font-size: 1em; font-weight: 600; margin: 14px 0 4px; }
.meta { color: var(--vscode-descriptionForeground); margin: 0 0 8px; }
code, .mono { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; table-layout: fixed; }
col.resource { width: 22%; } col.field { width: 30%; } col.value { width: 24%; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--vscode-panel-border); vertical-align: top; overflow-wrap: anywhere; }
th { font-weight: 600; color: var(--vscode-descriptionForeground); }
td.before { color: var(--vscode-gitDecoration-deletedResourceForeground); }
td.after { color: var(--vscode-gitDecoration-addedResourceForeground); }
.masked { font-style: italic; color: var(--vscode-descriptionForeground); }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 0.85em; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); margin-left: 6px; }
.note { color: var(--vscode-descriptionForeground); font-style: italic; }
ul.files { list-style: none; padding-left: 0; margin: 4px 0; }
ul.files li { padding: 1px 0; }
.status-added { color: var(--vscode-gitDecoration-addedResourceForeground); }
.status-deleted { color: var(--vscode-gitDecoration-deletedResourceForeground); }
.status-modified { color: var(--vscode-gitDecoration-modifiedResourceForeground); }
.actions { position: sticky; bottom: 0; padding: 12px 0; background: var(--vscode-editor-background); display: flex; gap: 8px; }
button {
  font-family: inherit; font-size: inherit; border: 1px solid var(--vscode-button-border, transparent);
  padding: 4px 14px; border-radius: 2px; cursor: pointer;
  color: var(--vscode-button-foreground); background: var(--vscode-button-background);
}
button:hover { background: var(--vscode-button-hoverBackground); }
button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
button.secondary:hover { background: var(--vscode-button-secondaryHoverBackground); }
button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
`;
