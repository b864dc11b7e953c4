/**
 * Hostile YAML (issue 12): alias bombs, an anchor holding its own alias, nesting hidden behind aliases,
 * a long string repeated by aliases and an oversized text are problems at the alias (or line 1), on
 * every path that parses YAML: manifests (CLI, diagnostics, PR plans), the lens engine's per-document
 * parse, kustomization files, `yaml`-package documents (kubeconfig, adopt), and yaml-language-server.
 * Legitimate aliasing Kubernetes accepts is still accepted; where the line lies is asked of the real
 * `kubectl` (its YAML decoder refuses "excessive aliasing" before it talks to any server).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { mapArgoApplication } from '../../../../src/core/argocd/application';
import { YAML_LIMITS, YamlLimitError, loadYaml, measureValue, parseDocumentBounded } from '../../../../src/core/manifest/boundedYaml';
import { loadManifestSource, parseManifests, yamlLimitProblem } from '../../../../src/core/manifest/documents';
import { adoptEdit, AdoptError } from '../../../../src/core/manifest/adoptEdit';
import { mergeKubeconfigs } from '../../../../src/core/kube/kubeconfig';
import { readKustomization, withOriginAnnotations } from '../../../../src/core/render/kustomization';
import { SchemaRegistry } from '../../../../src/core/schema/registry';
import { readBuiltinLayer } from '../../../../src/infra/schema/builtinBundle';
import { createYamlService } from '../../../../src/infra/schema/yamlService';
import { DriftSession } from '../../../../src/core/drift/session';
import * as F from '../../../fixtures/gitops/argocd';
import { FakeReader, guestbookConfigMapYaml, liveOf, repoOf, ROOT, settle, uriOf } from '../../../support/driftFixtures';
import { recordingLogger } from '../../../support/fakes';
import { REPO_ROOT } from '../../../support/paths';

const HOSTILE = path.join(REPO_ROOT, 'test', 'fixtures', 'hostile', 'files');
const hostile = (name: string): string => fs.readFileSync(path.join(HOSTILE, name), 'utf8');

/** 0-based line of the first line of `text` containing `needle`. */
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle));

/** A ConfigMap whose data holds an alias chain `depth` long: shallow text, deep value. */
function aliasChain(depth: number): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: chain', 'data:', '  a0: &a0 [x]'];
  for (let i = 1; i < depth; i++) lines.push(`  a${i}: &a${i} [*a${i - 1}]`);
  return `${lines.join('\n')}\n`;
}

describe('hostile YAML: bounded parsing', () => {
  it('a billion-laughs file is one problem at the alias that crosses the line, with no document', () => {
    const text = hostile('billionLaughs.yaml');
    const parsed = parseManifests(text, { file: 'billionLaughs.yaml' });
    assert.equal(parsed.documents.length, 0);
    assert.equal(parsed.problems.length, 1);
    const p = parsed.problems[0]!;
    assert.match(p.message, /^excessive aliasing: \*c /);
    // The `d:` line is the first whose aliases (*c, 729 strings each) push the copies past 99%.
    assert.equal(p.line, lineOf(text, 'd: &d'));
    assert.equal(text.split('\n')[p.line]!.slice(p.column, p.column + 2), '*c');
  });

  it('mappings and merge keys: the bomb in the second document leaves the first one parsed', () => {
    const text = hostile('mergeBomb.yaml');
    const parsed = parseManifests(text);
    assert.deepEqual(parsed.documents.map((d) => d.identity?.name), ['fine']);
    assert.equal(parsed.problems.length, 1);
    assert.equal(parsed.problems[0]!.documentIndex, 1);
    assert.match(parsed.problems[0]!.message, /^excessive aliasing: \*a\d+/);
    assert.ok(parsed.problems[0]!.line > lineOf(text, 'name: merged'));
  });

  it('an anchor holding its own alias (a cycle for both parsers) is refused, as go-yaml does', () => {
    const text = hostile('aliasCycle.yaml');
    const parsed = parseManifests(text);
    assert.equal(parsed.documents.length, 0);
    assert.deepEqual(parsed.problems.map((p) => [p.line, p.message]), [[lineOf(text, '&a [x, *a]'), 'the anchor of *a contains the alias itself: an endless document']]);
  });

  it('nesting is bounded through aliases too, and in plain text', () => {
    const chain = aliasChain(500);
    const p = parseManifests(chain).problems[0];
    // `data` is at depth 1 and `a<i>` is i + 1 levels high: a<98> (depth 2) holding *a97 (depth 3) passes 100.
    assert.equal(p?.message, `nesting deeper than ${YAML_LIMITS.maxDepth} levels once *a${YAML_LIMITS.maxDepth - 3} is expanded`);
    assert.equal(p?.line, lineOf(chain, `a${YAML_LIMITS.maxDepth - 2}: `));
    // A chain within the bound is a document, as deep as it says.
    assert.equal(parseManifests(aliasChain(50)).documents.length, 1);
    const deep = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    assert.deepEqual(parseManifests(deep).problems.map((q) => [q.line, q.message]), [[4, `nesting deeper than ${YAML_LIMITS.maxDepth} levels`]]);
  });

  it('a long string repeated by aliases is bounded by the text limit once expanded', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata:\n  a: &s ${'x'.repeat(1 << 20)}\n  b: [${Array(70).fill('*s').join(', ')}]\n`;
    const p = parseManifests(text).problems[0];
    assert.equal(p?.message, '*s expands the document past the 64 MiB of text read');
    assert.equal(p?.line, 5);
    // Forty copies (40 MiB) are within the bound.
    assert.equal(parseManifests(text.replace(Array(70).fill('*s').join(', '), Array(40).fill('*s').join(', '))).problems.length, 0);
  });

  it('a text over the size limit is not parsed at all: one problem at line 1', () => {
    const huge = `# ${'x'.repeat(YAML_LIMITS.maxChars)}\n`;
    const parsed = parseManifests(huge, { file: 'huge.yaml' });
    assert.deepEqual(parsed.documents, []);
    assert.deepEqual(parsed.problems, [{ line: 0, column: 0, message: '64 MiB of YAML is more than the 64 MiB read: not parsed', documentIndex: 0 }]);
    assert.match(yamlLimitProblem(huge)?.message ?? '', /not parsed/);
    const small = { maxChars: 100, maxDepth: 100 };
    assert.match(parseManifests('a: 1\n'.repeat(30), { limits: small }).problems[0]?.message ?? '', /^0\.00 MiB of YAML is more than the 0\.00 MiB read/);
  });

  it('legitimate aliasing is untouched: an anchor used 150 times, merge keys', () => {
    const parsed = parseManifests(hostile('manyAliases.yaml'));
    assert.deepEqual(parsed.problems, []);
    const spec = (parsed.documents[0]?.value as { spec: { template: { spec: { containers: Array<Record<string, unknown>>; initContainers: unknown[] } } } }).spec.template.spec;
    assert.equal(spec.initContainers.length, 150);
    assert.deepEqual(spec.containers[2], { name: 'side2', image: 'side:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] });
    assert.equal(yamlLimitProblem(hostile('manyAliases.yaml')), undefined);
    // yaml's own default (maxAliasCount 100) refuses this file; the bounded document does not.
    const doc = parseDocumentBounded(hostile('manyAliases.yaml'), { merge: true });
    assert.deepEqual(doc.errors, []);
    assert.throws(() => doc.toJS(), /Excessive alias count/);
    assert.equal(measureValue(doc.toJS({ maxAliasCount: -1 })), undefined);
  });

  it('draws the line where kubectl does (sigs.k8s.io/yaml, go-yaml allowedAliasRatio)', function () {
    this.timeout(60_000);
    // Ten strings, an anchor of ten aliases to them, then `n` aliases of that anchor: the share of
    // copies approaches 121/122, past go-yaml's 99%, at an n that depends on the unique nodes.
    const text = (n: number, unique: number): string =>
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: ratio',
        'data:',
        `  a: &a [${Array.from({ length: 10 }, (_, i) => `v${i}`).join(', ')}]`,
        `  c: &c [${Array(10).fill('*a').join(', ')}]`,
        ...Array.from({ length: unique }, (_, i) => `  u${i}: w`),
        `  b: [${Array(n).fill('*c').join(', ')}]`,
        '',
      ].join('\n');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-ratio-'));
    const kubectlAccepts = (t: string): boolean => {
      const file = path.join(dir, 'doc.yaml');
      fs.writeFileSync(file, t);
      try {
        execFileSync('kubectl', ['create', '--dry-run=client', '--validate=false', '-o', 'json', '-f', file], { env: { ...process.env, KUBECONFIG: '/dev/null' }, stdio: 'pipe' });
        return true;
      } catch (err) {
        // Past decoding, kubectl fails on the missing server: the YAML itself was accepted.
        return !String((err as { stderr?: Buffer }).stderr).includes('error converting YAML to JSON');
      }
    };
    try {
      const verdicts: boolean[] = [];
      for (const [unique, ns] of [[0, [150, 166, 167, 180]], [20, [346, 347]]] as const) {
        for (const n of ns) {
          const t = text(n, unique);
          const expected = kubectlAccepts(t);
          verdicts.push(expected);
          assert.equal(parseManifests(t).problems.length === 0, expected, `js-yaml path, ${unique} unique, ${n} aliases`);
          assert.equal(parseDocumentBounded(t).errors.length === 0, expected, `yaml path, ${unique} unique, ${n} aliases`);
        }
      }
      // The cases straddle kubectl's line.
      assert.ok(verdicts.includes(true) && verdicts.includes(false));
      for (const name of ['billionLaughs.yaml', 'aliasCycle.yaml', 'crdBomb.yaml']) assert.equal(kubectlAccepts(hostile(name)), false, name);
      assert.equal(kubectlAccepts(hostile('manyAliases.yaml')), true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loadYaml throws YamlLimitError with the line; syntax errors stay js-yaml errors', () => {
    assert.throws(
      () => loadYaml(hostile('billionLaughs.yaml')),
      (err: unknown) => err instanceof YamlLimitError && err.code === 'aliases' && err.line === lineOf(hostile('billionLaughs.yaml'), 'd: &d'),
    );
    assert.throws(() => loadYaml('a: [1, 2'), (err: unknown) => !(err instanceof YamlLimitError) && err instanceof Error);
  });

  it('the lens engine: a bomb document is broken, its neighbours still get lenses', async () => {
    const app = mapArgoApplication('prod', F.ARGO2_SYNCED_HEALTHY);
    const reader = new FakeReader();
    const cm = guestbookConfigMapYaml();
    reader.set('prod', 'ConfigMap', 'guestbook', 'guestbook-config', { obj: liveOf(cm, 'guestbook') });
    reader.set('prod', 'ConfigMap', 'guestbook', 'lol', { obj: liveOf('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata: {a: x}\n', 'guestbook') });
    const results = new DriftSession({ apps: () => [app], reader, repoOf, log: recordingLogger().logger });
    const file = `${ROOT}/apps/guestbook/guestbook.yaml`;
    const bomb = hostile('billionLaughs.yaml');
    assert.equal(loadManifestSource(bomb).kind, 'broken');
    results.track({ uri: uriOf(file), fsPath: file, text: `${cm}---\n${bomb}` });
    await settle(results, uriOf(file));
    assert.deepEqual(
      results.lenses(uriOf(file)).map((l) => [l.documentIndex, l.state.kind]),
      [[0, 'inSync']],
    );
    assert.ok(!reader.calls.some((c) => c.includes('lol')), 'the bomb is never read from the cluster');
    results.dispose();
  });

  it('kustomization files and origin annotations are read within the same bounds', () => {
    const bombK = `resources:\n- web.yaml\n${hostile('billionLaughs.yaml').replace(/^(apiVersion|kind|metadata|  name).*\n/gm, '')}`;
    assert.throws(() => readKustomization(bombK), (err: unknown) => err instanceof YamlLimitError && err.code === 'aliases');
    // withOriginAnnotations writes aliases out in full (noRefs): a bomb never gets that far.
    assert.throws(() => withOriginAnnotations(bombK), YamlLimitError);
    assert.deepEqual(readKustomization('resources: [web.yaml]\npatches: [{path: p.yaml}]\n').resources, ['web.yaml']);
  });

  it('yaml documents (kubeconfig, adopt): the bomb is a parse error at its line', () => {
    const kubeconfig = `apiVersion: v1\nkind: Config\nclusters: &c\n${Array.from({ length: 9 }, (_, i) => `- x${i}: ${i === 0 ? '&l0 [a, a, a, a, a, a, a, a, a]' : `&l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]`}`).join('\n')}\n`;
    const merged = mergeKubeconfigs([{ path: '/home/me/.kube/bomb', text: kubeconfig }]);
    assert.equal(merged.contexts.length, 0);
    assert.equal(merged.problems.length, 1);
    assert.equal(merged.problems[0]?.file, '/home/me/.kube/bomb');
    assert.match(merged.problems[0]?.message ?? '', /^excessive aliasing/);
    assert.ok((merged.problems[0]?.line ?? 0) > 3);
    const text = `${guestbookConfigMapYaml()}---\n${hostile('billionLaughs.yaml')}`;
    assert.throws(() => adoptEdit(text, 1, [{ path: '/data/a', value: 'x' }]), (err: unknown) => err instanceof AdoptError && err.code === 'noDocument');
    const doc = parseDocumentBounded(hostile('billionLaughs.yaml'));
    assert.equal(doc.errors[0]?.code, 'RESOURCE_EXHAUSTION');
  });

  it('yaml-language-server: a bomb is served as a text without documents; other files as before', async function () {
    this.timeout(60_000);
    const registry = new SchemaRegistry(() => readBuiltinLayer(REPO_ROOT));
    const texts = new Map<string, string>();
    const ls = createYamlService(registry, (uri) => texts.get(uri));
    const open = (name: string): TextDocument => {
      const uri = `file:///w/${name}`;
      texts.set(uri, hostile(name));
      return TextDocument.create(uri, 'yaml', 1, hostile(name));
    };
    // Before the fix the outline of this file grew past 4 GB, and validating crdBomb never ended.
    const laughs = open('billionLaughs.yaml');
    assert.deepEqual((await ls.findDocumentSymbols2(laughs, {})) ?? [], []);
    assert.equal((await ls.doHover(laughs, { line: lineOf(hostile('billionLaughs.yaml'), 'i: &i'), character: 10 })) ?? null, null);
    const crd = open('crdBomb.yaml');
    assert.deepEqual(await ls.doValidation(crd, false), []);
    assert.deepEqual((await ls.findDocumentSymbols2(crd, {})) ?? [], []);
    const fine = open('manyAliases.yaml');
    const symbols = await ls.findDocumentSymbols2(fine, {});
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['apiVersion', 'kind', 'metadata', 'spec'],
    );
  });
});
