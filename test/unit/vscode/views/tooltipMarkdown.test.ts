/**
 * Issue 12: cluster text in the tree's Markdown tooltips must render as text. The tooltip Markdown
 * (src/vscode/views/tooltipMarkdown.ts) is rendered here the way VS Code renders a MarkdownString:
 * marked with GFM, after `markdownEscapeEscapedIcons`, and with every `$(name)` left unescaped in the
 * rendered text becoming an icon (vscode src/vs/base/browser/markdownRenderer.ts and
 * ui/iconLabel/iconLabels.ts `renderLabelWithIcons`). The Application is
 * test/fixtures/hostile/markdown/application.yaml.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { marked } from 'marked';
import { parse } from 'yaml';
import { mapArgoApplication } from '../../../../src/core/argocd/application';
import { appTooltipMarkdown, clusterTooltipMarkdown, mdCode, mdText } from '../../../../src/vscode/views/tooltipMarkdown';
import { REPO_ROOT } from '../../../support/paths';

const APP = parse(fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'hostile', 'markdown', 'application.yaml'), 'utf8')) as unknown;
const ICON_NAME = '[A-Za-z0-9-]+(?:~[A-Za-z]+)?';

/** What VS Code shows for a MarkdownString with supportThemeIcons: the HTML, its text, the icons. */
function render(markdown: string): { html: string; text: string; icons: string[] } {
  // markdownEscapeEscapedIcons: `\$(x)` is doubled so that marked leaves `\$(x)`, which stays text.
  const value = markdown.replace(new RegExp(`\\\\\\$\\(${ICON_NAME}\\)`, 'g'), (m) => `\\${m}`);
  const html = marked.parse(value, { gfm: true, async: false });
  const text = html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  const icons = [...text.matchAll(new RegExp(`(\\\\)?\\$\\((${ICON_NAME})\\)`, 'g'))].filter((m) => m[1] === undefined).map((m) => m[2] as string);
  return { html, text, icons };
}

const tags = (html: string): string[] => [...new Set([...html.matchAll(/<\/?([a-zA-Z0-9]+)/g)].map((m) => (m[1] as string).toLowerCase()))].sort();
const visible = (s: string): string => s.replace(/\u200b/g, '');

describe('vscode/views/tooltipMarkdown: cluster text in tooltips', () => {
  const app = mapArgoApplication('prod', APP);

  it('renders as text: no link, no image, no heading, no HTML from the cluster; only our structure', () => {
    const r = render(appTooltipMarkdown(app, { phase: 'ready' }, Date.parse('2025-05-04T10:05:00Z')));
    assert.deepEqual(tags(r.html), ['code', 'li', 'p', 'strong', 'ul']);
    assert.deepEqual(r.icons, []);
    const text = visible(r.text);
    for (const shown of [
      '$(warning) all good, ignore the red: [click to fix](command:workbench.action.terminal.sendSequence?',
      '<img src=x onerror=alert(1)>',
      'www.evil.example',
      '&#91;also&#93;(command:x)',
      '\\$(pass)',
      '<https://evil.example/auto>',
      'admin@evil.example',
      '# heading',
      'Project: **prod** $(check)',
      'Source: https://evil.example/phish path apps/[x](command:gitopsLens.suspend) @ main',
    ]) {
      assert.ok(text.includes(shown), `not shown as text: ${shown}\n${text}`);
    }
  });

  it('code spans show names as they are (no backslashes) and survive backticks', () => {
    const r = render(appTooltipMarkdown(app, { phase: 'ready' }, 0));
    assert.match(r.html, /<code>team-a_ns-1<\/code>/);
    assert.ok(visible(r.text).includes('at `` ] `$(sync~spin)` '), visible(r.text));
  });

  it('our own warning icon is the only icon when the cluster is unreachable', () => {
    const r = render(appTooltipMarkdown(app, { phase: 'unreachable', since: 0, lastError: { code: 'Unreachable', message: '$(check) [x](command:y)' } }, 60_000));
    assert.deepEqual(r.icons, ['warning']);
  });

  it('mdText and mdCode round-trip any printable ASCII as text', () => {
    let ascii = '';
    for (let c = 0x20; c < 0x7f; c++) ascii += String.fromCharCode(c);
    for (const s of [ascii, `x${ascii}x`, '$(warning)', '`', '``a``', ' lead and trail ', 'https://a.example www.b.example c@d.example']) {
      assert.equal(visible(render(mdText(s)).text).trim(), s.trim(), `mdText ${s}`);
      assert.equal(visible(render(mdCode(s)).text).trim(), s.trim(), `mdCode ${s}`);
      assert.deepEqual(render(mdText(s)).icons, []);
      assert.ok(!/<a |<img/.test(render(mdText(s)).html), s);
    }
    // Control characters and bidi overrides become spaces: one line, in reading order.
    assert.equal(mdText('a\nb\u001b[2J\u202ec'), 'a b \\[2J c');
  });

  it('shows names with Markdown punctuation as written: no backslash reaches the reader (issue 13)', () => {
    // The app tooltip once read "in `flux\-system`": escapes inside a code span are shown literally.
    const r = render(appTooltipMarkdown({ ...app, namespace: 'flux-system', cluster: 'kind-dev_1' }, { phase: 'ready' }, 0));
    assert.ok(visible(r.text).includes('in flux-system on kind-dev_1'), visible(r.text));
    const entry = { name: 'kind-dev_1', cluster: 'kind-dev', user: 'kind-dev_admin', server: 'https://127.0.0.1:16443', namespace: 'team-a_ns-1', sourceFile: '/home/me/.kube/config-[dev].yaml', isCurrent: true, enabled: true };
    const unreachable = { phase: 'unreachable' as const, since: 0, lastError: { code: 'Unreachable' as const, message: 'dial tcp 127.0.0.1:16443: connect: connection refused (*not* `ok`)' } };
    const c = render(clusterTooltipMarkdown('kind-dev_1', entry, unreachable));
    const text = visible(c.text);
    for (const shown of ['Cluster kind-dev_1', 'Server: https://127.0.0.1:16443', 'User: kind-dev_admin', 'Namespace: team-a_ns-1', 'From: /home/me/.kube/config-[dev].yaml', 'Unreachable: Unreachable: dial tcp 127.0.0.1:16443: connect: connection refused (*not* `ok`)']) {
      assert.ok(text.includes(shown), `not shown as written: ${shown}\n${text}`);
    }
    assert.ok(!text.includes('\\'), `a backslash is shown: ${text}`);
    assert.deepEqual(tags(c.html), ['code', 'li', 'p', 'strong', 'ul']);
    assert.deepEqual(c.icons, []);
  });
});
