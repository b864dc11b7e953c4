/**
 * "Update image" from the image-update CodeLens (issue 15): a pull request that writes the tag a Flux
 * ImagePolicy selects into the image line, through the PR flow (preview, impact, branch, forge) as
 * Open Pull Request does. The file itself is never written: the PR's commit is built without touching
 * the working tree (src/infra/git/publish.ts).
 *
 * The change is made on the file as committed (HEAD) when the line is there, so that the PR holds the
 * image update only; on a file HEAD lacks or whose line differs, on the editor's text.
 *
 * Arguments: ImageUpdateArgs (imageUpdateLens.ts), plus `{ title?, yes: true }` as Open Pull Request.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { applyImageOffer, imageLinesOf } from '../../core/manifest/imageUpdate';
import { prArgs, resultOrError } from '../pr/deliver';
import { UserError } from './appArg';
import { openPullRequestFor } from './openPullRequest';
import type { CommandContext, CommandFactory } from './types';

export const updateImage: CommandFactory = (ctx) => (arg?: unknown) => resultOrError(arg, () => run(ctx, arg));

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

async function run(ctx: CommandContext, arg: unknown) {
  const args = prArgs(arg);
  const uri = str(args.uri);
  const line = num(args.line);
  const start = num(args.start);
  const end = num(args.end);
  const from = str(args.from);
  const to = str(args.to);
  if (uri === undefined || line === undefined || start === undefined || end === undefined || from === undefined || to === undefined) {
    throw new UserError('Update Image runs from the image lens of a manifest line.');
  }
  const offer = { line, start, end, from, to };
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  if (doc.uri.scheme !== 'file') throw new UserError('Only a file in a Git repository can be updated through a pull request.');
  const root = await ctx.pr.git.repoRootOf(path.dirname(doc.uri.fsPath));
  if (!root) throw new UserError(`${path.basename(doc.uri.fsPath)} is not in a Git repository.`);
  const rel = path.relative(root, doc.uri.fsPath).split(path.sep).join('/');
  const head = await ctx.pr.git.headContent(root, rel);
  let after: string | undefined;
  if (head !== undefined) {
    after = applyImageOffer(head, offer);
    if (after === undefined) {
      // The line moved since HEAD (edits above it): the one line of HEAD holding the same value.
      const same = imageLinesOf(head).filter((l) => l.value === from);
      if (same.length === 1) after = applyImageOffer(head, { ...same[0]!, from, to });
    }
  }
  after ??= applyImageOffer(doc.getText(), offer);
  if (after === undefined) throw new UserError(`Line ${line + 1} no longer reads ${from}; wait for the lens to update and try again.`);
  const policy = typeof args.policy === 'string' ? ctx.apps.get(args.policy) : undefined;
  const tag = str(args.tag) ?? to;
  const why = policy ? `: ImagePolicy ${policy.namespace}/${policy.name} on ${policy.cluster} selects ${tag}` : '';
  const image = from.includes(':') || from.includes('@') ? from.replace(/[:@].*$/, '') : path.basename(rel, path.extname(rel));
  const slug = typeof args.slug === 'string' ? args.slug : `image-${image.split('/').pop() ?? 'image'}-${tag}`;
  return openPullRequestFor(
    ctx,
    root,
    [{ path: rel, status: head === undefined ? 'added' : 'modified', before: head, after }],
    { ...args, heading: 'Update image', summary: `Updates ${from} to ${to} in ${rel}${why}.`, slug, defaultTitle: `Update ${image.split('/').pop() ?? image} to ${tag}` },
  );
}
