/**
 * The image-update CodeLens of issue 15: on an image line whose Flux ImagePolicy selects a newer tag,
 * "1.4.2 available: open PR". Offers come from core/manifest/imageUpdate over AppStore snapshots only
 * (STYLE.md rule 5: no cluster call while rendering); the lens's command opens a pull request through
 * the PR flow (commands/updateImage.ts), never writing the file.
 */
import * as vscode from 'vscode';
import type { Disposable } from '../../core/lifecycle';
import { imageOffers, type ImageOffer, type PolicyLookup } from '../../core/manifest/imageUpdate';
import type { App } from '../../core/model/app';
import type { AppStore, AppStoreChange } from '../../core/store/appStore';
import type { CommandId } from '../commandIds';

const UPDATE_IMAGE: CommandId = 'gitopsLens.updateImage';

/** Files only: the pull request needs the file's repository. */
export const IMAGE_LENS_SELECTOR: vscode.DocumentSelector = [{ language: 'yaml', scheme: 'file' }];

/** What the lens passes to `gitopsLens.updateImage`. */
interface ImageUpdateArgs {
  readonly uri: string;
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly from: string;
  readonly to: string;
  readonly tag: string;
  /** The ImagePolicy's key. */
  readonly policy: string;
}

function policyLookup(apps: AppStore): PolicyLookup {
  return {
    byImage: (name) => apps.policiesForImage(name),
    byName: (namespace, name) => apps.all().filter((a: App) => a.kind === 'ImagePolicy' && a.namespace === namespace && a.name === name),
  };
}

function lensOfOffer(uri: vscode.Uri, o: ImageOffer): vscode.CodeLens {
  const p = o.policy;
  const args: ImageUpdateArgs = { uri: uri.toString(), line: o.line, start: o.start, end: o.end, from: o.from, to: o.to, tag: o.tag, policy: p.key };
  const how = p.image?.kind === 'policy' && p.image.policy ? ` (${p.image.policy})` : '';
  return new vscode.CodeLens(new vscode.Range(o.line, o.start, o.line, o.end), {
    title: `${o.tag} available: open PR`,
    command: UPDATE_IMAGE,
    tooltip: `ImagePolicy ${p.namespace}/${p.name} on ${p.cluster} selects ${o.selected.name}:${o.tag}${how}. Opens a pull request that writes ${o.to}.`,
    arguments: [args],
  });
}

export class ImageUpdateLensProvider implements vscode.CodeLensProvider, Disposable {
  private readonly _onDidChangeCodeLenses = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this._onDidChangeCodeLenses.event;
  private readonly subscription: Disposable;
  private readonly lookup: PolicyLookup;

  constructor(apps: AppStore) {
    this.lookup = policyLookup(apps);
    // Only ImagePolicy changes (a new tag selected, a policy added or gone) change the lenses.
    this.subscription = apps.onDidChange((c: AppStoreChange) => {
      if ([...c.added, ...c.updated, ...c.removed].some((k) => k.includes('/ImagePolicy/'))) this._onDidChangeCodeLenses.fire();
    });
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return imageOffers(document.getText(), this.lookup).map((o) => lensOfOffer(document.uri, o));
  }

  dispose(): void {
    this.subscription.dispose();
    this._onDidChangeCodeLenses.dispose();
  }
}
