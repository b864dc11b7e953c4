/**
 * The snippets in snippets/ (issue 7) are valid manifests: each body, with every placeholder filled
 * with its default (the first choice of a choice, the earlier value of a repeated tab stop), passes
 * yaml-language-server validation against our schemas without a single diagnostic.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { SchemaRegistry } from '../../../../src/core/schema/registry';
import { readBuiltinLayer } from '../../../../src/infra/schema/builtinBundle';
import { createYamlService } from '../../../../src/infra/schema/yamlService';
import { REPO_ROOT } from '../../../support/paths';

interface Snippet {
  readonly prefix: string;
  readonly body: readonly string[];
}

/** The text a user gets by tabbing through every placeholder (TextMate snippet syntax as VS Code reads it). */
function expandSnippet(body: readonly string[]): string {
  const values = new Map<string, string>();
  return body
    .join('\n')
    .replace(/\$\{(\d+)\|([^|}]*)\|\}|\$\{(\d+):([^}]*)\}|\$\{(\d+)\}|\$(\d+)/g, (_m, cn: string, choices: string, dn: string, def: string, rn: string, bn: string) => {
      if (cn !== undefined) {
        const v = choices.split(',')[0] ?? '';
        values.set(cn, v);
        return v;
      }
      if (dn !== undefined) {
        values.set(dn, def);
        return def;
      }
      return values.get(rn ?? bn) ?? '';
    });
}

describe('schema: snippets', function () {
  this.timeout(30_000);
  const file = path.join(REPO_ROOT, 'snippets', 'gitops.code-snippets.json');
  const snippets = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Snippet>;

  it('has one snippet per authored GitOps kind', () => {
    const kinds = Object.values(snippets).map((s) => /^kind: (\w+)$/m.exec(expandSnippet(s.body))?.[1]);
    assert.deepEqual(kinds.sort(), ['AppProject', 'Application', 'ApplicationSet', 'GitRepository', 'HelmRelease', 'Kustomization']);
  });

  it('expands placeholders the way VS Code does', () => {
    assert.equal(expandSnippet(['a: ${1:x}', 'b: ${2|true,false|}', 'c: ${1}', '$0']), 'a: x\nb: true\nc: x\n');
  });

  for (const [name, snippet] of Object.entries(snippets)) {
    it(`${name} validates against its schema`, async () => {
      const text = expandSnippet(snippet.body);
      const registry = new SchemaRegistry(() => readBuiltinLayer(REPO_ROOT));
      assert.ok(registry.schemaUriFor(text), `no schema for ${name}`);
      const ls = createYamlService(registry, () => text);
      const diagnostics = await ls.doValidation(TextDocument.create(`file:///snippets/${snippet.prefix}.yaml`, 'yaml', 1, text), false);
      assert.deepEqual(diagnostics.map((d) => `${d.range.start.line}: ${d.message}`), []);
    });
  }

  it('would catch a snippet with a wrong field', async () => {
    const text = expandSnippet([...(snippets['Flux GitRepository']?.body ?? []), '  brnach: main']);
    const registry = new SchemaRegistry(() => readBuiltinLayer(REPO_ROOT));
    const ls = createYamlService(registry, () => text);
    const diagnostics = await ls.doValidation(TextDocument.create('file:///snippets/wrong.yaml', 'yaml', 1, text), false);
    assert.equal(diagnostics.length, 1);
  });
});
