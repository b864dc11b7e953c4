/**
 * HelmRenderer on test/fixtures/render/chart/shop. helm is not installed on the build machines, so
 * the "helm not found" fallback is tested as it is, and rendering runs a stand-in `helm` script that
 * prints what `helm template` prints for this chart: each object after `# Source: shop/templates/…`,
 * sorted by kind as helm's InstallOrder does (Service before Deployment), values substituted.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { literalKind, matchTemplateDocuments, splitHelmOutput } from '../../../../src/core/render/helmSource';
import { HELM_NOT_FOUND, HelmRenderer, findChartFor } from '../../../../src/infra/render/helm';
import { REPO_ROOT } from '../../../support/paths';

const CHART = path.join(REPO_ROOT, 'test', 'fixtures', 'render', 'chart', 'shop');
const WEB = path.join(CHART, 'templates', 'web.yaml');
const webText = (): string => fs.readFileSync(WEB, 'utf8');
const meta = (o: Readonly<Record<string, unknown>>): Record<string, unknown> => o.metadata as Record<string, unknown>;

// Renders templates/*.yaml of the chart given as `helm template DIR`: Services first, then the rest;
// `{{ include "shop.name" . }}` → release-name-web, `.Values.x` from values.yaml; `{{ oops }}` fails.
const FAKE_HELM = `#!/bin/sh
[ "$1" = template ] || exit 64
dir="$2"
if grep -q '{{ oops }}' "$dir"/templates/*.yaml; then
  echo 'Error: parse error at (shop/templates/web.yaml:4): function "oops" not defined' >&2
  echo 'Use --debug flag to render out invalid YAML' >&2
  exit 1
fi
replicas=$(sed -n 's/^replicas: *//p' "$dir/values.yaml")
image=$(sed -n 's/^image: *//p' "$dir/values.yaml")
for pass in Service other; do
  for f in "$dir"/templates/*.yaml; do
    awk -v src="shop/templates/$(basename "$f")" -v pass="$pass" '
      function flush() { if (doc != "" && ((pass == "Service") == (doc ~ /\\nkind: Service\\n/))) printf "---\\n# Source: %s\\n%s", src, doc; doc = "\\n" }
      BEGIN { doc = "\\n" }
      /^---/ { flush(); next }
      { doc = doc $0 "\\n" }
      END { flush() }' "$f"
  done
done | sed -e 's/{{ include "shop.name" . }}/release-name-web/' -e "s#{{ .Values.replicas }}#$replicas#" -e "s#{{ .Values.image }}#$image#"
`;

describe('render: helm', () => {
  let bin: string;
  before(() => {
    bin = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-helm-'));
    fs.writeFileSync(path.join(bin, 'helm'), FAKE_HELM, { mode: 0o755 });
  });
  after(() => fs.rmSync(bin, { recursive: true, force: true }));
  const withHelm = (): HelmRenderer => new HelmRenderer({ findExecutable: (n) => Promise.resolve(n === 'helm' ? path.join(bin, 'helm') : undefined) });

  it('helm not found: the fallback text, no documents, and no plain lens for a template', async () => {
    const r = new HelmRenderer({ findExecutable: () => Promise.resolve(undefined) });
    assert.deepEqual(await r.render({ fsPath: WEB, text: webText() }), { tool: 'helm', documents: [], notPlainYaml: true, fallback: HELM_NOT_FOUND });
    assert.equal(HELM_NOT_FOUND, 'helm not found: templates not rendered');
  });

  it('maps rendered objects to template documents by kind through # Source comments', async () => {
    const out = await withHelm().render({ fsPath: WEB, text: webText() });
    assert.equal(out?.fallback, undefined);
    assert.deepEqual(out?.documents.map((d) => [d.documentIndex, d.desired.kind, meta(d.desired).name]), [
      [0, 'Deployment', 'release-name-web'],
      [1, 'Service', 'release-name-web'],
    ]);
    assert.equal((out?.documents[0]?.desired as { spec: { replicas: number } }).spec.replicas, 2);
  });

  it('renders the unsaved template text', async () => {
    const out = await withHelm().render({ fsPath: WEB, text: webText().replace('- port: 80', '- port: 8080') });
    const svc = out?.documents.find((d) => d.desired.kind === 'Service')?.desired as { spec: { ports: { port: number }[] } };
    assert.equal(svc.spec.ports[0]?.port, 8080);
  });

  it('a helm error: first line as fallback, no plain lens', async () => {
    const out = await withHelm().render({ fsPath: WEB, text: webText().replace('kind: Service', 'kind: Service\n{{ oops }}') });
    assert.equal(out?.fallback, 'helm template failed: parse error at (shop/templates/web.yaml:4): function "oops" not defined');
    assert.equal(out?.notPlainYaml, true);
    assert.equal(out?.documents.length, 0);
  });

  it('chart files that are not templates stand for no object; files outside a chart are not helm’s', async () => {
    for (const f of ['values.yaml', 'Chart.yaml', path.join('templates', '_helpers.tpl')]) {
      const p = path.join(CHART, f);
      assert.deepEqual(await withHelm().render({ fsPath: p, text: fs.readFileSync(p, 'utf8') }), { tool: 'helm', documents: [], notPlainYaml: true }, f);
    }
    assert.deepEqual(await findChartFor(WEB), { dir: CHART, rel: 'templates/web.yaml' });
    assert.equal(await withHelm().render({ fsPath: path.join(REPO_ROOT, 'test', 'fixtures', 'render', 'shop', 'base', 'web.yaml'), text: '' }), undefined);
  });

  it('splitHelmOutput and matchTemplateDocuments: sources, literal kinds, a range beyond the template', () => {
    const out = splitHelmOutput('---\n# Source: c/templates/a.yaml\nkind: A\n---\n# Source: c/templates/a.yaml\nkind: A\n---\nkind: NoSource\n');
    assert.deepEqual(out.map((o) => o.source), ['c/templates/a.yaml', 'c/templates/a.yaml']);
    assert.equal(literalKind('apiVersion: v1\nkind: "ConfigMap" # x\n'), 'ConfigMap');
    assert.equal(literalKind('kind: {{ .Values.kind }}\n'), undefined);
    // A templated kind takes what has no literal match; a range repeats the last document of its kind.
    const m = matchTemplateDocuments([{ index: 0, kind: 'ConfigMap' }, { index: 1, kind: undefined }], [{ kind: 'Secret' }, { kind: 'ConfigMap' }]);
    assert.deepEqual(m.map((d) => [d.documentIndex, d.desired.kind]), [[0, 'ConfigMap'], [1, 'Secret']]);
    const r = matchTemplateDocuments([{ index: 0, kind: 'ConfigMap' }], [{ kind: 'ConfigMap', n: 1 }, { kind: 'ConfigMap', n: 2 }, { kind: 'Secret' }]);
    assert.deepEqual(r.map((d) => [d.documentIndex, d.desired.n]), [[0, 1], [0, 2]]);
  });
});
