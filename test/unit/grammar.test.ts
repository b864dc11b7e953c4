/**
 * Tokenization of the grammars in syntaxes/ with vscode-textmate and the Oniguruma WebAssembly build
 * VS Code itself uses: Helm actions and Flux substitutions injected into YAML, and the drift report.
 * The YAML host here is a minimal `source.yaml` (keys, plain scalars, comments): the injection selector
 * only needs that scope and the comment scope it excludes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { REPO_ROOT } from '../support/paths';

const SYNTAXES = path.join(REPO_ROOT, 'syntaxes');
const INJECTION = 'gitops-lens.template.injection';
const DRIFT = 'text.gitops-lens.drift';

const YAML_HOST = {
  scopeName: 'source.yaml',
  patterns: [
    { name: 'comment.line.number-sign.yaml', match: '#.*$' },
    { match: '^(\\s*)([A-Za-z_][\\w.-]*)(:)', captures: { 2: { name: 'entity.name.tag.yaml' }, 3: { name: 'punctuation.separator.key-value.yaml' } } },
    // A begin/end rule, as VS Code's YAML grammar scopes plain scalars, so injections apply inside.
    { name: 'string.unquoted.plain.out.yaml', begin: '(?=[^#\\s])', end: '(?=\\s+#)|$' },
  ],
};

let registry: vsctm.Registry | undefined;
async function grammar(scope: string): Promise<vsctm.IGrammar> {
  if (!registry) {
    const wasm = fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const files: Record<string, string> = {
      [INJECTION]: 'gitops-template.injection.tmLanguage.json',
      [DRIFT]: 'gitops-drift.tmLanguage.json',
    };
    registry = new vsctm.Registry({
      onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
      loadGrammar: async (name) => {
        if (name === 'source.yaml') return vsctm.parseRawGrammar(JSON.stringify(YAML_HOST), 'yaml.json');
        const file = files[name];
        return file ? vsctm.parseRawGrammar(fs.readFileSync(path.join(SYNTAXES, file), 'utf8'), path.join(SYNTAXES, file)) : null;
      },
      getInjections: (scopeName) => (scopeName === 'source.yaml' ? [INJECTION] : undefined),
    });
  }
  const g = await registry.loadGrammar(scope);
  assert.ok(g, `grammar ${scope} did not load`);
  return g;
}

/** [text, scopes] of each token of each line (scopes without the root scope). */
async function tokenize(scope: string, text: string): Promise<Array<Array<[string, string[]]>>> {
  const g = await grammar(scope);
  let state = vsctm.INITIAL;
  const out: Array<Array<[string, string[]]>> = [];
  for (const line of text.split('\n')) {
    const r = g.tokenizeLine(line, state);
    out.push(r.tokens.map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes.slice(1)]));
    state = r.ruleStack;
  }
  return out;
}

const scopesOf = (line: Array<[string, string[]]> | undefined, text: string): string[] => {
  const token = line?.find(([t]) => t === text);
  assert.ok(token, `no token "${text}" in ${JSON.stringify(line)}`);
  return token[1];
};

describe('grammar: Helm and Flux templates injected into YAML', () => {
  it('scopes a Helm action with its keywords, functions, fields and pipe', async () => {
    const [line] = await tokenize('source.yaml', 'image: {{- if .Values.image.tag }}{{ .Values.image.tag | quote }}{{ end -}}');
    assert.ok(scopesOf(line, '{{-').includes('punctuation.section.embedded.begin.helm'));
    assert.ok(scopesOf(line, 'if').includes('keyword.control.helm'));
    assert.ok(scopesOf(line, '.Values').includes('variable.other.member.helm'));
    assert.ok(scopesOf(line, 'quote').includes('support.function.helm'));
    assert.ok(scopesOf(line, '|').includes('keyword.operator.pipe.helm'));
    assert.ok(scopesOf(line, '-}}').includes('punctuation.section.embedded.end.helm'));
    assert.ok(scopesOf(line, 'end').includes('meta.embedded.block.helm.gitops-lens'));
  });

  it('continues an action across lines and leaves comments alone', async () => {
    const lines = await tokenize('source.yaml', ['{{- include "chart.labels"', '    . | nindent 4 }}', '# {{ not.an.action }}'].join('\n'));
    assert.ok(scopesOf(lines[0], '"').includes('string.quoted.double.helm'));
    assert.ok(scopesOf(lines[1], 'nindent').includes('support.function.helm'));
    assert.ok(lines[2]?.every(([, s]) => !s.some((x) => x.includes('helm'))), JSON.stringify(lines[2]));
  });

  it('scopes Flux substitutions with defaults, and $${…} as an escape', async () => {
    const [line] = await tokenize('source.yaml', 'namespace: ${cluster_env:=dev}-apps and $${literal}');
    assert.ok(scopesOf(line, '${').includes('punctuation.definition.substitution.begin.flux'));
    assert.ok(scopesOf(line, 'cluster_env').includes('variable.other.substitution.flux'));
    assert.ok(scopesOf(line, ':=').includes('keyword.operator.default.flux'));
    assert.ok(scopesOf(line, 'dev').includes('string.unquoted.default.flux'));
    assert.ok(scopesOf(line, '$${literal}').includes('constant.character.escape.flux.gitops-lens'));
    assert.ok(scopesOf(line, 'namespace').includes('entity.name.tag.yaml'));
  });
});

describe('grammar: drift report', () => {
  it('scopes statuses, identities, locations, changes and the summary as renderText prints them', async () => {
    const report = [
      'Drifted apps/v1 Deployment checkout/web (apps/web.yaml:3)',
      '    ~ /spec/replicas: 3 (desired) ≠ 2 (live)',
      '    + /metadata/labels/tier: "web" (desired), missing live',
      '    - /spec/paused: removed from the desired manifest, still live as true',
      'Missing v1 ConfigMap checkout/flags',
      '    not found on the cluster',
      'InSync  v1 Service checkout/web',
      'Summary: 1 in sync, 1 drifted, 1 missing, 0 extra',
    ].join('\n');
    const lines = await tokenize(DRIFT, report);
    assert.ok(scopesOf(lines[0], 'Drifted').includes('markup.deleted.status.drifted.gitops-lens'));
    assert.ok(scopesOf(lines[0], 'Deployment').includes('entity.name.type.kind.gitops-lens'));
    assert.ok(scopesOf(lines[0], 'apps/web.yaml').includes('markup.underline.link.file.gitops-lens'));
    assert.ok(scopesOf(lines[0], '3').includes('constant.numeric.line.gitops-lens'));
    assert.ok(scopesOf(lines[1], '/spec/replicas').includes('variable.other.path.gitops-lens'));
    assert.ok(scopesOf(lines[1], '3').includes('markup.inserted.value.desired.gitops-lens'));
    assert.ok(scopesOf(lines[1], '2').includes('markup.deleted.value.live.gitops-lens'));
    assert.ok(scopesOf(lines[2], '+').includes('markup.inserted.marker.gitops-lens'));
    assert.ok(scopesOf(lines[3], 'true').includes('markup.deleted.value.live.gitops-lens'));
    assert.ok(scopesOf(lines[5], '    not found on the cluster').includes('comment.line.note.gitops-lens'));
    assert.ok(scopesOf(lines[6], 'InSync').includes('markup.inserted.status.insync.gitops-lens'));
    assert.ok(scopesOf(lines[7], 'Summary:').includes('markup.heading.summary.gitops-lens'));
  });
});
